using PolicyGradient.Language.Diagnostics;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Tasks;
using PolicyGradient.Language.Tokenizers;
using TorchSharp;

namespace PolicyGradient.Tests.Language.Diagnostics;

/// <summary>The group diagnosis's bootstrap intervals (GroupGradientDiagnosisOptions.Bootstrap) on a tiny model.</summary>
public class GroupGradientBootstrapTests
{
    static readonly CharTokenizer Tok = new("0123456789+=");

    public GroupGradientBootstrapTests() => torch.set_num_threads(1);

    [Fact]
    public void Rloo_intervals_are_dr_grpo_intervals_scaled_and_none_without_resamples()
    {
        // On paired batches RLOO's estimates are G/(G − 1) times Dr.GRPO's; the resamples draw the same batches (same seed),
        // so the tr Σ interval scales by (G/(G − 1))² and the cosine interval is the same.
        using var policy = new TransformerPolicy(new TransformerConfig { VocabularySize = Tok.VocabularySize, Layers = 1, Width = 16, Heads = 2, MaxPositions = 24 }, 3);
        var options = new GroupGradientDiagnosisOptions
        {
            Estimators = ["drgrpo", "rloo"], GroupSizes = [2, 4], Batches = 5, Prompts = 3, ReferenceBatches = 2, Seed = 11,
            Reward = (_, completion, _) => completion.Count(c => c == '1'), Bootstrap = 200,
        };
        var report = GroupGradientDiagnosis.Run(policy, ArithmeticTask.Addition(1), Tok, options);
        foreach (int g in new[] { 2, 4 })
        {
            var dr = report.Rows.Single(r => r.Estimator == "drgrpo" && r.GroupSize == g).Intervals!;
            var rloo = report.Rows.Single(r => r.Estimator == "rloo" && r.GroupSize == g).Intervals!;
            double scale = (double)g / (g - 1);
            Assert.True(dr.TotalVariance.High > 0 && dr.TotalVariance.Low <= dr.TotalVariance.High);
            Assert.Equal(scale * scale * dr.TotalVariance.Low, rloo.TotalVariance.Low, 1e-5 * dr.TotalVariance.High);
            Assert.Equal(scale * scale * dr.TotalVariance.High, rloo.TotalVariance.High, 1e-5 * dr.TotalVariance.High);
            Assert.Equal(dr.Cosine.Low, rloo.Cosine.Low, 5);
            Assert.Equal(dr.Cosine.High, rloo.Cosine.High, 5);
            Assert.InRange(dr.Cosine.Low, -1, dr.Cosine.High);
        }
        var plain = GroupGradientDiagnosis.Run(policy, ArithmeticTask.Addition(1), Tok, options with { Bootstrap = 0 });
        Assert.All(plain.Rows, r => Assert.Null(r.Intervals));
    }
}
