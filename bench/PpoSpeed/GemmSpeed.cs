using System.Diagnostics;
using PolicyGradient.Algorithms.OnPolicy.Simd;
using TorchSharp;

/// <summary>Throughput of the native GEMM against libtorch's mm for the square products of a 256-256 MLP (batch 256).</summary>
static class GemmSpeed
{
    public static void Run()
    {
        foreach (var (m, n, k) in new[] { (256, 256, 256), (256, 256, 4), (256, 64, 64) })
        {
            var a = new float[m * k]; var b = new float[k * n]; var c = new float[m * n];
            var rng = new Random(1);
            for (int i = 0; i < a.Length; i++) a[i] = (float)rng.NextDouble();
            for (int i = 0; i < b.Length; i++) b[i] = (float)rng.NextDouble();
            int iters = (int)Math.Max(200, 2e9 / (2.0 * m * n * k));
            for (int i = 0; i < 50; i++) Gemm.Multiply(a, k, 1, b, n, c, n, m, n, k, false);
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < iters; i++) Gemm.Multiply(a, k, 1, b, n, c, n, m, n, k, false);
            double us = sw.Elapsed.TotalMicroseconds / iters;
            var ta = torch.randn(m, k); var tb = torch.randn(k, n);
            for (int i = 0; i < 50; i++) using (var r = ta.mm(tb)) { }
            sw.Restart();
            for (int i = 0; i < iters; i++) using (var r = ta.mm(tb)) { }
            double tus = sw.Elapsed.TotalMicroseconds / iters;
            Console.WriteLine($"{m}x{k}·{k}x{n}: native {us:F1} us ({2.0 * m * n * k / us / 1e3:F1} GFLOP/s), libtorch mm {tus:F1} us ({2.0 * m * n * k / tus / 1e3:F1} GFLOP/s, {torch.get_num_threads()} threads)");
        }
    }
}
