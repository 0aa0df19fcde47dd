using System.Globalization;
using PolicyGradient.Core;
using PolicyGradient.Training;
using PolicyGradient.Training.Configuration;
using static TorchSharp.torch;

namespace PolicyGradient.Cli.Commands;

/// <summary>Environment runs on the command line: <c>pg train ppo CartPole-v1 --timesteps N</c>.</summary>
internal sealed class EnvironmentRunKind : RunKind
{
    public static readonly EnvironmentRunKind Instance = new();

    public override void RefuseOtherOptions(TrainCommand.Settings s)
    {
        if (s.Steps is not null || s.Init is not null)
            throw new UsageException($"--steps and --init are for language-model runs (sft, {string.Join(", ", Language.Training.LanguageAlgorithms.Names)}); use --timesteps for {s.Algorithm}");
    }

    public override void RefuseOtherOptions(ResumeCommand.Settings s)
    {
        if (s.Steps is not null) throw new UsageException("--steps is for language-model runs; an environment run counts timesteps: use --timesteps N");
    }

    public override int Eval(EvalCommand.Settings s)
    {
        OtherKindFlags.Refuse(s.Path, "language-model runs", "an environment run", ("--split", s.Split is not null), ("--problems", s.Problems is not null),
            ("--samples", s.Samples is not null), ("--temperature", s.Temperature is not null), ("--task", s.Task is not null));
        int episodes = s.Episodes ?? 10;
        bool deterministic = s.Deterministic ?? false;
        if (episodes < 1) throw new UsageException($"--episodes must be at least 1, got {episodes}");
        var device = TorchSetup.Apply(1, false, s.Device);
        var (algorithm, config, checkpoint) = RunLoader.Load(s.Path, device, w => Console.Error.WriteLine($"pg: warning: {w}"));
        using (algorithm)
        {
            using var env = Environments.Envs.Make(config.EnvId, config.Run.EnvKwargs);
            var r = Evaluator.Evaluate(algorithm, env, episodes, s.Seed ?? config.Run.Seed + 1_000_000, deterministic);
            if (s.Json)
                Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object> { ["mean_return"] = r.MeanReturn, ["std_return"] = r.StdReturn, ["episodes"] = episodes }));
            else
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{config.Algorithm} {config.EnvId}: mean return {r.MeanReturn:0.###} ± {r.StdReturn:0.###} over {episodes} episodes ({(deterministic ? "deterministic" : "sampled")} actions; checkpoint {checkpoint})"));
        }
        return ExitCodes.Success;
    }

    public override RunDefinition Resolve(TrainCommand.Settings s, IReadOnlyList<string> plugins)
    {
        var shorthands = new List<KeyValuePair<string, string>>();
        if (s.Timesteps is long t) shorthands.Add(new("n_timesteps", t.ToString(CultureInfo.InvariantCulture)));
        if (s.Seed is long seed) shorthands.Add(new("seed", seed.ToString(CultureInfo.InvariantCulture)));
        if (s.CheckpointEvery is long ce) shorthands.Add(new("checkpoint_every", ce.ToString(CultureInfo.InvariantCulture)));
        _ = Environments.Envs.Spec(s.EnvId);   // unknown env: clear message before anything else
        return new EnvironmentRun(ConfigResolver.Resolve(s.Algorithm, s.EnvId, s.Config, s.Set, Plugins.PluginLoader.Record(ConfigLayer.FromScalars("command line", shorthands), plugins)));
    }

    public override long? RequestedTotal(ResumeCommand.Settings s) => s.Timesteps;

    public override (RunDefinition Recorded, RunDefinition Run) Read(string runDir, long? total)
    {
        string path = Path.Combine(runDir, Trainer.ConfigFile);
        var recorded = new EnvironmentRun(ConfigResolver.FromRunConfig(path));
        if (total is not long t) return (recorded, recorded);
        return (recorded, new EnvironmentRun(ConfigResolver.FromRunConfig(path, overrides: ConfigLayer.FromScalars("--timesteps", [new("n_timesteps", t.ToString(CultureInfo.InvariantCulture))]))));
    }

    public override void Preflight(RunDefinition run, Device device, bool deterministic) => RunPreflight.Classic(Config(run), device, deterministic);

    public override IEnumerable<string> Warnings(RunDefinition run) => Config(run).Warnings;

    public override IProgressText Progress(RunDefinition run, int logEvery)
    {
        // About 50 lines per run unless the user chose an interval.
        int every = logEvery > 0 ? logEvery : (int)Math.Max(1, EstimateUpdates(Config(run)) / 50);
        return new Text($"{run.Algorithm} {run.TargetId}", run.Total, every);
    }

    public override string Report(RunDefinition run, RunResult r) => string.Create(CultureInfo.InvariantCulture,
        $"done: {r.Timesteps:N0} steps, {r.Updates:N0} updates, mean return {(double.IsFinite(r.MeanReturn) ? r.MeanReturn.ToString("0.##", CultureInfo.InvariantCulture) : "-")}{(r.StoppedEarly ? " (stopped early: reward threshold)" : "")}\nrun folder: {r.RunDir}\nfinal checkpoint: {r.FinalCheckpoint}");

    static ResolvedConfig Config(RunDefinition run) => ((EnvironmentRun)run).Config;

    internal static long EstimateUpdates(ResolvedConfig c)
    {
        long perUpdate = 1;
        foreach (var (k, v) in c.Entries)
            if (k is "n_steps" or "n_envs" && long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out long x) && x > 0) perUpdate *= x;
        return Math.Max(1, c.Run.NTimesteps / perUpdate);
    }

    /// <summary>Timesteps, steps per second and the recent mean return.</summary>
    sealed class Text(string label, long total, int every) : IProgressText
    {
        double _lastReturn = double.NaN;

        public long Total => total;

        public string Bar(UpdateMetrics m)
        {
            Remember(m);
            return $"{label}  sps {Fmt(m.Values.GetValueOrDefault("sps", double.NaN), "0")}  return {Fmt(_lastReturn, "0.##")}";
        }

        public string? Line(UpdateMetrics m)
        {
            Remember(m);
            return m.Updates % every == 0 ? Format(m.Timesteps, m.Values.GetValueOrDefault("sps", double.NaN)) : null;
        }

        public string? End(ILearner learner) => Format(learner.Progress, double.NaN) + (learner.Progress >= total ? "  (done)" : "  (stopped)");

        void Remember(UpdateMetrics m)
        {
            if (m.Values.TryGetValue("episode_return_mean", out double r)) _lastReturn = r;
        }

        string Format(long timesteps, double sps) => string.Create(CultureInfo.InvariantCulture,
            $"[{label}] {timesteps:N0}/{total:N0} steps ({100.0 * timesteps / total:0.0}%)  sps {Fmt(sps, "0")}  return {Fmt(_lastReturn, "0.##")}");
    }

    internal static string Fmt(double v, string format) => double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
}
