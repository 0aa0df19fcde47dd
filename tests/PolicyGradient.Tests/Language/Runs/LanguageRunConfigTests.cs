using PolicyGradient.Core;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Runs;
using PolicyGradient.Language.Training;
using PolicyGradient.Objectives;
using PolicyGradient.Tests.Training;
using PolicyGradient.Training.Configuration;

namespace PolicyGradient.Tests.Language.Runs;

public class LanguageRunConfigTests
{
    [Fact]
    public void Model_trainer_run_and_task_keys_bind_by_their_snake_case_names()
    {
        var c = LanguageRunConfig.Resolve("grpo", "addition-v0", null,
            ["model.width=32", "model.heads=4", "model.layers=2", "group_size=4", "prompts_per_step=3", "clip_high=0.3", "task.digits=2", "eval_every=5", "steps=7", "seed=9"]);
        var o = Assert.IsType<GroupTrainerOptions>(c.Options);
        Assert.Equal("Addition-v0", c.TaskId);
        Assert.Equal((32, 4, 2), (c.Run.Model.Width, c.Run.Model.Heads, c.Run.Model.Layers));
        Assert.Equal((4, 3, 0.3), (o.GroupSize, o.PromptsPerStep, o.Clip.High));
        Assert.Equal(2L, c.Run.Task["digits"]);
        Assert.Equal((5, 7, 9L), (c.Run.EvalEvery, c.Steps, c.Seed));
    }

    [Fact]
    public void The_algorithm_name_fixes_estimator_loss_and_aggregation_and_set_may_override_them()
    {
        var dapo = (GroupTrainerOptions)LanguageRunConfig.Resolve("dapo", "Addition-v0", null, []).Options;
        Assert.Equal((0.2, 0.28), (dapo.Clip.Low, dapo.Clip.High));
        var gspo = (GroupTrainerOptions)LanguageRunConfig.Resolve("gspo", "Addition-v0", null, []).Options;
        Assert.Equal(("gspo", LossAggregationMode.SeqMeanTokenMean), (gspo.Loss, gspo.Aggregation));
        var rloo = (GroupTrainerOptions)LanguageRunConfig.Resolve("rloo", "Addition-v0", null, []).Options;
        Assert.Equal("rloo", rloo.Estimator);
        var overridden = (GroupTrainerOptions)LanguageRunConfig.Resolve("grpo", "Addition-v0", null, ["estimator=rloo", "aggregation=seq_mean_token_sum_norm"]).Options;
        Assert.Equal(("rloo", LossAggregationMode.SeqMeanTokenSumNorm), (overridden.Estimator, overridden.Aggregation));
    }

    [Fact]
    public void Losses_and_estimators_are_chosen_by_registry_name_and_old_loss_spellings_still_load()
    {
        GroupTrainerOptions With(params string[] set) => (GroupTrainerOptions)LanguageRunConfig.Resolve("grpo", "Addition-v0", null, set).Options;
        foreach (string loss in new[] { "gmpo", "clip_cov", "kl-cov", "ppoclip", "PpoClip", "reinforce" })
            Assert.Equal(loss, With($"loss={loss}").Loss);
        Assert.Equal("ppo_clip", With().Loss);
        PolicyGradient.Estimators.AdvantageEstimatorRegistry.Shared.Register("test_run_estimator", i => i.ResponseMask.to(TorchSharp.torch.ScalarType.Float32));
        Assert.Equal("test_run_estimator", With("estimator=test_run_estimator").Estimator);
        PolicyLossRegistry.Shared.Register("test_run_loss", i => (PolicyGradientLoss.Compute(i.LogProbs, i.Advantages), i.Mask.ne(i.Mask)));
        Assert.Equal("Test-Run-Loss", With("loss=Test-Run-Loss").Loss);   // a user loss passes validation by its loose name
        Assert.Contains("unknown policy loss 'gmop'; did you mean 'gmpo'?", Assert.Throws<ConfigurationException>(() => With("loss=gmop")).Message);
        Assert.Contains("unknown advantage estimator 'rlo'; did you mean 'rloo'?", Assert.Throws<ConfigurationException>(() => With("estimator=rlo")).Message);
    }

    [Fact]
    public void Grouped_trainer_options_keep_the_flat_configuration_keys()
    {
        // Every key a configuration could write before the options were grouped (Clip, Kl, Entropy, Rollout, Critic),
        // plus reward_clip and gvpo_beta (added later, [ConfigAddedLater]).
        string[] flat =
        [
            "steps", "prompts_per_step", "group_size", "learning_rate", "estimator", "loss", "clip_low", "clip_high", "aggregation",
            "kl_coefficient", "kl_estimator", "kl_in_reward", "adaptive_kl", "kl_target", "kl_horizon", "entropy_coefficient",
            "entropy_top_fraction", "dual_clip", "log_ratio_clamp", "mini_batch_size", "micro_batch_size", "dynamic_sampling",
            "max_generation_batches", "overlong_buffer_length", "overlong_penalty_factor", "gamma", "lambda", "critic_learning_rate",
            "value_clip_range", "value_coefficient", "temperature", "stop_strings", "max_new_tokens", "epochs", "max_grad_norm", "seed",
            "skip_zero_advantage_rows", "random_reward_control", "reward_clip", "gvpo_beta",
        ];
        var c = LanguageRunConfig.Resolve("grpo", "Addition-v0", null,
            ["kl_coefficient=0.05", "adaptive_kl=true", "kl_estimator=k3+", "dual_clip=2", "clip_low=0.1", "log_ratio_clamp=10",
             "entropy_coefficient=0.01", "entropy_top_fraction=0.5", "temperature=0.7", "max_new_tokens=5", "dynamic_sampling=true",
             "overlong_buffer_length=2", "gamma=0.9", "lambda=0.8", "value_clip_range=0.2"]);
        var o = (GroupTrainerOptions)c.Options;
        Assert.Equal((0.05, true, "k3+"), (o.Kl.Coefficient, o.Kl.Adaptive, o.Kl.Estimator));
        Assert.Equal((2.0, 0.1, 0.2, 10.0), (o.Clip.Dual, o.Clip.Low, o.Clip.High, o.Clip.LogRatioClamp));
        Assert.Equal((0.01, 0.5), (o.Entropy.Coefficient, o.Entropy.TopFraction));
        Assert.Equal((0.7, (int?)5, true, 2), (o.Rollout.Temperature, o.Rollout.MaxNewTokens, o.Rollout.DynamicSampling, o.Rollout.OverlongBufferLength));
        Assert.Equal((0.9, 0.8, 0.2), (o.Critic.Gamma, o.Critic.Lambda, o.Critic.ValueClipRange));
        Assert.Equal(flat.Order(), ConfigBinder.Describe(new GroupTrainerOptions()).Select(e => e.Key).Order());
        // The written config.yaml reads back to the same options.
        string path = Path.Combine(Path.GetTempPath(), $"pg-grouped-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, c.ToYaml());
        try { Assert.Equal(c.Hash, LanguageRunConfig.FromRunConfig(path).Hash); }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_run_config_written_before_the_loss_registry_keeps_its_hash()
    {
        // config.yaml of a GRPO run made before `loss` became a registry name (it was an enum, written bare:
        // `loss: ppoclip`); its checkpoint recorded this hash. The same hash today is what lets it resume.
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "old-runs", "grpo-before-loss-registry.config.yaml");
        var config = LanguageRunConfig.FromRunConfig(path);
        Assert.Contains("509e11deca679af6801481f3a06bb35defd408452f46af8d67cdb085e2a6ed04", config.Config.CompatibleHashes);   // reward_clip came later
        Assert.Contains("\nloss: ppoclip\n", config.Config.ToYaml().ReplaceLineEndings("\n"));
        Assert.Contains(new KeyValuePair<string, string>("loss", "ppo_clip"), ConfigBinder.Describe(new GroupTrainerOptions()));   // written bare, not "ppo_clip"
    }

    [Fact]
    public void Presets_apply_any_task_defaults_then_the_task_entry()
    {
        var sft = LanguageRunConfig.Resolve("sft", "Addition-v0", null, []);
        var o = Assert.IsType<SftOptions>(sft.Options);
        Assert.Equal((2000, 64, new Schedule(2e-3, Linear: true)), (o.Steps, o.BatchSize, o.LearningRate));   // Addition-v0 entry over "*" (1200 steps, constant)
        Assert.Equal((-1L, 0L), (sft.Run.ModelSeed, o.Seed));                             // initial weights from the run seed (not pinned)
        Assert.Equal((4, 128, 4, 48), (sft.Run.Model.Layers, sft.Run.Model.Width, sft.Run.Model.Heads, sft.Run.Model.MaxPositions));
        Assert.Equal(3L, sft.Run.Task["digits"]);
        Assert.Equal(1200, ((SftOptions)LanguageRunConfig.Resolve("sft", "Reverse-v0", null, []).Options).Steps);
        // Every RL algorithm gets the shared "rl" entries; the algorithm's definition still comes from code.
        foreach (string algo in new[] { "grpo", "gspo" })
        {
            var rl = (GroupTrainerOptions)LanguageRunConfig.Resolve(algo, "Addition-v0", null, []).Options;
            Assert.Equal((250, 64, 8, new Schedule(2e-4, Linear: true)), (rl.Steps, rl.PromptsPerStep, rl.GroupSize, rl.LearningRate));
        }
        Assert.Equal("gspo", ((GroupTrainerOptions)LanguageRunConfig.Resolve("gspo", "Addition-v0", null, []).Options).Loss);
        var countdown = (GroupTrainerOptions)LanguageRunConfig.Resolve("rloo", "Countdown-v0", null, []).Options;
        Assert.Equal((400, 32, new Schedule(1.5e-4, Linear: true)), (countdown.Steps, countdown.PromptsPerStep, countdown.LearningRate));
        foreach (string algo in LanguageAlgorithms.Names.Prepend("sft"))
            foreach (string task in new[] { "Addition-v0", "Countdown-v0", "Reverse-v0" })
                _ = LanguageRunConfig.Resolve(algo, task, null, []);   // every preset binds and validates
    }

    [Fact]
    public void Unknown_keys_name_the_closest_key_and_every_problem_is_listed()
    {
        var e = Assert.Throws<ConfigurationException>(() => LanguageRunConfig.Resolve("grpo", "Addition-v0", null, ["group_sise=4", "model.widht=8", "batch_size=3"]));
        Assert.Contains("group_sise: unknown key (from --set); did you mean 'group_size'?", e.Message);
        Assert.Contains("did you mean 'model.width'?", e.Message);
        Assert.Contains("batch_size: unknown key", e.Message);   // an SFT key is not a GRPO key
    }

    [Fact]
    public void Inconsistent_values_are_reported_in_config_terms()
    {
        var e = Assert.Throws<ConfigurationException>(() => LanguageRunConfig.Resolve("sft", "Addition-v0", null, ["model.width=30", "model.heads=4", "task.digitz=2", "eval_problems=0"]));
        Assert.Contains("model: Heads (4) must divide Width (30)", e.Message);
        Assert.Contains("task.digitz: Addition-v0 takes no such argument; known: task.digits", e.Message);
        Assert.Contains("eval_problems: 0 is out of range", e.Message);
    }

    [Fact]
    public void Unknown_task_suggests_the_closest_ids()
    {
        var e = Assert.Throws<ArgumentException>(() => LanguageRunConfig.Resolve("grpo", "Additon-v0", null, []));
        Assert.Contains("unknown task 'Additon-v0'; did you mean 'Addition-v0'", e.Message);
    }

    [Fact]
    public void Config_yaml_reads_back_to_the_same_configuration()
    {
        var c = LanguageRunConfig.Resolve("cispo", "Countdown-v0", null, ["model.width=64", "temperature=0.7", "max_new_tokens=12"]);
        string path = Path.Combine(TestRuns.TempDir(), "config.yaml");
        File.WriteAllText(path, c.ToYaml());
        var back = LanguageRunConfig.FromRunConfig(path);
        Assert.Equal(c.Entries, back.Entries);
        Assert.Equal(c.Hash, back.Hash);
        Assert.Equal(("cispo", "Countdown-v0"), LanguageRunConfig.ReadIdentity(path));
        Assert.DoesNotContain(c.Entries, e => e.Key == "reward");   // a delegate is code, not a key
    }

    [Fact]
    public void The_init_checkpoint_model_replaces_the_preset_and_a_conflicting_set_is_an_error()
    {
        var init = new TransformerConfig { VocabularySize = 55, Layers = 1, Width = 16, Heads = 2, MaxPositions = 32 };
        var c = LanguageRunConfig.Resolve("grpo", "Addition-v0", null, [], initModel: init);
        Assert.Equal(init, c.Run.Model);
        var e = Assert.Throws<ConfigurationException>(() => LanguageRunConfig.Resolve("grpo", "Addition-v0", null, ["model.width=32"], initModel: init));
        Assert.Contains("model.width: 32 (from --set) differs from the --init checkpoint's 16", e.Message);
    }
}
