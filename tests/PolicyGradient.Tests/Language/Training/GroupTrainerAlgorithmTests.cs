using PolicyGradient.Language.Generation;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Tasks;
using PolicyGradient.Language.Tokenizers;
using PolicyGradient.Language.Training;
using PolicyGradient.Objectives;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Language.Training;

/// <summary>The group trainer's algorithm features on a tiny model (1 layer, width 16) and 1-digit addition.</summary>
public class GroupTrainerAlgorithmTests
{
    static readonly CharTokenizer Tok = new("0123456789+=");
    static readonly VerifiableTask Task = ArithmeticTask.Addition(1);

    public GroupTrainerAlgorithmTests() => torch.set_num_threads(1);

    static TransformerPolicy Tiny(long seed = 3) => new(new TransformerConfig
    {
        VocabularySize = Tok.VocabularySize, Layers = 1, Width = 16, Heads = 2, MaxPositions = 24,
    }, seed);

    /// <summary>A reward with variance in every group: the completion's length.</summary>
    static float LengthReward(string prompt, string completion, TaskSample sample) => completion.Length;

    static GroupTrainerOptions Small(GroupTrainerOptions? o = null) => (o ?? new GroupTrainerOptions()) with
    {
        PromptsPerStep = 4, GroupSize = 4, LearningRate = 1e-3, Seed = 7,
    };

    [Theory]
    [InlineData(LossAggregationMode.TokenMean)]
    [InlineData(LossAggregationMode.TokenSum)]
    [InlineData(LossAggregationMode.SeqMeanTokenSum)]
    [InlineData(LossAggregationMode.SeqMeanTokenMean)]
    [InlineData(LossAggregationMode.SeqMeanTokenSumNorm)]
    public void Micro_batching_does_not_change_the_gradient(LossAggregationMode mode)
    {
        using var scope = torch.NewDisposeScope();
        GroupStepMetrics Run(int micro, out TransformerPolicy model)
        {
            model = Tiny();
            var options = Small() with
            {
                Aggregation = mode, MicroBatchSize = micro, Reward = LengthReward, Kl = new() { Coefficient = 0.05, Estimator = "k3+" },
                Entropy = new() { Coefficient = 0.01, TopFraction = 0.5 }, Epochs = 2,
            };
            var trainer = new GroupTrainer(model, Task, Tok, options);
            return trainer.Step();
        }
        var whole = Run(0, out var a);
        var split = Run(5, out var b);   // 16 responses in micro-batches of 5, 5, 5, 1
        Assert.True(whole.GradNorm > 0);
        Assert.Equal(whole.GradNorm, split.GradNorm, 4);
        Assert.Equal(whole.Loss, split.Loss, 4);
        Assert.Equal(whole.TrainedTokenFraction, split.TrainedTokenFraction, 6);
        foreach (var ((name, pa), (_, pb)) in a.named_parameters().Zip(b.named_parameters()))
            Assert.True(torch.allclose(pa, pb, rtol: 1e-4, atol: 1e-6), $"parameter {name} differs");
    }

    [Fact]
    public void Mini_batches_take_several_optimizer_steps_per_epoch()
    {
        using var scope = torch.NewDisposeScope();
        var model = Tiny();
        var before = model.parameters().Select(p => p.detach().clone()).ToArray();
        var m = new GroupTrainer(model, Task, Tok, Small() with { MiniBatchSize = 8, MicroBatchSize = 3, Reward = LengthReward }).Step();
        Assert.True(double.IsFinite(m.Loss) && m.GradNorm > 0);
        Assert.Contains(model.parameters().Zip(before), t => !torch.allclose(t.First, t.Second, rtol: 0, atol: 0));
    }

    [Fact]
    public void Dynamic_sampling_drops_groups_without_reward_variance_and_refills()
    {
        using var scope = torch.NewDisposeScope();
        int calls = 0;
        // Prompts whose first operand is even always score 1 (no signal); the others alternate 0, 1 within the group.
        RewardFunction reward = (prompt, _, _) => (prompt[0] - '0') % 2 == 0 ? 1f : calls++ % 2;
        var trainer = new GroupTrainer(Tiny(), Task, Tok, Small() with { Rollout = new() { DynamicSampling = true, MaxGenerationBatches = 20 }, Reward = reward });
        var batch = trainer.CollectRollouts(torch.CPU);
        Assert.Equal(16, batch.Samples.Length);
        Assert.All(batch.Samples, s => Assert.True((s.Prompt[0] - '0') % 2 == 1, s.Prompt));
        for (int g = 0; g < 4; g++)
        {
            Assert.All(batch.Samples.Skip(4 * g).Take(4), s => Assert.Equal(batch.Samples[4 * g].Prompt, s.Prompt));
            Assert.Equal(2, batch.Scores.Skip(4 * g).Take(4).Distinct().Count());
        }
        Assert.Equal(16, batch.Tokens.shape[0]);
        Assert.True(batch.Stats.GenerationBatches >= 2, $"{batch.Stats.GenerationBatches} batches");
        Assert.InRange(batch.Stats.ZeroStdGroupFraction, 0.01, 0.99);
        // the kept rows are the sampler's: recomputed log-probs match the stored ones
        var (logProbs, _, _) = SequenceLogProbs.Compute(Tiny(), batch.Prompt, batch.PromptMask, batch.Tokens, batch.Mask);
        Assert.Equal(batch.Tokens.shape, logProbs.shape);
    }

    [Fact]
    public void Dynamic_sampling_fails_clearly_when_no_group_has_reward_variance()
    {
        using var scope = torch.NewDisposeScope();
        var trainer = new GroupTrainer(Tiny(), Task, Tok, Small() with { Rollout = new() { DynamicSampling = true, MaxGenerationBatches = 3 }, Reward = (_, _, _) => 1f });
        var e = Assert.Throws<InvalidOperationException>(() => trainer.Step());
        Assert.Contains("0 of 4 prompts", e.Message);
        Assert.Contains("after 3 generation batches", e.Message);
        Assert.Contains("max_generation_batches", e.Message);
        Assert.Contains("dynamic_sampling", e.Message);
    }

    [Fact]
    public void Overlong_shaping_extends_generation_by_the_buffer_and_penalizes_long_answers()
    {
        using var scope = torch.NewDisposeScope();
        // Expected length: 1-digit addition's longest answer (2) + EOS = 3; buffer 2 → generation up to 5 tokens.
        var trainer = new GroupTrainer(Tiny(), Task, Tok, Small() with { Rollout = new() { OverlongBufferLength = 2 }, Reward = (_, _, _) => 0f });
        var batch = trainer.CollectRollouts(torch.CPU);
        Assert.Equal(5, batch.Tokens.shape[1]);
        var lengths = batch.Mask.sum(1).data<float>().ToArray();
        for (int i = 0; i < lengths.Length; i++)
            Assert.Equal(OverlongRewardShaping.Penalty((int)lengths[i], 5, 2), batch.Scores[i], 6);
        Assert.Contains(batch.Scores, s => s < 0);   // an untrained model often runs past 3 tokens
    }

    [Theory]
    [InlineData("grpo")]
    [InlineData("cispo")]
    [InlineData("gspo")]
    [InlineData("gpg")]
    public void Skipping_zero_advantage_rows_leaves_the_update_unchanged(string algorithm)
    {
        using var scope = torch.NewDisposeScope();
        // Groups of prompts whose first operand is even get a constant reward (advantage 0 everywhere);
        // the others are scored by length, so the batch mixes flat and informative groups.
        static float Reward(string prompt, string completion, TaskSample sample) => prompt[0] % 2 == 0 ? 1f : completion.Length;
        (GroupStepMetrics Metrics, TransformerPolicy Model) Run(bool skip)
        {
            var model = Tiny();
            var trainer = new GroupTrainer(model, Task, Tok, LanguageAlgorithms.Options(algorithm, Small() with
            {
                PromptsPerStep = 8, Reward = Reward, SkipZeroAdvantageRows = skip, MicroBatchSize = 5, Epochs = 2,
            }));
            GroupStepMetrics m = trainer.Step();
            m = trainer.Step();
            return (m, model);
        }
        var (skipped, a) = Run(skip: true);
        var (full, b) = Run(skip: false);
        Assert.True(skipped.ZeroStdGroupFraction is > 0 and < 1, $"zero-std fraction {skipped.ZeroStdGroupFraction}: the test needs a mixed batch");
        Assert.Equal(full.Loss, skipped.Loss, 5);
        Assert.Equal(full.GradNorm, skipped.GradNorm, 5);
        foreach (var ((name, x), (_, y)) in a.named_parameters().Zip(b.named_parameters()))
            Assert.True(x.allclose(y, rtol: 1e-4, atol: 1e-6), $"{name} differs when zero-advantage rows are skipped");
    }

    [Fact]
    public void Stop_strings_end_each_response_at_the_token_that_completes_one()
    {
        using var scope = torch.NewDisposeScope();
        // Every digit is a stop string, so a response ends right after its first digit.
        var stops = Enumerable.Range(0, 10).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var trainer = new GroupTrainer(Tiny(), Task, Tok, Small() with { Rollout = new() { StopStrings = stops, MaxNewTokens = 8 }, Reward = LengthReward });
        var batch = trainer.CollectRollouts(torch.CPU);
        var tokens = batch.Tokens.data<long>().ToArray();
        var mask = batch.Mask.data<float>().ToArray();
        int width = (int)batch.Tokens.shape[1], stopped = 0;
        for (int row = 0; row < batch.Samples.Length; row++)
        {
            int length = (int)Enumerable.Range(0, width).Sum(j => mask[row * width + j]);
            var text = Tok.Decode(Enumerable.Range(0, length).Select(j => (int)tokens[row * width + j]).ToArray());
            int firstDigit = text.IndexOfAny("0123456789".ToCharArray());
            if (firstDigit < 0) continue;
            stopped++;
            Assert.Equal(text.Length - 1, firstDigit);                // nothing after the first digit
            Assert.Equal(text.Length, batch.Scores[row]);            // the reward saw the stopped text
        }
        Assert.True(stopped > 0, "no response contained a digit");
        Assert.Throws<ArgumentException>(() => (Small() with { Rollout = new() { StopStrings = [""] } }).Validate());
    }

    [Fact]
    public void The_random_reward_control_ignores_the_response_and_is_reproducible()
    {
        using var scope = torch.NewDisposeScope();
        float[] Scores() => new GroupTrainer(Tiny(), Task, Tok, Small() with { RandomRewardControl = true }).CollectRollouts(torch.CPU).Scores;
        var a = Scores();
        Assert.All(a, s => Assert.InRange(s, 0f, 0.99999994f));
        Assert.Contains(a, s => s is > 0f and < 1f);              // not the task's 0/1 exact-match reward
        Assert.Equal(a, Scores());                                // seeded
        Assert.Throws<ArgumentException>(() => (Small() with { RandomRewardControl = true, Reward = LengthReward }).Validate());
    }

    [Fact]
    public void Remax_runs_end_to_end_with_greedy_baselines()
    {
        using var scope = torch.NewDisposeScope();
        var trainer = new GroupTrainer(Tiny(), Task, Tok, LanguageAlgorithms.Options("remax", Small() with { Reward = LengthReward }));
        var batch = trainer.CollectRollouts(torch.CPU);
        Assert.NotNull(batch.BaselineScores);
        for (int g = 0; g < 4; g++) Assert.Single(batch.BaselineScores!.Skip(4 * g).Take(4).Distinct());
        var m1 = trainer.Step();
        var m2 = trainer.Step();
        Assert.True(double.IsFinite(m2.Loss) && m2.GradNorm > 0, $"loss {m2.Loss}, grad norm {m2.GradNorm}");
        Assert.Equal(1, m2.Step);
        Assert.True(m1.GenerationTokensPerSecond > 0 && m1.TrainingTokensPerSecond > 0);
    }

    [Fact]
    public void Ppo_lm_runs_end_to_end_with_a_critic_and_reports_value_metrics()
    {
        using var scope = torch.NewDisposeScope();
        var options = LanguageAlgorithms.Options("ppo-lm", Small() with { Reward = LengthReward, Epochs = 2, MiniBatchSize = 8, Kl = new() { Coefficient = 0.01, InReward = true } });
        Assert.Equal("gae", options.Estimator);
        var trainer = new GroupTrainer(Tiny(), Task, Tok, options);
        var first = trainer.Step();
        GroupStepMetrics last = first;
        for (int i = 0; i < 5; i++) last = trainer.Step();
        Assert.True(double.IsFinite(first.ValueLoss) && first.ValueLoss > 0, $"value loss {first.ValueLoss}");
        Assert.True(double.IsFinite(last.ExplainedVariance), $"explained variance {last.ExplainedVariance}");
        Assert.True(last.ValueLoss < first.ValueLoss, $"value loss {first.ValueLoss} → {last.ValueLoss}");
        Assert.True(double.IsFinite(last.Loss) && last.Kl >= 0);
    }

    [Fact]
    public void Adaptive_kl_coefficient_moves_by_the_controller_rule()
    {
        using var scope = torch.NewDisposeScope();
        var trainer = new GroupTrainer(Tiny(), Task, Tok, Small() with
        {
            Reward = LengthReward, Kl = new() { Coefficient = 0.05, InReward = true, Adaptive = true, Target = 0.1, Horizon = 10000 },
        });
        var m1 = trainer.Step();
        var m2 = trainer.Step();
        Assert.Equal(0.05, m1.KlCoefficient);
        // At step 0 the policy is the reference (KL ≈ 0): error −1 clipped to −0.2, n = 16 sequences.
        Assert.Equal(0.05 * (1 - 0.2 * 16 / 10000.0), m2.KlCoefficient, 9);
    }

    [Fact]
    public void Clip_metrics_are_fractions_and_dapo_composition_turns_on_its_pieces()
    {
        using var scope = torch.NewDisposeScope();
        var dapo = LanguageAlgorithms.Options("dapo", Small() with { Reward = LengthReward, Epochs = 3, LearningRate = 1e-2 });
        Assert.True(dapo.Rollout.DynamicSampling);
        Assert.Equal(LanguageAlgorithms.DefaultOverlongBuffer, dapo.Rollout.OverlongBufferLength);
        Assert.Equal(0.28, dapo.Clip.High);
        var m = new GroupTrainer(Tiny(), Task, Tok, dapo).Step();
        Assert.InRange(m.ClipFractionLow, 0, 1);
        Assert.InRange(m.ClipFractionHigh, 0, 1);
        // the three sides are disjoint and together are the tokens where a clip bound the loss
        Assert.Equal(m.ClipFraction, m.ClipFractionLow + m.ClipFractionHigh + m.DualClipFraction, 5);
        Assert.True(m.ClipFraction > 0, "three epochs at a high learning rate should move the ratio past the clip");
    }

    [Theory]
    [InlineData("k4")]
    [InlineData("dual")]
    [InlineData("rho")]
    [InlineData("adaptive")]
    public void Bad_options_are_rejected_with_the_option_name(string what)
    {
        var o = what switch
        {
            "k4" => new GroupTrainerOptions { Kl = new() { Estimator = "k4" } },
            "dual" => new GroupTrainerOptions { Clip = new() { Dual = 1.0 } },
            "rho" => new GroupTrainerOptions { Entropy = new() { TopFraction = 0 } },
            _ => new GroupTrainerOptions { Kl = new() { Adaptive = true } },
        };
        var e = Assert.Throws<ArgumentException>(o.Validate);
        Assert.Matches(what switch { "k4" => "k4", "dual" => "dual_clip", "rho" => "entropy_top_fraction", _ => "adaptive_kl" }, e.Message);
    }
}

/// <summary>Short seeded learning checks: each algorithm raises the rate of a rewarded behaviour.</summary>
public class GroupTrainerLearningTests
{
    static readonly CharTokenizer Tok = new("0123456789+=");

    public GroupTrainerLearningTests() => torch.set_num_threads(1);

    static double FractionStartingWith7(TransformerPolicy model, VerifiableTask task)
    {
        using var scope = torch.NewDisposeScope();
        var samples = task.SampleTrain(new PolicyGradient.Environments.Rng(99), 256);
        var (prompt, mask) = TaskBatch.Prompts(samples, Tok);
        var result = Sampler.Generate(model, prompt, mask, Tok.EosId, Tok.PadId, new SamplingOptions { MaxNewTokens = 3 }, new Generator(5));
        return TaskBatch.Decode(result.Tokens, Tok).Count(t => t.StartsWith('7')) / 256.0;
    }

    [Theory]
    [InlineData("remax", 25)]
    [InlineData("ppo-lm", 25)]
    [InlineData("dapo", 20)]
    public void Algorithm_raises_the_rate_of_a_rewarded_behaviour(string algorithm, int steps)
    {
        using var scope = torch.NewDisposeScope();
        var task = ArithmeticTask.Addition(1);
        var model = new TransformerPolicy(new TransformerConfig { VocabularySize = Tok.VocabularySize, Layers = 1, Width = 16, Heads = 2, MaxPositions = 24 }, 3);
        double before = FractionStartingWith7(model, task);
        var options = LanguageAlgorithms.Options(algorithm, new GroupTrainerOptions
        {
            PromptsPerStep = 8, GroupSize = 8, LearningRate = 1e-2, CriticLearningRate = 1e-2, Seed = 1, Rollout = new() { MaxGenerationBatches = 50 },
            Reward = (_, completion, _) => completion.StartsWith('7') ? 1f : 0f,
        });
        var trainer = new GroupTrainer(model, task, Tok, options);
        for (int i = 0; i < steps; i++) trainer.Step();
        double after = FractionStartingWith7(model, task);
        Assert.True(after > before + 0.3, $"{algorithm}: P(first char = 7): {before:F3} → {after:F3}");
    }
}
