using System.Runtime.InteropServices;

namespace PolicyGradient.Algorithms;

/// <summary>
/// Bit-reproducible CPU matrix products. libtorch's CPU build uses Intel MKL, which picks its code
/// path at run time; measured here, two identical PPO/TRPO runs in one process drifted in the last
/// bits after a few updates unless MKL's Conditional Numerical Reproducibility mode is pinned
/// (MKL_CBWR=AUTO fixed it at no measurable cost). MKL reads the variable when it first runs, so
/// call <see cref="Enable"/> at process start, before any tensor operation (the <c>pg</c> tool and
/// the tests do); an MKL_CBWR already set by the user is kept.
/// </summary>
public static class ReproducibleBlas
{
    [DllImport("libc", EntryPoint = "setenv")]
    static extern int SetEnv(string name, string value, int overwrite);

    /// <summary>Sets MKL_CBWR=AUTO in the native process environment unless it is already set. Returns true if it is set afterwards.</summary>
    public static bool Enable()
    {
        if (Environment.GetEnvironmentVariable("MKL_CBWR") is { Length: > 0 }) return true;
        if (OperatingSystem.IsWindows()) { Environment.SetEnvironmentVariable("MKL_CBWR", "AUTO"); return true; }
        try { return SetEnv("MKL_CBWR", "AUTO", 0) == 0; }
        catch (DllNotFoundException) { return false; }
        catch (EntryPointNotFoundException) { return false; }
    }
}
