namespace PolicyGradient.Environments.Spaces;

/// <summary>
/// A set of valid observations or actions (Gymnasium's spaces). Every element is encoded as a flat
/// run of <see cref="FlatSize"/> float32 values, so observations and actions of any space travel in
/// one contiguous buffer (vector envs, tensors) without boxing: a <see cref="Discrete"/> element is
/// one float holding the integer, a <see cref="Box"/> element its values in row-major order.
/// </summary>
public abstract class Space
{
    /// <summary>Shape of one element (Gymnasium's <c>space.shape</c>); empty for Discrete.</summary>
    public abstract int[] Shape { get; }

    /// <summary>Number of floats in the flat encoding of one element.</summary>
    public abstract int FlatSize { get; }

    /// <summary>Draws a uniform (or, for unbounded boxes, normal/exponential) element into <paramref name="destination"/>.</summary>
    public abstract void Sample(Rng rng, Span<float> destination);

    /// <summary>Draws an element into a new array.</summary>
    public float[] Sample(Rng rng)
    {
        var x = new float[FlatSize];
        Sample(rng, x);
        return x;
    }

    /// <summary>True when <paramref name="x"/> (flat encoding) is an element of this space.</summary>
    public abstract bool Contains(ReadOnlySpan<float> x);

    /// <summary>True for spaces whose elements are integers (Discrete, MultiDiscrete, MultiBinary).</summary>
    public abstract bool IsDiscrete { get; }

    /// <summary>Short description in Gymnasium's notation, e.g. <c>Box(-inf, inf, (4,), float32)</c>.</summary>
    public abstract override string ToString();

    /// <summary>Formats a shape as Gymnasium does: (4,) or (2, 3).</summary>
    protected static string FormatShape(int[] shape) =>
        shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
}
