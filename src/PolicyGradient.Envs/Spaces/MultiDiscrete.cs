namespace PolicyGradient.Environments.Spaces;

/// <summary>A vector of independent discrete choices, element i in [0, nvec[i]) (Gymnasium's MultiDiscrete).</summary>
public sealed class MultiDiscrete : Space
{
    /// <summary>Creates MultiDiscrete(nvec).</summary>
    public MultiDiscrete(params int[] nvec)
    {
        if (nvec.Length == 0) throw new ArgumentException("MultiDiscrete needs at least one dimension", nameof(nvec));
        foreach (int n in nvec)
            if (n <= 0) throw new ArgumentOutOfRangeException(nameof(nvec), n, "every MultiDiscrete size must be >= 1");
        Nvec = (int[])nvec.Clone();
    }

    /// <summary>Number of choices per dimension.</summary>
    public int[] Nvec { get; }

    /// <inheritdoc />
    public override int[] Shape => [Nvec.Length];

    /// <inheritdoc />
    public override int FlatSize => Nvec.Length;

    /// <inheritdoc />
    public override bool IsDiscrete => true;

    /// <inheritdoc />
    public override void Sample(Rng rng, Span<float> destination)
    {
        for (int i = 0; i < Nvec.Length; i++) destination[i] = rng.NextInt(Nvec[i]);
    }

    /// <inheritdoc />
    public override bool Contains(ReadOnlySpan<float> x)
    {
        if (x.Length != Nvec.Length) return false;
        for (int i = 0; i < x.Length; i++)
            if (!float.IsFinite(x[i]) || x[i] != MathF.Floor(x[i]) || x[i] < 0 || x[i] >= Nvec[i]) return false;
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => $"MultiDiscrete([{string.Join(' ', Nvec)}])";
}
