namespace PolicyGradient.Environments.Spaces;

/// <summary>A vector of n independent bits, each 0 or 1 (Gymnasium's MultiBinary).</summary>
public sealed class MultiBinary : Space
{
    /// <summary>Creates MultiBinary(n).</summary>
    public MultiBinary(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "MultiBinary needs n >= 1");
        N = n;
    }

    /// <summary>Number of bits.</summary>
    public int N { get; }

    /// <inheritdoc />
    public override int[] Shape => [N];

    /// <inheritdoc />
    public override int FlatSize => N;

    /// <inheritdoc />
    public override bool IsDiscrete => true;

    /// <inheritdoc />
    public override void Sample(Rng rng, Span<float> destination)
    {
        for (int i = 0; i < N; i++) destination[i] = rng.NextInt(2);
    }

    /// <inheritdoc />
    public override bool Contains(ReadOnlySpan<float> x)
    {
        if (x.Length != N) return false;
        foreach (float v in x)
            if (v != 0f && v != 1f) return false;
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => $"MultiBinary({N})";
}
