using PolicyGradient.Environments;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Runs;
using PolicyGradient.Language.Tasks;
using PolicyGradient.Language.Tokenizers;
using PolicyGradient.Language.Training;
using PolicyGradient.Tests.Training;
using PolicyGradient.Training.Configuration;
using TorchSharp;

namespace PolicyGradient.Tests.Language.Training;

/// <summary>sft_pool_size: SFT batches drawn from a fixed, seeded pool of distinct training problems.</summary>
public class SftPoolTests
{
    static readonly CharTokenizer Tok = new();

    public SftPoolTests() => torch.set_num_threads(1);

    static TransformerPolicy Tiny() => new(new TransformerConfig
    {
        VocabularySize = Tok.VocabularySize, Layers = 1, Width = 16, Heads = 2, MaxPositions = 24,
    }, 3);

    [Fact]
    public void Pool_holds_the_requested_number_of_distinct_training_problems_fixed_by_the_seed()
    {
        var task = ArithmeticTask.Addition(3);
        var pool = new SftProblemSource(task, new SftOptions { SftPoolSize = 200, Seed = 4 }).Pool!;
        Assert.Equal(200, pool.Count);
        Assert.Equal(200, pool.Select(s => s.Prompt).Distinct().Count());
        Assert.DoesNotContain(pool, s => VerifiableTask.IsHeldOut(s.Prompt));
        var again = new SftProblemSource(task, new SftOptions { SftPoolSize = 200, Seed = 4 }).Pool!;
        Assert.Equal(pool.Select(s => s.Prompt), again.Select(s => s.Prompt));
        var other = new SftProblemSource(task, new SftOptions { SftPoolSize = 200, Seed = 5 }).Pool!;
        Assert.True(pool.Select(s => s.Prompt).Intersect(other.Select(s => s.Prompt)).Count() < 20);   // 200 of ~900,000 problems
    }

    [Fact]
    public void Batches_come_only_from_the_pool_and_cover_it()
    {
        var source = new SftProblemSource(ArithmeticTask.Addition(3), new SftOptions { SftPoolSize = 5, Seed = 1 });
        var prompts = source.Pool!.Select(s => s.Prompt).ToHashSet();
        var rng = new Rng(1);
        var drawn = Enumerable.Range(0, 10).SelectMany(_ => source.Next(rng, 16)).Select(s => s.Prompt).ToList();
        Assert.All(drawn, p => Assert.Contains(p, prompts));
        Assert.Equal(prompts, drawn.ToHashSet());   // 160 uniform draws from 5 problems reach each of them
    }

    [Fact]
    public void Without_a_pool_the_batches_are_the_fresh_stream_of_earlier_versions()
    {
        var task = ArithmeticTask.Addition(3);
        var source = new SftProblemSource(task, new SftOptions { Seed = 2 });
        Assert.Null(source.Pool);
        Assert.Equal(task.SampleTrain(new Rng(2), 32).Select(s => s.Prompt), source.Next(new Rng(2), 32).Select(s => s.Prompt));
    }

    [Fact]
    public void A_pool_larger_than_the_task_can_fill_is_refused_naming_the_key()
    {
        // One-digit addition has 100 problems, about 90 of them outside the held-out split.
        var e = Assert.Throws<ArgumentException>(() => new SftProblemSource(ArithmeticTask.Addition(1), new SftOptions { SftPoolSize = 500 }));
        Assert.Contains("sft_pool_size 500", e.Message);
    }

    [Fact]
    public void Saved_trainer_with_a_pool_continues_identically()
    {
        string dir = Path.Combine(TestRuns.TempDir(), "sft-pool");
        var options = new SftOptions { BatchSize = 8, Seed = 3, SftPoolSize = 20 };
        var trainer = new SftTrainer(Tiny(), ArithmeticTask.Addition(1), Tok, options);
        trainer.Step();
        trainer.Save(dir, new Dictionary<string, object> { ["digits"] = 1 });
        var loaded = SftTrainer.Load(dir);
        Assert.Equal(trainer.ProblemPool!.Select(s => s.Prompt), loaded.ProblemPool!.Select(s => s.Prompt));
        for (int i = 0; i < 2; i++) Assert.Equal(trainer.Step().Loss, loaded.Step().Loss);
    }

    [Fact]
    public void Key_binds_through_the_run_configuration_and_a_bad_size_is_reported()
    {
        var options = (SftOptions)LanguageRunConfig.Resolve("sft", "Addition-v0", null, ["sft_pool_size=2000"]).Options;
        Assert.Equal(2000, options.SftPoolSize);
        Assert.Null(((SftOptions)LanguageRunConfig.Resolve("sft", "Addition-v0", null, []).Options).SftPoolSize);
        var e = Assert.Throws<ConfigurationException>(() => LanguageRunConfig.Resolve("sft", "Addition-v0", null, ["sft_pool_size=0"]));
        Assert.Contains("sft_pool_size must be at least 1", e.Message);
    }
}
