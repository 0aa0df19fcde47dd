using PolicyGradient.Language.Generation;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Runs;
using PolicyGradient.Language.Tasks;
using PolicyGradient.Language.Tokenizers;
using PolicyGradient.Language.Training;
using PolicyGradient.Tests.Training;
using PolicyGradient.Training.Checkpoints;
using PolicyGradient.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Language.Runs;

/// <summary>SftTrainer/GroupTrainer Save and Load: identical log-probs and samples, exact continuation, run folders.</summary>
public class TrainerSaveLoadTests
{
    static readonly CharTokenizer Tok = new();
    static readonly Dictionary<string, object> OneDigit = new() { ["digits"] = 1 };

    public TrainerSaveLoadTests() => torch.set_num_threads(1);

    static TransformerPolicy Tiny(long seed = 3) => new(new TransformerConfig
    {
        VocabularySize = Tok.VocabularySize, Layers = 1, Width = 16, Heads = 2, MaxPositions = 24,
    }, seed);

    /// <summary>Log-probs of the reference answers of held-out problems, and completions sampled with a fixed generator.</summary>
    static (float[] LogProbs, long[] Sampled) Outputs(TransformerPolicy policy, VerifiableTask task)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var samples = task.HeldOut(16);
        var (prompt, promptMask) = TaskBatch.Prompts(samples, Tok);
        var (target, targetMask) = TaskBatch.References(samples, Tok);
        var (logProbs, _, _) = SequenceLogProbs.Compute(policy, prompt, promptMask, target, targetMask);
        var result = Sampler.Generate(policy, prompt, promptMask, Tok.EosId, Tok.PadId, new SamplingOptions { MaxNewTokens = 3 }, new Generator(5));
        return (logProbs.data<float>().ToArray(), result.Tokens.data<long>().ToArray());
    }

    static float[] Weights(TransformerPolicy policy) =>
        [.. policy.parameters().SelectMany(p => p.detach().contiguous().data<float>().ToArray())];

    [Fact]
    public void Sft_trainer_saved_and_loaded_gives_identical_outputs_and_continues_identically()
    {
        string dir = Path.Combine(TestRuns.TempDir(), "sft");
        var task = ArithmeticTask.Addition(1);
        var trainer = new SftTrainer(Tiny(), task, Tok, new SftOptions { BatchSize = 8, Seed = 3 });
        trainer.Step();
        trainer.Step();
        // Rebuilt from the registered id with default arguments, the task would be 3-digit addition: refused.
        var e = Assert.Throws<ArgumentException>(() => trainer.Save(dir));
        Assert.Contains("taskKwargs", e.Message);
        Assert.Equal(Path.Combine(dir, "checkpoints", "final"), trainer.Save(dir, OneDigit));

        var loaded = SftTrainer.Load(dir);
        Assert.Equal(2, loaded.StepsDone);
        Assert.Equal(task.HeldOut(5).Select(s => s.Prompt), loaded.Task.HeldOut(5).Select(s => s.Prompt));
        var (logProbs, sampled) = Outputs(trainer.Policy, task);
        var (loadedLogProbs, loadedSampled) = Outputs(loaded.Policy, loaded.Task);
        Assert.Equal(logProbs, loadedLogProbs);
        Assert.Equal(sampled, loadedSampled);
        Assert.Contains(logProbs, v => v < 0);             // real log-probs, not an all-zero mask

        // The optimizer moments and the problem stream came back too: the next steps are identical.
        for (int i = 0; i < 2; i++) Assert.Equal(trainer.Step().Loss, loaded.Step().Loss);
        Assert.Equal(Weights(trainer.Policy), Weights(loaded.Policy));
    }

    [Fact]
    public void Group_trainer_saved_and_loaded_continues_identically_with_its_kl_reference()
    {
        string dir = Path.Combine(TestRuns.TempDir(), "grpo");
        var task = ArithmeticTask.Addition(1);
        var options = LanguageAlgorithms.Options("dapo", new GroupTrainerOptions { PromptsPerStep = 2, GroupSize = 4, Seed = 7, LearningRate = 1e-3 })
            with { Kl = new() { Coefficient = 0.01 } };
        var trainer = new GroupTrainer(Tiny(), task, Tok, options);
        trainer.Step();
        trainer.Save(dir, OneDigit);

        var loaded = GroupTrainer.Load(dir);
        Assert.Equal(1, loaded.StepsDone);
        Assert.Equal(options with { Rollout = options.Rollout with { StopStrings = loaded.Options.Rollout.StopStrings } }, loaded.Options);
        Assert.Contains("algorithm: dapo", File.ReadAllText(Path.Combine(dir, "config.yaml")));
        Assert.Equal(Outputs(trainer.Policy, task).LogProbs, Outputs(loaded.Policy, loaded.Task).LogProbs);
        var a = trainer.Step();
        var b = loaded.Step();
        Assert.Equal(a.Loss, b.Loss);
        Assert.Equal(a.RewardMean, b.RewardMean);
        Assert.Equal(a.Kl, b.Kl);
        Assert.Equal(Weights(trainer.Policy), Weights(loaded.Policy));

        var wrong = Assert.Throws<CheckpointException>(() => SftTrainer.Load(dir));
        Assert.Contains("'dapo'", wrong.Message);
        Assert.Contains("GroupTrainer.Load", wrong.Message);
    }

    [Fact]
    public void Load_reads_a_run_folder_of_the_run_layer_and_saves_it_again_without_restating_the_task()
    {
        string root = TestRuns.TempDir();
        var config = LanguageRunConfig.Resolve("sft", "Addition-v0", null,
            ["steps=3", "batch_size=4", "model.layers=1", "model.width=16", "model.heads=2", "eval_problems=5", "task.digits=1", "checkpoint_every=1"]);
        var result = LanguageRunner.Train(config, Path.Combine(root, "run"));

        var fromRun = SftTrainer.Load(result.RunDir);
        Assert.Equal(3, fromRun.StepsDone);
        Assert.Equal(2, fromRun.Task.MaxCompletionLength);              // 1-digit addition (task.digits=1): answers up to "18"
        var fromStep = SftTrainer.Load(Path.Combine(result.RunDir, "checkpoints", "step-2"));
        Assert.Equal(2, fromStep.StepsDone);
        Assert.NotEqual(Weights(fromRun.Policy), Weights(fromStep.Policy));

        string again = Path.Combine(root, "again");
        fromRun.Save(again);                                           // task.digits comes from the run's config
        Assert.Equal(Weights(fromRun.Policy), Weights(SftTrainer.Load(again).Policy));
        Assert.Throws<CheckpointException>(() => GroupTrainer.Load(result.RunDir));
    }
}
