namespace PolicyGradient.Environments.Spaces;

/// <summary>The integers {start, ..., start + n - 1} (Gymnasium's Discrete). One float in flat form.</summary>
public sealed class Discrete : Space
{
    /// <summary>Creates Discrete(n, start).</summary>
    public Discrete(int n, int start = 0)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "Discrete needs n >= 1");
        N = n;
        Start = start;
    }

    /// <summary>Number of elements.</summary>
    public int N { get; }

    /// <summary>Smallest element.</summary>
    public int Start { get; }

    /// <inheritdoc />
    public override int[] Shape => [];

    /// <inheritdoc />
    public override int FlatSize => 1;

    /// <inheritdoc />
    public override bool IsDiscrete => true;

    /// <summary>Draws one element.</summary>
    public int SampleInt(Rng rng) => Start + rng.NextInt(N);

    /// <inheritdoc />
    public override void Sample(Rng rng, Span<float> destination) => destination[0] = SampleInt(rng);

    /// <summary>True when <paramref name="x"/> is in the space.</summary>
    public bool Contains(long x) => x >= Start && x < (long)Start + N;

    /// <inheritdoc />
    public override bool Contains(ReadOnlySpan<float> x) =>
        x.Length == 1 && float.IsFinite(x[0]) && x[0] == MathF.Floor(x[0]) && Contains((long)x[0]);

    /// <inheritdoc />
    public override string ToString() => Start == 0 ? $"Discrete({N})" : $"Discrete({N}, start={Start})";
}
