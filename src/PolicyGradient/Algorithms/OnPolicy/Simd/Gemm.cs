using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PolicyGradient.Algorithms.OnPolicy.Simd;

/// <summary>
/// Single-precision matrix products for the small dense layers of an actor-critic (widths ≤ a few
/// hundred, batches of a few hundred rows), in C# SIMD with no per-call allocation.
/// <para><see cref="Multiply"/>: C[m, n] (+)= Σ_k A(m, k)·B[k, n]. B and C are row-major; A is read
/// through a row stride and a column stride, so a transposed operand (Xᵀ·dY for a weight gradient)
/// costs no copy. It vectorizes over n: with AVX-512 a 4 × 64 register block (16 zmm accumulators,
/// one broadcast of A(i, k) per row, four loads of B[k, ·] per k), the classic outer-product
/// micro-kernel of Goto and van de Geijn (2008, "Anatomy of high-performance matrix multiplication");
/// then 1 × 16 and 1 × 8 strips, then a scalar tail.</para>
/// <para><see cref="MultiplyTransposed"/>: C[m, n] = Σ_k A[m, k]·W[n, k] as dot products vectorized
/// over k — for narrow outputs (an action head of 2 logits, a value head of 1) where vectorizing over
/// n would waste the lanes.</para>
/// </summary>
internal static class Gemm
{
    /// <summary>C[m, n] (+)= Σ_k A(m, k)·B[k, n] with A(i, k) = a[i·aRow + k·aCol], B and C row-major (ldb, ldc).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(ReadOnlySpan<float> a, int aRow, int aCol, ReadOnlySpan<float> b, int ldb,
        Span<float> c, int ldc, int m, int n, int k, bool accumulate)
    {
        if (m <= 0 || n <= 0) return;
        if (k <= 0) { if (!accumulate) for (int i = 0; i < m; i++) c.Slice(i * ldc, n).Clear(); return; }
        // One bounds check per call; the loops below index through refs.
        if ((long)(m - 1) * aRow + (long)(k - 1) * aCol >= a.Length || (long)(k - 1) * ldb + n > b.Length || (long)(m - 1) * ldc + n > c.Length)
            throw new ArgumentException($"operands too small for a {m}×{k}·{k}×{n} product");
        ref float a0 = ref MemoryMarshal.GetReference(a);
        ref float b0 = ref MemoryMarshal.GetReference(b);
        ref float c0 = ref MemoryMarshal.GetReference(c);
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j + 64 <= n; j += 64)
            {
                int i = 0;
                for (; i + 4 <= m; i += 4) Block4x64(ref a0, aRow, aCol, ref b0, ldb, ref c0, ldc, i, j, k, accumulate);
                for (; i < m; i++) Strip16(ref a0, aRow, aCol, ref b0, ldb, ref c0, ldc, i, j, k, 4, accumulate);
            }
            for (; j + 16 <= n; j += 16)
                for (int i = 0; i < m; i++) Strip16(ref a0, aRow, aCol, ref b0, ldb, ref c0, ldc, i, j, k, 1, accumulate);
        }
        if (Vector256.IsHardwareAccelerated)
            for (; j + 8 <= n; j += 8)
                for (int i = 0; i < m; i++) Strip8(ref a0, aRow, aCol, ref b0, ldb, ref c0, ldc, i, j, k, accumulate);
        for (; j < n; j++)
            for (int i = 0; i < m; i++)
            {
                float s = 0;
                for (int p = 0; p < k; p++) s += Unsafe.Add(ref a0, i * aRow + p * aCol) * Unsafe.Add(ref b0, p * ldb + j);
                ref float cij = ref Unsafe.Add(ref c0, i * ldc + j);
                cij = accumulate ? cij + s : s;
            }
    }

    /// <summary>C[i, j] (+)= Σ_k A[i, k]·W[j, k], all row-major (lda, ldw, ldc): y = x·Wᵀ for a narrow layer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyTransposed(ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> w, int ldw,
        Span<float> c, int ldc, int m, int n, int k, bool accumulate)
    {
        if (m <= 0 || n <= 0) return;
        if ((long)(m - 1) * lda + k > a.Length || (long)(n - 1) * ldw + k > w.Length || (long)(m - 1) * ldc + n > c.Length)
            throw new ArgumentException($"operands too small for a {m}×{k}·({n}×{k})ᵀ product");
        for (int i = 0; i < m; i++)
        {
            var row = a.Slice(i * lda, k);
            for (int j = 0; j < n; j++)
            {
                float s = Dot(row, w.Slice(j * ldw, k));
                c[i * ldc + j] = accumulate ? c[i * ldc + j] + s : s;
            }
        }
    }

    /// <summary>Σ x[i]·y[i], vectorized.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        int len = Math.Min(x.Length, y.Length), i = 0;
        ref float x0 = ref MemoryMarshal.GetReference(x);
        ref float y0 = ref MemoryMarshal.GetReference(y);
        float s = 0;
        if (Vector512.IsHardwareAccelerated && len >= 16)
        {
            var acc = Vector512<float>.Zero;
            for (; i + 16 <= len; i += 16)
                acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref x0, (nuint)i), Vector512.LoadUnsafe(ref y0, (nuint)i), acc);
            s = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated && len >= 8)
        {
            var acc = Vector256<float>.Zero;
            for (; i + 8 <= len; i += 8)
                acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x0, (nuint)i), Vector256.LoadUnsafe(ref y0, (nuint)i), acc);
            s = Vector256.Sum(acc);
        }
        for (; i < len; i++) s += Unsafe.Add(ref x0, i) * Unsafe.Add(ref y0, i);
        return s;
    }

    // Rows i..i+3, columns j..j+63: 16 accumulators stay in registers for the whole k loop.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Block4x64(ref float a0, int aRow, int aCol, ref float b0, int ldb, ref float c0, int ldc, int i, int j, int k, bool accumulate)
    {
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<float> c30 = default, c31 = default, c32 = default, c33 = default;
        ref float ar = ref Unsafe.Add(ref a0, i * aRow);
        ref float br = ref Unsafe.Add(ref b0, j);
        for (int p = 0; p < k; p++)
        {
            ref float bp = ref Unsafe.Add(ref br, p * ldb);
            var b0v = Vector512.LoadUnsafe(ref bp);
            var b1v = Vector512.LoadUnsafe(ref bp, 16);
            var b2v = Vector512.LoadUnsafe(ref bp, 32);
            var b3v = Vector512.LoadUnsafe(ref bp, 48);
            ref float ap = ref Unsafe.Add(ref ar, p * aCol);
            var a = Vector512.Create(ap);
            c00 = Vector512.FusedMultiplyAdd(a, b0v, c00); c01 = Vector512.FusedMultiplyAdd(a, b1v, c01);
            c02 = Vector512.FusedMultiplyAdd(a, b2v, c02); c03 = Vector512.FusedMultiplyAdd(a, b3v, c03);
            a = Vector512.Create(Unsafe.Add(ref ap, aRow));
            c10 = Vector512.FusedMultiplyAdd(a, b0v, c10); c11 = Vector512.FusedMultiplyAdd(a, b1v, c11);
            c12 = Vector512.FusedMultiplyAdd(a, b2v, c12); c13 = Vector512.FusedMultiplyAdd(a, b3v, c13);
            a = Vector512.Create(Unsafe.Add(ref ap, 2 * aRow));
            c20 = Vector512.FusedMultiplyAdd(a, b0v, c20); c21 = Vector512.FusedMultiplyAdd(a, b1v, c21);
            c22 = Vector512.FusedMultiplyAdd(a, b2v, c22); c23 = Vector512.FusedMultiplyAdd(a, b3v, c23);
            a = Vector512.Create(Unsafe.Add(ref ap, 3 * aRow));
            c30 = Vector512.FusedMultiplyAdd(a, b0v, c30); c31 = Vector512.FusedMultiplyAdd(a, b1v, c31);
            c32 = Vector512.FusedMultiplyAdd(a, b2v, c32); c33 = Vector512.FusedMultiplyAdd(a, b3v, c33);
        }
        ref float cr = ref Unsafe.Add(ref c0, i * ldc + j);
        Store(ref cr, c00, c01, c02, c03, accumulate);
        Store(ref Unsafe.Add(ref cr, ldc), c10, c11, c12, c13, accumulate);
        Store(ref Unsafe.Add(ref cr, 2 * ldc), c20, c21, c22, c23, accumulate);
        Store(ref Unsafe.Add(ref cr, 3 * ldc), c30, c31, c32, c33, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(ref float c, Vector512<float> v0, Vector512<float> v1, Vector512<float> v2, Vector512<float> v3, bool accumulate)
    {
        if (accumulate)
        {
            v0 += Vector512.LoadUnsafe(ref c); v1 += Vector512.LoadUnsafe(ref c, 16);
            v2 += Vector512.LoadUnsafe(ref c, 32); v3 += Vector512.LoadUnsafe(ref c, 48);
        }
        v0.StoreUnsafe(ref c); v1.StoreUnsafe(ref c, 16); v2.StoreUnsafe(ref c, 32); v3.StoreUnsafe(ref c, 48);
    }

    // Row i, columns j..j+16·vectors−1, one zmm accumulator per 16 columns (vectors ≤ 4).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Strip16(ref float a0, int aRow, int aCol, ref float b0, int ldb, ref float c0, int ldc, int i, int j, int k, int vectors, bool accumulate)
    {
        for (int v = 0; v < vectors; v++)
        {
            var acc = Vector512<float>.Zero;
            ref float ar = ref Unsafe.Add(ref a0, i * aRow);
            ref float br = ref Unsafe.Add(ref b0, j + 16 * v);
            for (int p = 0; p < k; p++)
                acc = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref ar, p * aCol)), Vector512.LoadUnsafe(ref Unsafe.Add(ref br, p * ldb)), acc);
            ref float c = ref Unsafe.Add(ref c0, i * ldc + j + 16 * v);
            if (accumulate) acc += Vector512.LoadUnsafe(ref c);
            acc.StoreUnsafe(ref c);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Strip8(ref float a0, int aRow, int aCol, ref float b0, int ldb, ref float c0, int ldc, int i, int j, int k, bool accumulate)
    {
        var acc = Vector256<float>.Zero;
        ref float ar = ref Unsafe.Add(ref a0, i * aRow);
        ref float br = ref Unsafe.Add(ref b0, j);
        for (int p = 0; p < k; p++)
            acc = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref ar, p * aCol)), Vector256.LoadUnsafe(ref Unsafe.Add(ref br, p * ldb)), acc);
        ref float c = ref Unsafe.Add(ref c0, i * ldc + j);
        if (accumulate) acc += Vector256.LoadUnsafe(ref c);
        acc.StoreUnsafe(ref c);
    }
}
