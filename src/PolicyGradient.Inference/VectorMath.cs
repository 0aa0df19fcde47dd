using System.Numerics;

namespace PolicyGradient.Inference
{
    /// <summary>
    /// tanh on whole SIMD vectors (System.Numerics has no exp). tanh(x) = sign(x)·(1 − e)/(1 + e) with
    /// e = exp(−2|x|); exp(z) = 2ⁿ·exp(r), n = round(z/ln 2), r = z − n·ln 2 ∈ [−ln2/2, ln2/2] (ln 2 in two
    /// parts so r is exact), exp(r) by Cephes' degree-7 minimax polynomial (relative error about 1e-7).
    /// Absolute error of tanh ≲ 2e-7, the size of the difference between libtorch's own tanh kernels.
    /// </summary>
    internal static class VectorMath
    {
        static readonly Vector<float> One = Vector<float>.One, Two = new(2f), Half = new(0.5f);
        static readonly Vector<float> MinExponent = new(-87f); // exp(−87) is still a normal float; tanh is ±1 in float long before
        static readonly Vector<float> Log2E = new(1.44269504088896341f);
        static readonly Vector<float> Ln2Hi = new(0.693359375f), Ln2Lo = new(-2.12194440e-4f);
        static readonly Vector<float> P0 = new(1.9875691500E-4f), P1 = new(1.3981999507E-3f), P2 = new(8.3334519073E-3f),
            P3 = new(4.1665795894E-2f), P4 = new(1.6666665459E-1f), P5 = new(5.0000001201E-1f);
        static readonly Vector<int> ExponentOne = new(1 << 23);

        /// <summary>exp(z) for z ∈ [−87, 0].</summary>
        static Vector<float> ExpNonPositive(Vector<float> z)
        {
            z = Vector.Max(z, MinExponent);
            var n = Vector.ConvertToInt32(z * Log2E - Half); // z ≤ 0: truncation toward 0 of (z/ln2 − ½) rounds to nearest
            var nf = Vector.ConvertToSingle(n);
            var r = z - nf * Ln2Hi - nf * Ln2Lo;
            var p = P0;
            p = p * r + P1; p = p * r + P2; p = p * r + P3; p = p * r + P4; p = p * r + P5;
            p = p * r * r + r + One;
            // ·2ⁿ: add n to the float's exponent field.
            return Vector.AsVectorSingle(Vector.AsVectorInt32(p) + n * ExponentOne);
        }

        /// <summary>tanh of each lane.</summary>
        public static Vector<float> Tanh(Vector<float> x)
        {
            var ax = Vector.Abs(x);
            var e = ExpNonPositive(-Two * ax);
            var t = (One - e) / (One + e);
            return Vector.ConditionalSelect(Vector.LessThan(x, Vector<float>.Zero), -t, t);
        }
    }
}
