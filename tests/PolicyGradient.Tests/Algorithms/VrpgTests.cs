using PolicyGradient.Algorithms;
using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Core;
using PolicyGradient.Diagnostics;
using PolicyGradient.VarianceReduction;
using TorchSharp;
using static PolicyGradient.Tests.Algorithms.AlgorithmTestHelpers;

namespace PolicyGradient.Tests.Algorithms;

/// <summary>vrpg: the STORM recursion composed with REINFORCE's estimate, its checkpoint state and its variance probe.</summary>
[Collection("TorchGlobalState")]
public class VrpgTests
{
    static VrpgOptions Small(double beta = 0.5, int probeEvery = 0) => new() { NEnvs = 2, NSteps = 128, Beta = beta, VarianceProbeEvery = probeEvery, VarianceProbeBatches = 3 };

    static float[] Flat(torch.Tensor t) => t.detach().cpu().contiguous().data<float>().ToArray();

    /// <summary>Stops after each update's rollout so a test can recompute the update's pieces by hand.</summary>
    sealed class Pieces(Vrpg vrpg, VrpgOptions options) : ITrainingCallback
    {
        public List<(float[] Policy, float[]? Correction, float[]? PreviousDirection, float[] Direction)> Updates { get; } = [];
        float[]? _policy, _correction, _previous;
        public void OnRolloutEnd(IAlgorithm algorithm)
        {
            using var scope = torch.NewDisposeScope();
            var core = ((IOnPolicyInternals)algorithm).Core;
            var batch = VrpgBatchGradients.Compute(core, options, vrpg.PreviousParameters)!;
            (_policy, _correction) = (Flat(batch.Policy), batch.Correction is null ? null : Flat(batch.Correction));
            _previous = vrpg.PreviousDirection is null ? null : Flat(vrpg.PreviousDirection);
        }
        public bool OnUpdateEnd(IAlgorithm algorithm, UpdateMetrics metrics)
        {
            Updates.Add((_policy!, _correction, _previous, Flat(vrpg.PreviousDirection!)));
            return true;
        }
    }

    [Fact]
    public void The_step_direction_is_the_storm_recursion_of_the_batchs_gradients()
    {
        OneThread();
        var options = Small(beta: 0.3);
        using var vrpg = new Vrpg("CartPole-v1", options, seed: 3);
        var pieces = new Pieces(vrpg, options);
        vrpg.Learn(3 * 256, pieces);
        Assert.Equal(3, pieces.Updates.Count);
        var first = pieces.Updates[0];
        Assert.Null(first.Correction);
        Assert.Equal(first.Policy, first.Direction);   // d_0 = g_0
        foreach (var (g, h, previous, d) in pieces.Updates.Skip(1))
        {
            // d_t = g + (1 − β)(d_{t−1} − w·g(θ_{t−1})), the weights already inside h.
            for (int k = 0; k < d.Length; k++)
                Assert.Equal(g[k] + 0.7 * (previous![k] - h![k]), d[k], 5);
            Assert.False(g.SequenceEqual(d));
        }
    }

    [Fact]
    public void At_an_unmoved_policy_the_correction_is_the_plain_gradient_and_theta_is_restored()
    {
        OneThread();
        var options = Small();
        using var vrpg = new Vrpg("CartPole-v1", options, seed: 4);
        var pieces = new Pieces(vrpg, options);
        vrpg.Learn(256, pieces);   // one rollout and one update
        var core = ((IOnPolicyInternals)vrpg).Core;
        using var scope = torch.NewDisposeScope();
        var theta = core.Net.Parameters.Data.detach().clone();
        var batch = VrpgBatchGradients.Compute(core, options, previous: theta)!;
        Assert.Equal(Flat(theta), Flat(core.Net.Parameters.Data));
        // θ_{t−1} = θ_t: every trajectory weight is 1, so w·g(θ_{t−1}) = g(θ_t) and d = β g + (1 − β) d_{t−1}.
        var g = Flat(batch.Policy);
        var h = Flat(batch.Correction!);
        for (int k = 0; k < g.Length; k++) Assert.Equal(g[k], h[k], 6);
        Assert.Equal(1.0, batch.Metrics["trajectory_weight_mean"], 6);
        Assert.Equal(0.0, batch.Metrics["trajectory_weight_clipped"]);
    }

    [Fact]
    public void Beta_one_steps_along_the_plain_gradient()
    {
        OneThread();
        var recorder = new Recorder();
        using var vrpg = new Vrpg("CartPole-v1", Small(beta: 1), seed: 5);
        vrpg.Learn(3 * 256, recorder);
        Assert.All(recorder.Updates, u => Assert.Equal(u.Values["plain_gradient_norm"], u.Values["direction_norm"], 6));
    }

    [Fact]
    public void A_restored_checkpoint_continues_the_recursion_bit_for_bit()
    {
        OneThread();
        using var straight = new Vrpg("CartPole-v1", Small(), seed: 6);
        straight.Learn(4 * 256);
        using var first = new Vrpg("CartPole-v1", Small(), seed: 6);
        first.Learn(2 * 256);
        using var state = first.CaptureState();
        Assert.Equal("true", state.Values["vrpg.started"]);
        using var resumed = new Vrpg("CartPole-v1", Small(), seed: 6);
        resumed.RestoreState(state);
        resumed.Learn(4 * 256);
        AssertSameWeights(Weights(straight), Weights(resumed));
    }

    [Fact]
    public void The_variance_probe_writes_paired_columns_and_leaves_the_run_unchanged()
    {
        OneThread();
        var recorder = new Recorder();
        using var plain = new Vrpg("CartPole-v1", Small(), seed: 7);
        using var probed = new Vrpg("CartPole-v1", Small(probeEvery: 2), seed: 7);
        plain.Learn(4 * 256);
        probed.Learn(4 * 256, recorder);
        AssertSameWeights(Weights(plain), Weights(probed));
        var columns = new[] { "plain_total_variance", "direction_total_variance", "plain_mse", "direction_mse", "direction_cosine", "plain_cosine" };
        Assert.DoesNotContain(recorder.Updates[0].Values.Keys, k => k.StartsWith(VrpgVarianceProbe.Prefix, StringComparison.Ordinal));
        foreach (var u in new[] { recorder.Updates[1], recorder.Updates[3] })
            foreach (string c in columns) Assert.True(u.Values.ContainsKey(VrpgVarianceProbe.Prefix + c), c);
        // At update 2 the previous direction exists, so d differs from g on the same batches.
        Assert.NotEqual(recorder.Updates[1].Values[VrpgVarianceProbe.Prefix + "plain_total_variance"], recorder.Updates[1].Values[VrpgVarianceProbe.Prefix + "direction_total_variance"]);
    }

    [Fact]
    public void Vrpg_is_registered_and_its_keys_bind()
    {
        Assert.Contains("vrpg", AlgorithmRegistry.All.Select(d => d.Name));
        var resolved = PolicyGradient.Training.Configuration.ConfigResolver.Resolve("vrpg", "CartPole-v1", null, ["beta=0.25", "weight_clip=3"]);
        var options = Assert.IsType<VrpgOptions>(resolved.Options);
        Assert.Equal(0.25, options.Beta);
        Assert.Equal(3, options.WeightClip);
        Assert.Contains("normalize_observations", Assert.Throws<ArgumentException>(() => new Vrpg("CartPole-v1", Small(probeEvery: 1) with { NormalizeObservations = true })).Message);
    }
}
