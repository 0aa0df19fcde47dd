using PolicyGradient.Optimizers;
using TorchSharp;

namespace PolicyGradient.Tests.Optimizers;

public class PolyakUpdateTests
{
    static float[] Read(torch.Tensor t) => t.contiguous().data<float>().ToArray();

    [Fact]
    public void Tensor_update_moves_the_target_tau_of_the_way_to_the_source()
    {
        // τ = 0.25: 1 + 0.25·(3 − 1) = 1.5; 2 stays 2; −4 + 0.25·4 = −3; 0 + 0.25·10 = 2.5.
        using var target = torch.tensor(new float[] { 1, 2, -4, 0 });
        using var source = torch.tensor(new float[] { 3, 2, 0, 10 });
        using var polyak = new PolyakUpdate(0.25);
        polyak.Apply(target, source);
        Assert.Equal([1.5f, 2f, -3f, 2.5f], Read(target));
        Assert.Equal([3f, 2f, 0f, 10f], Read(source)); // the online weights are untouched
    }

    [Fact]
    public void Tensor_update_works_in_place_on_a_leaf_that_requires_grad()
    {
        // Target parameters of a network are leaves with requires_grad; the update must not be recorded.
        using var target = torch.tensor(new float[] { 0, 4 }).requires_grad_(true);
        using var source = torch.tensor(new float[] { 8, 0 });
        using var polyak = new PolyakUpdate(0.5);
        polyak.Apply(target, source);
        Assert.Equal([4f, 2f], Read(target.detach()));
        Assert.True(target.requires_grad);
    }

    static readonly float[] Odd = [0.1f, 1e-30f, -3.3f, 123456.7f, float.Epsilon, -0f, 7.77e20f, 0.3333333f, -1e-7f];

    [Fact]
    public void Tau_one_copies_the_source_bit_for_bit()
    {
        float[] targetValues = Odd.Select(v => v * -2.5f + 1f).ToArray();
        using var target = torch.tensor(targetValues);
        using var source = torch.tensor(Odd);
        using var polyak = new PolyakUpdate(1.0);
        polyak.Apply(target, source);
        Assert.Equal(Odd.Select(BitConverter.SingleToInt32Bits), Read(target).Select(BitConverter.SingleToInt32Bits));

        // The span form, over a length with both SIMD blocks and a scalar tail.
        float[] src = Enumerable.Range(0, 37).Select(i => Odd[i % Odd.Length] * (i + 1)).ToArray();
        float[] dst = Enumerable.Range(0, 37).Select(i => (float)Math.Sin(i)).ToArray();
        PolyakUpdate.Apply(dst, src, 1f);
        Assert.Equal(src.Select(BitConverter.SingleToInt32Bits), dst.Select(BitConverter.SingleToInt32Bits));
    }

    [Theory]
    [InlineData(0.25f)]  // target + τ(θ − target)
    [InlineData(0.75f)]  // θ − (θ − target)(1 − τ)
    [InlineData(0.005f)] // the TD3/SAC default
    public void Span_update_matches_the_formula_over_simd_blocks_and_the_tail(float tau)
    {
        float[] src = Enumerable.Range(0, 37).Select(i => (float)i).ToArray();
        float[] dst = Enumerable.Range(0, 37).Select(i => 100f - i).ToArray();
        float[] expected = src.Select((s, i) => (float)((1 - (double)tau) * dst[i] + tau * (double)s)).ToArray();
        PolyakUpdate.Apply(dst, src, tau);
        for (int i = 0; i < dst.Length; i++) Assert.Equal(expected[i], dst[i], 1e-4f);
        // Hand values at i = 0 (target 100, θ 0) and i = 36 (target 64, θ 36).
        Assert.Equal(100f * (1 - tau), dst[0], 1e-4f);
        Assert.Equal(64f + tau * (36f - 64f), dst[36], 1e-4f);
    }

    [Fact]
    public void Span_and_tensor_forms_agree_with_torch_lerp()
    {
        float[] src = Enumerable.Range(0, 37).Select(i => MathF.Cos(i) * 3).ToArray();
        float[] dst = Enumerable.Range(0, 37).Select(i => MathF.Sin(i)).ToArray();
        using var target = torch.tensor(dst);
        using var source = torch.tensor(src);
        using var polyak = new PolyakUpdate(0.3);
        polyak.Apply(target, source);
        polyak.Apply(dst, src);
        float[] viaTorch = Read(target);
        for (int i = 0; i < dst.Length; i++) Assert.Equal(viaTorch[i], dst[i], 1e-6f);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Tau_outside_zero_one_names_the_key(double tau)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new PolyakUpdate(tau));
        Assert.Contains("tau must lie in (0, 1]", e.Message);
    }

    [Fact]
    public void Mismatched_shapes_are_refused_with_both_shapes()
    {
        using var polyak = new PolyakUpdate(0.5);
        using var target = torch.zeros(3);
        using var source = torch.zeros(4);
        var e = Assert.Throws<ArgumentException>(() => polyak.Apply(target, source));
        Assert.Contains("[3]", e.Message);
        Assert.Contains("[4]", e.Message);
        Assert.Throws<ArgumentException>(() => PolyakUpdate.Apply(new float[3], new float[4], 0.5f));
    }
}
