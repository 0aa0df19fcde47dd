using PolicyGradient.Estimators;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Tasks;
using PolicyGradient.Language.Tokenizers;
using PolicyGradient.Language.Training;
using PolicyGradient.Objectives;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Language.Training;

/// <summary>The group trainer picks estimators and losses by name from the registries and provides what their entries need.</summary>
public class GroupTrainerRegistryTests
{
    static readonly CharTokenizer Tok = new("0123456789+=");
    static readonly VerifiableTask Task = ArithmeticTask.Addition(1);

    public GroupTrainerRegistryTests() => torch.set_num_threads(1);

    static TransformerPolicy Tiny() => new(new TransformerConfig
    {
        VocabularySize = Tok.VocabularySize, Layers = 1, Width = 16, Heads = 2, MaxPositions = 24,
    }, 3);

    /// <summary>One update over the whole batch with nothing but the policy loss, on a reward with variance.</summary>
    static GroupTrainerOptions OneStep(string loss) => new()
    {
        PromptsPerStep = 4, GroupSize = 4, LearningRate = 1e-3, Seed = 7, Loss = loss, SkipZeroAdvantageRows = false,
        Reward = (_, completion, _) => completion.Length % 3,
    };

    /// <summary>What a loss saw, copied before the trainer frees it.</summary>
    sealed record Seen(Tensor LogProbs, Tensor OldLogProbs, Tensor Advantages, Tensor Mask, Tensor? GeneratorState);

    /// <summary>A registry whose <paramref name="name"/> entry records its input, then runs the built-in.</summary>
    static PolicyLossRegistry Spying(string name, List<Seen> seen)
    {
        var r = PolicyLossRegistry.CreateDefault();
        var real = r.Find(name);
        r.Register(real with
        {
            Compute = i =>
            {
                seen.Add(new Seen(i.LogProbs.detach().clone().DetachFromDisposeScope(), i.OldLogProbs.clone().DetachFromDisposeScope(),
                    i.Advantages.clone().DetachFromDisposeScope(), i.Mask.clone().DetachFromDisposeScope(),
                    i.Generator?.get_state().clone().DetachFromDisposeScope()));
                return real.Compute(i);
            },
        });
        return r;
    }

    [Fact]
    public void Gmpo_step_loss_is_the_objective_averaged_over_sequences()
    {
        using var scope = torch.NewDisposeScope();
        var seen = new List<Seen>();
        var m = new GroupTrainer(Tiny(), Task, Tok, OneStep("gmpo"), losses: Spying("gmpo", seen)).Step();
        var s = Assert.Single(seen);
        var perSequence = GeometricMeanObjective.Compute(s.LogProbs, s.OldLogProbs, s.Advantages, s.Mask, 0.2, 0.2).Loss;
        var rows = s.Mask.sum(-1).gt(0).to(ScalarType.Float32);
        double expected = (perSequence * rows).sum().item<float>() / rows.sum().item<float>();
        Assert.Equal(expected, m.Loss, 6);
        Assert.True(m.GradNorm > 0);
    }

    [Fact]
    public void Clip_cov_step_loss_is_the_objective_with_the_same_random_draws()
    {
        using var scope = torch.NewDisposeScope();
        var seen = new List<Seen>();
        var m = new GroupTrainer(Tiny(), Task, Tok, OneStep("clip-cov"), losses: Spying("clip_cov", seen)).Step();
        var s = Assert.Single(seen);
        Assert.NotNull(s.GeneratorState);   // the entry needs a generator: the trainer gave its own
        var generator = new Generator(0);
        generator.set_state(s.GeneratorState!);
        var perToken = CovarianceClipObjective.ClipCov(s.LogProbs, s.OldLogProbs, s.Advantages, s.Mask, 0.2, 0.2, generator: generator).Loss;
        double expected = (perToken * s.Mask).sum().item<float>() / s.Mask.sum().item<float>();
        Assert.Equal(expected, m.Loss, 6);
    }

    [Fact]
    public void Kl_cov_step_loss_is_the_objective_token_mean_and_sees_every_row()
    {
        using var scope = torch.NewDisposeScope();
        var seen = new List<Seen>();
        // Row skipping on: KL-Cov's covariance covers the batch, so the trainer must still forward every row.
        var m = new GroupTrainer(Tiny(), Task, Tok, OneStep("kl_cov") with { SkipZeroAdvantageRows = true }, losses: Spying("kl_cov", seen)).Step();
        var s = Assert.Single(seen);
        Assert.Equal(16, s.LogProbs.shape[0]);
        var perToken = CovarianceClipObjective.KlCov(s.LogProbs, s.OldLogProbs, s.Advantages, s.Mask).Loss;
        double expected = (perToken * s.Mask).sum().item<float>() / s.Mask.sum().item<float>();
        Assert.Equal(expected, m.Loss, 6);
    }

    [Fact]
    public void Estimators_and_losses_registered_in_the_shared_registries_are_picked_by_name()
    {
        using var scope = torch.NewDisposeScope();
        int estimatorCalls = 0, lossCalls = 0;
        AdvantageEstimatorRegistry.Shared.Register("test_sign_of_score", i =>
        {
            estimatorCalls++;
            return (i.Scores.sign().unsqueeze(1) * i.ResponseMask).to(ScalarType.Float32);
        });
        PolicyLossRegistry.Shared.Register(new PolicyLossEntry
        {
            Name = "test_counting_pg",
            Compute = i => { lossCalls++; return (PolicyGradientLoss.Compute(i.LogProbs, i.Advantages), torch.zeros_like(i.LogProbs, dtype: ScalarType.Bool)); },
        });
        var m = new GroupTrainer(Tiny(), Task, Tok, OneStep("Test-Counting-PG") with { Estimator = "TEST-SIGN-OF-SCORE" }).Step();
        Assert.Equal((1, 1), (estimatorCalls, lossCalls));
        Assert.True(double.IsFinite(m.Loss) && m.GradNorm > 0);
    }

    [Fact]
    public void A_user_estimator_gets_greedy_baselines_or_a_critic_when_its_entry_asks()
    {
        using var scope = torch.NewDisposeScope();
        var estimators = AdvantageEstimatorRegistry.CreateDefault();
        Tensor? baselines = null;
        estimators.Register(new AdvantageEstimatorEntry
        {
            Name = "greedy_user", NeedsGreedyBaseline = true,
            Estimator = i => { baselines = i.BaselineScores?.clone().DetachFromDisposeScope(); return GreedyBaselineAdvantage.Compute(i); },
        });
        new GroupTrainer(Tiny(), Task, Tok, OneStep("ppo_clip") with { Estimator = "greedy_user" }, estimators).Step();
        Assert.NotNull(baselines);
        Assert.Equal(16, baselines!.shape[0]);

        estimators.Register(new AdvantageEstimatorEntry { Name = "critic_user", CriticEstimator = (i, v, g, l) => TokenLevelGae.Compute(i, v, g, l, whiten: false) });
        var withCritic = new GroupTrainer(Tiny(), Task, Tok, OneStep("ppo_clip") with { Estimator = "critic_user" }, estimators).Step();
        Assert.True(double.IsFinite(withCritic.ValueLoss));
        var without = new GroupTrainer(Tiny(), Task, Tok, OneStep("ppo_clip"), estimators).Step();
        Assert.True(double.IsNaN(without.ValueLoss));
    }

    [Fact]
    public void Unknown_names_fail_before_training_with_the_closest_name()
    {
        var e = Assert.Throws<ArgumentException>(() => new GroupTrainer(Tiny(), Task, Tok, OneStep("klcov2")));
        Assert.Contains("Loss: unknown policy loss 'klcov2'; did you mean 'kl_cov'?", e.Message);
        var f = Assert.Throws<ArgumentException>(() => new GroupTrainer(Tiny(), Task, Tok, OneStep("ppo_clip") with { Estimator = "grop" }));
        Assert.Contains("Estimator: unknown advantage estimator 'grop'; did you mean 'grpo'?", f.Message);
    }
}
