using PolicyGradient.Estimators;
using PolicyGradient.Language.Diagnostics;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Tasks;
using PolicyGradient.Language.Tokenizers;
using TorchSharp;

namespace PolicyGradient.Tests.Language.Diagnostics;

/// <summary>The group estimators' diagnosis on a tiny model: paired batches, nested groups and exact ratios where the estimators are proportional.</summary>
public class GroupGradientDiagnosisTests
{
    static readonly CharTokenizer Tok = new("0123456789+=");

    public GroupGradientDiagnosisTests() => torch.set_num_threads(1);

    static TransformerPolicy Tiny() => new(new TransformerConfig { VocabularySize = Tok.VocabularySize, Layers = 1, Width = 16, Heads = 2, MaxPositions = 24 }, 3);

    // A reward that differs between responses of a random model: the number of '1' characters.
    static readonly RewardFunction Ones = (_, completion, _) => completion.Count(c => c == '1');

    static GroupGradientDiagnosisOptions Options(params string[] estimators) => new()
    {
        Estimators = estimators, GroupSizes = [2, 4], Batches = 3, Prompts = 3, ReferenceBatches = 2, Seed = 11, Reward = Ones,
    };

    [Fact]
    public void Rloo_is_dr_grpo_scaled_by_g_over_g_minus_1_on_the_same_batches()
    {
        // RLOO: A_i = r_i − mean_{j≠i} r_j = G/(G − 1)·(r_i − mean_j r_j), Dr.GRPO's advantage scaled: on paired batches every
        // estimate is scaled, so tr Σ scales by (G/(G − 1))², the MSE's variance part too, and the cosine is the same.
        using var policy = Tiny();
        var report = GroupGradientDiagnosis.Run(policy, ArithmeticTask.Addition(1), Tok, Options("drgrpo", "rloo"));
        Assert.Equal(4, report.Rows.Count);
        foreach (int g in new[] { 2, 4 })
        {
            var dr = report.Rows.Single(r => r.Estimator == "drgrpo" && r.GroupSize == g);
            var rloo = report.Rows.Single(r => r.Estimator == "rloo" && r.GroupSize == g);
            double scale = (double)g / (g - 1);
            Assert.True(dr.TotalVariance > 0);
            Assert.Equal(scale * scale, rloo.TotalVariance / dr.TotalVariance, 6);
            Assert.Equal(scale, rloo.MeanNorm / dr.MeanNorm, 6);
            Assert.Equal(dr.CosineToReference, rloo.CosineToReference, 6);
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_table_and_every_estimator_sees_the_same_rewards()
    {
        using var policy = Tiny();
        var a = GroupGradientDiagnosis.Run(policy, ArithmeticTask.Addition(1), Tok, Options("grpo", "rloo"));
        var b = GroupGradientDiagnosis.Run(policy, ArithmeticTask.Addition(1), Tok, Options("rloo"));
        Assert.Equal(a.MeanReward, b.MeanReward);
        Assert.Equal(a.ReferenceNorm, b.ReferenceNorm);
        // rloo's rows are identical whether or not grpo is diagnosed beside it: the batches do not depend on the estimator list.
        foreach (var row in b.Rows)
            Assert.Equal(row, a.Rows.Single(r => r.Estimator == row.Estimator && r.GroupSize == row.GroupSize));
    }

    [Fact]
    public void Smaller_groups_are_the_first_responses_of_each_group()
    {
        using var scope = torch.NewDisposeScope();
        using var policy = Tiny();
        var batch = GroupBatch.Sample(policy, ArithmeticTask.Addition(1), Tok, prompts: 2, groupSize: 4, seed: 5, temperature: 1, greedy: false, Ones);
        Assert.Equal([0L, 1, 4, 5], batch.Rows(2).data<long>().ToArray());
        Assert.Equal([0L, 0, 0, 0, 1, 1, 1, 1], batch.GroupIds.data<long>().ToArray());
    }

    [Fact]
    public void The_estimate_is_the_gradient_of_the_sequence_level_surrogate()
    {
        // Dr.GRPO at G = 2 by hand: ĝ = ∇ (1/B) Σ_i (r_i − mean of its group) Σ_t log π(y_it).
        using var scope = torch.NewDisposeScope();
        using var policy = Tiny();
        var parameters = policy.parameters().ToArray();
        RewardFunction length = (_, completion, _) => completion.Length;
        var batch = GroupBatch.Sample(policy, ArithmeticTask.Addition(1), Tok, prompts: 2, groupSize: 4, seed: 9, temperature: 1, greedy: false, length);
        var estimate = GroupGradientDiagnosis.Gradient(parameters, batch, AdvantageEstimatorRegistry.Shared.Get("drgrpo"), 2, retain: true);
        long[] rows = [0, 1, 4, 5];
        var coefficients = rows.Select(i => batch.Scores[i] - (batch.Scores[(i / 4) * 4] + batch.Scores[(i / 4) * 4 + 1]) / 2.0).ToArray();
        var sequence = batch.LogProbs.sum(1).index_select(0, torch.tensor(rows));
        var surrogate = sequence.mul(torch.tensor(coefficients.Select(c => (float)c).ToArray())).sum().div(torch.tensor(4f));
        var manual = torch.autograd.grad([surrogate], parameters, retain_graph: true);
        var flat = torch.cat(manual.Select(g => g.reshape(-1)).ToArray()).to_type(torch.ScalarType.Float64).data<double>().ToArray();
        Assert.True(flat.Any(x => x != 0));
        for (int k = 0; k < flat.Length; k++) Assert.Equal(flat[k], estimate[k], 5);
    }

    [Fact]
    public void An_estimator_that_needs_a_critic_is_refused_with_the_list()
    {
        using var policy = Tiny();
        var e = Assert.Throws<ArgumentException>(() => GroupGradientDiagnosis.Run(policy, ArithmeticTask.Addition(1), Tok, Options("gae")));
        Assert.Contains("critic", e.Message);
        Assert.Contains("grpo", e.Message);
    }
}
