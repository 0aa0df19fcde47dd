using TorchSharp;

namespace PolicyGradient.Interop;

/// <summary>
/// Scalars that live as long as the process. TorchSharp 0.107 implements <c>a + b</c>, <c>a.add(b)</c>,
/// <c>a.add_(b)</c> and <c>a.addcdiv(b, c)</c> by passing a temporary <c>Scalar</c> 1 as alpha (and
/// <c>square()</c> as <c>pow(2)</c>); its
/// finalizer can free the native value while libtorch still reads it (a random "Unknown scalar type"
/// crash under garbage-collection pressure). Writing <c>a.add(b, TorchScalars.One)</c> runs the same
/// kernel with the same alpha, without the temporary (docs/architecture.md §5).
/// </summary>
public static class TorchScalars
{
    /// <summary>The integer 1 (valid as alpha for floating and integral tensors).</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>The integer 2: <c>x.pow(TorchScalars.Two)</c> is what TorchSharp's <c>square()</c> runs, without its temporary.</summary>
    public static readonly Scalar Two = 2.ToScalar();
}
