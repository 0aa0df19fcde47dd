using PolicyGradient.Algorithms;
using PolicyGradient.Environments;
using PolicyGradient.Environments.Spaces;
using PolicyGradient.Training;
using PolicyGradient.Training.Checkpoints;
using PolicyGradient.Training.Configuration;
using PolicyGradient.Tests.Training;
using PolicyGradient.Core;
using static PolicyGradient.Tests.Algorithms.AlgorithmTestHelpers;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Algorithms;

/// <summary>ppo.Save(path) / Ppo.Load(path) for every algorithm, batched Predict, and loading run and checkpoint folders.</summary>
[Collection("TorchGlobalState")]
public class SaveLoadTests
{
    static IAlgorithm Small(string algo, string env, long seed) => algo switch
    {
        "a2c" => new A2c(env, new A2cOptions { NEnvs = 4, NSteps = 8, NormalizeObservations = true, NormalizeRewards = true }, seed),
        "trpo" => new Trpo(env, new TrpoOptions { NEnvs = 2, NSteps = 64, BatchSize = 32, NCriticUpdates = 2, NormalizeObservations = true }, seed),
        "reinforce" => new Reinforce(env, new ReinforceOptions { NEnvs = 2, NSteps = 64, Baseline = ReinforceBaseline.RunningMean }, seed),
        _ => new Ppo(env, new PpoOptions { NEnvs = 2, NSteps = 32, BatchSize = 16, NEpochs = 2, NormalizeObservations = true }, seed),
    };

    static IAlgorithm LoadAs(string algo, string path) => algo switch
    {
        "a2c" => A2c.Load(path),
        "trpo" => Trpo.Load(path),
        "reinforce" => Reinforce.Load(path),
        _ => Ppo.Load(path),
    };

    static string SaveAs(IAlgorithm algorithm, string path) => algorithm switch
    {
        A2c a => a.Save(path),
        Trpo t => t.Save(path),
        Reinforce r => r.Save(path),
        _ => ((Ppo)algorithm).Save(path),
    };

    /// <summary>Many raw observations drawn around the env's reset distribution, row-major [count × size].</summary>
    static float[] Observations(string envId, int count, int seed)
    {
        using var env = Envs.Make(envId);
        int size = env.ObservationSpace.FlatSize;
        var rng = new Random(seed);
        var rows = new float[count * size];
        for (int i = 0; i < count; i++)
        {
            var (obs, _) = env.Reset(seed + i);
            for (int j = 0; j < size; j++) rows[i * size + j] = obs[j] + (float)(rng.NextDouble() - 0.5);
        }
        return rows;
    }

    [Theory]
    [InlineData("ppo", "CartPole-v1")]
    [InlineData("a2c", "CartPole-v1")]
    [InlineData("reinforce", "CartPole-v1")]
    [InlineData("trpo", "CartPole-v1")]
    [InlineData("ppo", "Pendulum-v1")]
    [InlineData("a2c", "Pendulum-v1")]
    public void Save_then_Load_predicts_identically_on_many_observations(string algo, string envId)
    {
        OneThread();
        string dir = Path.Combine(TestRuns.TempDir(), "model");
        using var trained = Small(algo, envId, 3);
        trained.Learn(256);
        string checkpoint = SaveAs(trained, dir);
        Assert.Equal(Path.Combine(dir, "checkpoints", "final"), checkpoint);

        using var loaded = LoadAs(algo, dir);
        Assert.IsType(trained.GetType(), loaded);
        Assert.Equal(trained.NumTimesteps, loaded.NumTimesteps);
        Assert.Equal(trained.NumUpdates, loaded.NumUpdates);
        var obs = Observations(envId, 300, 11);
        float[] expected = trained.Predict(obs, 300, deterministic: true);
        Assert.Equal(expected, loaded.Predict(obs, 300, deterministic: true));
        // Sampled actions too: the prediction generator's state is part of the save.
        Assert.Equal(trained.Predict(obs, 300, deterministic: false), loaded.Predict(obs, 300, deterministic: false));
        // The weights are not the freshly initialized ones: a model built with another seed disagrees somewhere.
        using var other = Small(algo, envId, 99);
        Assert.NotEqual(expected, other.Predict(obs, 300, deterministic: true));
    }

    [Fact]
    public void Batched_predict_equals_row_by_row_predict_and_clips_box_actions()
    {
        OneThread();
        using var ppo = new Ppo("Pendulum-v1", new PpoOptions { NEnvs = 2, NSteps = 32, BatchSize = 16, NormalizeObservations = true }, seed: 5);
        ppo.Learn(128);
        var obs = Observations("Pendulum-v1", 64, 3);
        float[] batch = ppo.Predict(obs, 64, deterministic: true);
        Assert.Equal(64, batch.Length);                    // [64, 1]
        // One [64, 3] matrix product instead of 64 vector products: equal up to float rounding.
        for (int i = 0; i < 64; i++)
            Assert.Equal(ppo.Predict(obs.AsSpan(i * 3, 3), deterministic: true)[0], batch[i], 1e-5f);
        float[] sampled = ppo.Predict(obs, 64, deterministic: false);
        Assert.All(sampled, a => Assert.InRange(a, -2f, 2f));
    }

    [Fact]
    public void Batched_predict_names_the_expected_shape_for_a_wrong_length()
    {
        using var ppo = new Ppo("CartPole-v1", new PpoOptions { NEnvs = 1, NSteps = 16, BatchSize = 16 });
        var e = Assert.Throws<ArgumentException>(() => ppo.Predict(new float[10], 3));
        Assert.Contains("[3, 4]", e.Message);
        Assert.Contains("12", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ppo.Predict(new float[4], 0));
    }

    [Fact]
    public void Loading_with_another_algorithm_class_names_what_the_folder_holds()
    {
        string dir = Path.Combine(TestRuns.TempDir(), "ppo-model");
        using (var ppo = Small("ppo", "CartPole-v1", 1)) ppo.Learn(64);
        using (var ppo = Small("ppo", "CartPole-v1", 1)) ((Ppo)ppo).Save(dir);
        var e = Assert.Throws<CheckpointException>(() => A2c.Load(dir));
        Assert.Contains("'ppo'", e.Message);
        Assert.Contains("A2c", e.Message);
        using var any = Algorithm.Load(dir);              // the untyped overload takes whatever is there
        Assert.IsType<Ppo>(any);
    }

    [Fact]
    public void Loading_a_model_whose_env_now_has_other_spaces_fails_clearly()
    {
        const string id = "SaveLoadSpaces-v0";
        Envs.Register(new EnvSpec(id, _ => new ToyBoxEnv(4), MaxEpisodeSteps: 20));
        try
        {
            string dir = Path.Combine(TestRuns.TempDir(), "toy");
            using (var ppo = new Ppo(id, new PpoOptions { NEnvs = 1, NSteps = 16, BatchSize = 16 })) ppo.Save(dir);
            Envs.Register(new EnvSpec(id, _ => new ToyBoxEnv(3), MaxEpisodeSteps: 20));
            var e = Assert.Throws<CheckpointException>(() => Ppo.Load(dir));
            Assert.Contains("observation space", e.Message);
        }
        finally { Envs.Unregister(id); }
    }

    [Fact]
    public void Save_refuses_a_folder_that_holds_something_else_and_Load_a_missing_one()
    {
        string dir = TestRuns.TempDir();
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "mine");
        using var ppo = new Ppo("CartPole-v1", new PpoOptions { NEnvs = 1, NSteps = 16, BatchSize = 16 });
        var e = Assert.Throws<ArgumentException>(() => ppo.Save(dir));
        Assert.Contains("notes.txt", e.Message);
        Assert.True(File.Exists(Path.Combine(dir, "notes.txt")));
        Assert.Throws<ArgumentException>(() => Ppo.Load(Path.Combine(dir, "nothing-here")));
        // Saving twice into the same folder replaces the first save.
        string model = Path.Combine(dir, "model");
        ppo.Save(model);
        ppo.Learn(16);
        ppo.Save(model);
        using var loaded = Ppo.Load(model);
        Assert.Equal(16, loaded.NumTimesteps);
    }

    [Fact]
    public void Load_reads_a_run_folder_and_its_checkpoints_from_the_run_layer()
    {
        OneThread();
        string runDir = RunFolder.Create(Path.Combine(TestRuns.TempDir(), "run"), force: false);
        var config = ConfigResolver.Resolve("ppo", "CartPole-v1", null,
            ["n_envs=2", "n_steps=32", "batch_size=32", "n_epochs=1", "n_timesteps=256", "checkpoint_every=128", "normalize_observations=true"]);
        var result = Trainer.Train(config, runDir, new TrainingSession { Device = CPU, Plot = false, TensorBoard = false });

        using var fromRun = Ppo.Load(runDir);
        using var fromFinal = Ppo.Load(result.FinalCheckpoint);
        Assert.Equal(result.Timesteps, fromRun.NumTimesteps);
        var obs = Observations("CartPole-v1", 200, 7);
        Assert.Equal(fromFinal.Predict(obs, 200), fromRun.Predict(obs, 200));
        // A periodic checkpoint loads too, with its own counters.
        string step = Directory.GetDirectories(CheckpointStore.Folder(runDir), "step-*").OrderBy(d => d, StringComparer.Ordinal).First();
        using var fromStep = Ppo.Load(step);
        Assert.True(fromStep.NumTimesteps < result.Timesteps);
        // The options come from the run's config.yaml, nothing re-stated.
        Assert.Equal(32, fromRun.Options.NSteps);
        Assert.True(fromRun.Options.NormalizeObservations);
        Assert.Throws<CheckpointException>(() => Trpo.Load(runDir));
    }

    [Theory]
    [InlineData("ppo")]
    [InlineData("a2c")]
    [InlineData("reinforce")]
    [InlineData("trpo")]
    public void Training_continues_after_Load_exactly_as_without_saving(string algo)
    {
        OneThread();
        string dir = Path.Combine(TestRuns.TempDir(), "model");
        long k = 256;
        using var original = Small(algo, "CartPole-v1", 8);
        original.Learn(k);
        SaveAs(original, dir);
        original.Learn(2 * k);

        using var loaded = LoadAs(algo, dir);
        loaded.Learn(2 * k);
        Assert.Equal(original.NumTimesteps, loaded.NumTimesteps);
        AssertSameWeights(Weights(original), Weights(loaded));
        // A saved model is a run folder: its config records the options, env and seed.
        var config = ConfigResolver.FromRunConfig(Path.Combine(dir, Trainer.ConfigFile));
        Assert.Equal(algo, config.Algorithm);
        Assert.Equal("CartPole-v1", config.EnvId);
        Assert.Equal(8, config.Run.Seed);
    }

    [Fact]
    public void Pg_eval_and_resume_read_a_folder_written_by_Save()
    {
        string dir = Path.Combine(TestRuns.TempDir(), "model");
        using (var ppo = new Ppo("CartPole-v1", new PpoOptions { NEnvs = 2, NSteps = 64, BatchSize = 64, NEpochs = 1 }, seed: 2))
        {
            ppo.Learn(256);
            ppo.Save(dir);
        }
        var eval = PolicyGradient.Tests.Cli.PgProcess.Run(["eval", dir, "--episodes", "2", "--json"]);
        Assert.True(eval.Code == 0, eval.Err);
        Assert.Contains("\"episodes\":2", eval.Out);
        var resume = PolicyGradient.Tests.Cli.PgProcess.Run(["resume", dir, "--timesteps", "512", "--quiet"]);
        Assert.True(resume.Code == 0, resume.Err);
        using var continued = Ppo.Load(dir);
        Assert.Equal(512, continued.NumTimesteps);
    }

    [Fact]
    public void Save_of_an_algorithm_built_on_a_caller_vector_env_says_how_to_make_it_savable()
    {
        using var ppo = new Ppo(new PolicyGradient.Environments.Vector.SyncVectorEnv(_ => Envs.Make("CartPole-v1"), 1),
            new PpoOptions { NSteps = 16, BatchSize = 16 });
        var e = Assert.Throws<NotSupportedException>(() => ppo.Save(Path.Combine(TestRuns.TempDir(), "m")));
        Assert.Contains("env id", e.Message);
    }

    /// <summary>A trivial env with a Box observation of a chosen size (to change the spaces under a registered id).</summary>
    sealed class ToyBoxEnv(int size) : Env
    {
        int _t;
        public override Space ObservationSpace { get; } = new Box(-1f, 1f, size);
        public override Space ActionSpace { get; } = new Discrete(2);
        protected override IReadOnlyDictionary<string, object>? ResetCore(Span<float> observation) { _t = 0; observation.Clear(); return null; }
        protected override StepResult StepCore(ReadOnlySpan<float> action, Span<float> observation)
        {
            observation.Fill(action[0] - 0.5f);
            return new StepResult(action[0], ++_t >= 10, false);
        }
        protected override void SaveCore(BinaryWriter writer) => writer.Write(_t);
        protected override void LoadCore(BinaryReader reader) => _t = reader.ReadInt32();
    }
}
