using System.Numerics;

namespace PolicyGradient.Environments;

/// <summary>
/// A small, fast, seedable random generator (xoshiro256**, Blackman and Vigna 2018) whose whole
/// state can be read and restored, so environments, samplers and checkpoints are reproducible.
/// Seeds are expanded with SplitMix64 as the authors recommend. Not thread-safe: one per owner.
/// </summary>
public sealed class Rng
{
    ulong _s0, _s1, _s2, _s3;
    double? _spareNormal;

    /// <summary>Creates a generator from a 64-bit seed.</summary>
    public Rng(long seed) => Reseed(seed);

    /// <summary>Creates a generator seeded from the OS entropy source (non-reproducible).</summary>
    public static Rng FromEntropy() => new(System.Security.Cryptography.RandomNumberGenerator.GetInt32(int.MaxValue) * 2654435761L ^ Environment.TickCount64);

    /// <summary>Resets the state from a seed.</summary>
    public void Reseed(long seed)
    {
        ulong x = (ulong)seed;
        _s0 = SplitMix(ref x); _s1 = SplitMix(ref x); _s2 = SplitMix(ref x); _s3 = SplitMix(ref x);
        _spareNormal = null;
    }

    static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform double in [low, high).</summary>
    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Uniform integer in [0, n) without modulo bias (Lemire's method).</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "n must be positive");
        ulong m = (ulong)(uint)NextUInt64() * (ulong)n;
        uint l = (uint)m;
        if (l < (uint)n)
        {
            uint t = (uint)(-n) % (uint)n;
            while (l < t) { m = (ulong)(uint)NextUInt64() * (ulong)n; l = (uint)m; }
        }
        return (int)(m >> 32);
    }

    /// <summary>Uniform integer in [low, high).</summary>
    public int NextInt(int low, int high) => low + NextInt(high - low);

    /// <summary>Standard normal sample (Marsaglia polar method).</summary>
    public double Normal()
    {
        if (_spareNormal is double spare) { _spareNormal = null; return spare; }
        double u, v, s;
        do { u = 2 * NextDouble() - 1; v = 2 * NextDouble() - 1; s = u * u + v * v; } while (s >= 1 || s == 0);
        double f = Math.Sqrt(-2 * Math.Log(s) / s);
        _spareNormal = v * f;
        return u * f;
    }

    /// <summary>Exponential sample with rate 1.</summary>
    public double Exponential() => -Math.Log(1 - NextDouble());

    /// <summary>Poisson sample with mean <paramref name="mean"/> (inversion for small means, PTRS-free normal-free rejection otherwise).</summary>
    public int Poisson(double mean)
    {
        if (mean < 0 || double.IsNaN(mean)) throw new ArgumentOutOfRangeException(nameof(mean), mean, "mean must be >= 0");
        if (mean == 0) return 0;
        if (mean < 30)
        {
            // Knuth's multiplication method: exact, fine for the small means of inventory demand.
            double l = Math.Exp(-mean), p = 1; int k = 0;
            do { k++; p *= NextDouble(); } while (p > l);
            return k - 1;
        }
        // Sum of independent Poisson parts keeps exactness for large means.
        int total = 0; double remaining = mean;
        while (remaining > 0) { double part = Math.Min(remaining, 25); total += Poisson(part); remaining -= part; }
        return total;
    }

    /// <summary>The complete state (for checkpoints).</summary>
    public ulong[] GetState() => [_s0, _s1, _s2, _s3, _spareNormal is double d ? 1UL : 0UL, (ulong)BitConverter.DoubleToInt64Bits(_spareNormal ?? 0)];

    /// <summary>Restores a state from <see cref="GetState"/>.</summary>
    public void SetState(ReadOnlySpan<ulong> state)
    {
        if (state.Length != 6) throw new ArgumentException($"an Rng state has 6 words, got {state.Length}", nameof(state));
        if ((state[0] | state[1] | state[2] | state[3]) == 0) throw new ArgumentException("an all-zero xoshiro state is invalid", nameof(state));
        _s0 = state[0]; _s1 = state[1]; _s2 = state[2]; _s3 = state[3];
        _spareNormal = state[4] != 0 ? BitConverter.Int64BitsToDouble((long)state[5]) : null;
    }

    /// <summary>Derives an independent child seed (e.g. per sub-environment) from this generator.</summary>
    public long NextSeed() => (long)(NextUInt64() >> 1);
}
