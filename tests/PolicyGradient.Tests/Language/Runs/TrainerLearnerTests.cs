using PolicyGradient.Core;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Tasks;
using PolicyGradient.Language.Tokenizers;
using PolicyGradient.Language.Training;
using TorchSharp;

namespace PolicyGradient.Tests.Language.Runs;

/// <summary>The language trainers implement the run layer's contract (<see cref="ILearner"/>), as PPO does.</summary>
public class TrainerLearnerTests
{
    public TrainerLearnerTests() => torch.set_num_threads(1);

    static TransformerPolicy Tiny(long seed) => new(new TransformerConfig { VocabularySize = new CharTokenizer().VocabularySize, Layers = 1, Width = 16, Heads = 2, MaxPositions = 32 }, seed);

    static float[] Weights(TransformerPolicy p) => p.parameters().SelectMany(t => t.data<float>().ToArray()).ToArray();

    sealed class Recorder : IRunCallback
    {
        public readonly List<UpdateMetrics> Updates = [];
        public bool OnUpdateEnd(ILearner learner, UpdateMetrics metrics) { Updates.Add(metrics); return true; }
    }

    static readonly SftOptions Sft = new() { Steps = 6, BatchSize = 4, Seed = 2 };
    static readonly GroupTrainerOptions Grpo = LanguageAlgorithms.Options("grpo", new GroupTrainerOptions { Steps = 6, PromptsPerStep = 2, GroupSize = 4, Kl = new() { Coefficient = 0.1 }, Seed = 2 });

    static ILearner Make(string kind, TransformerPolicy policy) => kind == "sft"
        ? new SftTrainer(policy, SequenceTask.Reverse(2, 3), new CharTokenizer(), Sft)
        : new GroupTrainer(policy, SequenceTask.Reverse(2, 3), new CharTokenizer(), Grpo);

    [Theory]
    [InlineData("sft", "loss")]
    [InlineData("grpo", "reward_mean")]
    public void Learn_reports_one_update_per_step_in_steps(string kind, string metric)
    {
        using var policy = Tiny(1);
        var learner = Make(kind, policy);
        var recorder = new Recorder();
        learner.Learn(3, recorder);
        Assert.Equal(("steps", 3L, 3), (learner.ProgressUnit, learner.Progress, learner.NumUpdates));
        Assert.Equal([1L, 2L, 3L], recorder.Updates.Select(u => u.Timesteps));
        Assert.All(recorder.Updates, u => Assert.True(u.Values.ContainsKey(metric) && u.Values.ContainsKey("learning_rate")));
        Assert.Equal(kind, learner.Name);
    }

    [Theory]
    [InlineData("sft")]
    [InlineData("grpo")]
    public void A_captured_state_restored_into_a_fresh_trainer_continues_exactly(string kind)
    {
        using var a = Tiny(1);
        using var b = Tiny(99);   // other initial weights: the restore must replace them
        var first = Make(kind, a);
        first.Learn(2);
        var second = Make(kind, b);
        using (var state = first.CaptureState())
        {
            Assert.True(state.Files.ContainsKey("optimizer.bin"));
            second.RestoreState(state);
        }
        Assert.Equal(2, second.Progress);
        first.Learn(4);
        second.Learn(4);
        Assert.Equal(Weights(a), Weights(b));
    }
}
