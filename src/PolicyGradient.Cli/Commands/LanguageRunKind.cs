using System.Globalization;
using PolicyGradient.Core;
using PolicyGradient.Language.Runs;
using PolicyGradient.Training;
using PolicyGradient.Training.Configuration;
using static TorchSharp.torch;

namespace PolicyGradient.Cli.Commands;

/// <summary>Language-model runs on the command line: <c>pg train grpo Addition-v0 --steps N [--init RUN]</c>.</summary>
internal sealed class LanguageRunKind : RunKind
{
    public static readonly LanguageRunKind Instance = new();

    public override void RefuseOtherOptions(TrainCommand.Settings s)
    {
        if (s.Timesteps is not null) throw new UsageException("--timesteps is for environment runs; language-model runs count trainer steps: use --steps N");
    }

    public override void RefuseOtherOptions(ResumeCommand.Settings s)
    {
        if (s.Timesteps is not null) throw new UsageException("--timesteps is for environment runs; use --steps N for a language-model run");
    }

    public override int Eval(EvalCommand.Settings s)
    {
        OtherKindFlags.Refuse(s.Path, "environment runs", "a language-model run", ("--episodes", s.Episodes is not null), ("--deterministic", s.Deterministic is not null));
        return LanguageCommands.Eval(s);
    }

    public override RunDefinition Resolve(TrainCommand.Settings s, IReadOnlyList<string> plugins)
    {
        string task = LanguageTasks.Canonical(s.EnvId);   // unknown task: closest ids, exit 2, before anything else
        var shorthands = new List<KeyValuePair<string, string>>();
        if (s.Steps is int n) shorthands.Add(new("steps", n.ToString(CultureInfo.InvariantCulture)));
        if (s.Seed is long seed) shorthands.Add(new("seed", seed.ToString(CultureInfo.InvariantCulture)));
        if (s.CheckpointEvery is long ce) shorthands.Add(new("checkpoint_every", ce.ToString(CultureInfo.InvariantCulture)));
        Language.Model.TransformerConfig? initModel = null;
        string? initDir = null;
        if (s.Init is string init)
        {
            var location = LanguageCheckpoint.Locate(init);
            initDir = location.ModelDir;
            initModel = LanguageCheckpoint.LoadPolicy(location).Config;
        }
        var overrides = Plugins.PluginLoader.Record(ConfigLayer.FromScalars("command line", shorthands), plugins);
        // init is a path: a plain scalar may read as something else, so it goes in quoted.
        if (initDir is not null) overrides.Set("init", new YamlDotNet.RepresentationModel.YamlScalarNode(initDir) { Style = YamlDotNet.Core.ScalarStyle.DoubleQuoted });
        return new LanguageRun(LanguageRunConfig.Resolve(s.Algorithm, task, s.Config, s.Set, overrides, initModel));
    }

    public override long? RequestedTotal(ResumeCommand.Settings s) => s.Steps;

    public override (RunDefinition Recorded, RunDefinition Run) Read(string runDir, long? total)
    {
        string path = Path.Combine(runDir, Trainer.ConfigFile);
        var recorded = new LanguageRun(LanguageRunConfig.FromRunConfig(path));
        if (total is not long t) return (recorded, recorded);
        return (recorded, new LanguageRun(LanguageRunConfig.FromRunConfig(path, ConfigLayer.FromScalars("--steps", [new("steps", t.ToString(CultureInfo.InvariantCulture))]))));
    }

    public override void Preflight(RunDefinition run, Device device, bool deterministic) => RunPreflight.Language(((LanguageRun)run).Config);

    public override string StartNote(RunDefinition run) => ((LanguageRun)run).Config.Run.Init is { Length: > 0 } i ? $" from {i}" : "";

    public override IProgressText Progress(RunDefinition run, int logEvery) =>
        new Text($"{run.Algorithm} {run.TargetId}", run.Total, logEvery > 0 ? logEvery : (int)Math.Max(1, run.Total / 50));

    public override string Report(RunDefinition run, RunResult r)
    {
        double accuracy = r.LastEvaluation?.MeanReturn ?? double.NaN;
        return string.Create(CultureInfo.InvariantCulture,
            $"done: {r.Timesteps:N0} steps, held-out greedy accuracy {(double.IsFinite(accuracy) ? accuracy.ToString("P1", CultureInfo.InvariantCulture) : "-")}{(r.StoppedEarly ? " (stopped early: accuracy threshold)" : "")}\nrun folder: {r.RunDir}\nfinal checkpoint: {r.FinalCheckpoint}");
    }

    /// <summary>Step, reward mean and sample accuracy (or SFT loss), and the latest held-out accuracy.</summary>
    sealed class Text(string label, long total, int every) : IProgressText
    {
        double _accuracy = double.NaN;

        public long Total => total;

        public string Bar(UpdateMetrics m) => $"{label}  step {m.Timesteps}  {Describe(m)}";

        public string? Line(UpdateMetrics m)
        {
            string text = Describe(m);
            return m.Timesteps % every == 0 || m.Timesteps == total
                ? string.Create(CultureInfo.InvariantCulture, $"[{label}] step {m.Timesteps}/{total}  {text}  {m.WallSecondsBefore + m.WallSeconds:0}s")
                : null;
        }

        public string? End(ILearner learner) => null;

        string Describe(UpdateMetrics m)
        {
            if (m.Values.TryGetValue(HeldOutMetric, out double a)) _accuracy = a;
            string main = m.Values.TryGetValue("reward_mean", out double reward)
                ? $"reward {Fmt(reward, "0.000")}  acc {Fmt(m.Values.GetValueOrDefault("accuracy", double.NaN), "0.000")}"
                : $"loss {Fmt(m.Values.GetValueOrDefault("loss", double.NaN), "0.0000")}";
            return string.Create(CultureInfo.InvariantCulture, $"{main}  held-out {Fmt(_accuracy, "P1")}");
        }

        static string Fmt(double v, string format) => EnvironmentRunKind.Fmt(v, format);
    }

    const string HeldOutMetric = "heldout_accuracy";
}
