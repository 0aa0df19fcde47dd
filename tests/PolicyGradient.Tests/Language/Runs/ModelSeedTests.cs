using PolicyGradient.Language.Model;
using PolicyGradient.Language.Runs;
using PolicyGradient.Language.Training;
using TorchSharp;

namespace PolicyGradient.Tests.Language.Runs;

/// <summary>--seed draws the initial weights unless model_seed pins them; runs made when the SFT preset pinned model_seed 1 still resume.</summary>
public sealed class ModelSeedTests
{
    static LanguageRunConfig Sft(params string[] set) => LanguageRunConfig.Resolve("sft", "Addition-v0", null, set);

    static TransformerPolicy Initial(LanguageRunConfig c) => new(c.Run.Model, c.InitialWeightsSeed);

    [Fact]
    public void The_run_seed_draws_the_initial_weights_of_the_shipped_presets()
    {
        foreach (string algo in new[] { "sft", "grpo", "gvpo" })
        {
            var c = LanguageRunConfig.Resolve(algo, "Addition-v0", null, ["seed=3"]);
            Assert.Equal((-1L, 3L, 3L), (c.Run.ModelSeed, c.Seed, c.InitialWeightsSeed));
        }
        using var scope = torch.NewDisposeScope();
        var (a, b) = (Initial(Sft("seed=3")), Initial(Sft("seed=4")));
        Assert.False(torch.equal(a.parameters().First(), b.parameters().First()).all().item<bool>(), "seeds 3 and 4 gave the same initial weights");
        Assert.True(torch.equal(a.parameters().First(), Initial(Sft("seed=3")).parameters().First()).all().item<bool>());
    }

    [Fact]
    public void An_explicit_model_seed_pins_the_weights_whatever_the_run_seed()
    {
        var (c3, c4) = (Sft("seed=3", "model_seed=1"), Sft("seed=4", "model_seed=1"));
        Assert.Equal((1L, 1L), (c3.InitialWeightsSeed, c4.InitialWeightsSeed));
        Assert.Equal((3L, 4L), (c3.Seed, c4.Seed));
        using var scope = torch.NewDisposeScope();
        Assert.True(torch.equal(Initial(c3).parameters().First(), Initial(c4).parameters().First()).all().item<bool>());
    }

    [Fact]
    public void An_sft_run_made_when_the_preset_pinned_model_seed_1_reads_back_with_its_hash()
    {
        // config.yaml as the SFT Addition-v0 preset wrote it while it pinned model_seed: 1 (the run folder holds every key,
        // so reading it back uses no preset); its checkpoint recorded this hash.
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "old-runs", "sft-addition-model-seed-1.config.yaml");
        var config = LanguageRunConfig.FromRunConfig(path);
        Assert.Equal((1L, 1L), (config.Run.ModelSeed, config.InitialWeightsSeed));
        Assert.Contains(OldSftHash, config.Config.CompatibleHashes);
        // The same run asked for today: model_seed set, and the constant learning rate of that preset (today's decays;
        // steps and eval_every are not in the hash).
        Assert.Equal(config.Hash, Sft("model_seed=1", "learning_rate=0.001").Hash);
        Assert.NotEqual(config.Hash, Sft().Hash);               // today's preset no longer pins it
    }

    const string OldSftHash = "a8747a4f71a251f30b1cd8d7363d275634428e4fbd83f839831f6ce4b6fb8b79";
}
