using PolicyGradient.Algorithms.OnPolicy.Simd;

namespace PolicyGradient.Tests.Algorithms.OnPolicy.Simd;

public class GemmTests
{
    static float[] Random(int n, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
    }

    // C[i, j] = Σ_p A(i, p)·B[p, j], the definition, in double.
    static double[] Naive(float[] a, int aRow, int aCol, float[] b, int ldb, int m, int n, int k)
    {
        var c = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                for (int p = 0; p < k; p++) c[i * n + j] += (double)a[i * aRow + p * aCol] * b[p * ldb + j];
        return c;
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(7, 70, 5)]      // a 64-wide block and a 6-column tail; rows 4 + 3
    [InlineData(9, 93, 13)]     // 64 + 16 + 8 + 5 columns
    [InlineData(64, 64, 256)]   // the PPO weight-gradient shape
    [InlineData(3, 4, 300)]     // narrow: scalar columns only
    public void Multiply_equals_the_triple_loop_for_plain_and_transposed_A(int m, int n, int k)
    {
        var b = Random(k * n, 2);
        var aRowMajor = Random(m * k, 1);       // A(i, p) = a[i·k + p]
        var aColMajor = Random(m * k, 3);       // A(i, p) = a[p·m + i]  (an Aᵀ operand)
        foreach (var (a, aRow, aCol) in new[] { (aRowMajor, k, 1), (aColMajor, 1, m) })
        {
            var expected = Naive(a, aRow, aCol, b, n, m, n, k);
            var c = new float[m * n];
            Gemm.Multiply(a, aRow, aCol, b, n, c, n, m, n, k, accumulate: false);
            for (int i = 0; i < c.Length; i++) Assert.Equal(expected[i], c[i], 1e-4 * Math.Max(1, k / 16.0));
            // accumulate: C += A·B on top of what is there.
            Gemm.Multiply(a, aRow, aCol, b, n, c, n, m, n, k, accumulate: true);
            for (int i = 0; i < c.Length; i++) Assert.Equal(2 * expected[i], c[i], 2e-4 * Math.Max(1, k / 16.0));
        }
    }

    [Fact]
    public void Multiply_respects_a_leading_dimension_wider_than_the_product()
    {
        // C is the left 5 columns of an 8-wide matrix: the 3 columns right of it stay untouched.
        int m = 3, n = 5, k = 2, ldc = 8;
        float[] a = [1, 2, 3, 4, 5, 6], b = [1, 0, 0, 0, 1, 0, 1, 0, 0, 1];
        var c = Enumerable.Repeat(-7f, m * ldc).ToArray();
        Gemm.Multiply(a, k, 1, b, n, c, ldc, m, n, k, false);
        Assert.Equal(new float[] { 1, 2, 0, 0, 3, -7, -7, -7 }, c[..8]);     // row 0 = 1·[1,0,0,0,1] + 2·[0,1,0,0,1]
        Assert.Equal(new float[] { 5, 6, 0, 0, 11, -7, -7, -7 }, c[16..]);
    }

    [Fact]
    public void Multiply_transposed_equals_dot_products_of_rows()
    {
        int m = 5, n = 3, k = 37;
        var a = Random(m * k, 4);
        var w = Random(n * k, 5);
        var c = new float[m * n];
        Gemm.MultiplyTransposed(a, k, w, k, c, n, m, n, k, false);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double)a[i * k + p] * w[j * k + p];
                Assert.Equal(s, c[i * n + j], 1e-4);
            }
    }

    [Fact]
    public void Too_small_operands_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(new float[3], 2, 1, new float[4], 2, new float[4], 2, 2, 2, 2, false));
    }
}
