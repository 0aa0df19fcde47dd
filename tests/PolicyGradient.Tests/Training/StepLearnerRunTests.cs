using System.Globalization;
using PolicyGradient.Core;
using PolicyGradient.Training;
using PolicyGradient.Training.Checkpoints;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Training;

/// <summary>
/// The one run loop drives a learner that is not an environment algorithm (progress in steps, no
/// episodes, no Predict): the same divergence guard, NaN refusal, evaluation, stop condition,
/// progress.csv and checkpoints as environment runs.
/// </summary>
public class StepLearnerRunTests
{
    /// <summary>y ← y + rate each step; "loss" = y, NaN from <paramref name="nanAt"/> on; its weight goes NaN at <paramref name="badWeightAt"/>.</summary>
    sealed class CountingLearner(double rate, int nanAt, int badWeightAt) : ILearner
    {
        public double Y;
        public int Steps;
        public string Name => "counter";
        public long Progress => Steps;
        public string ProgressUnit => "steps";
        public int NumUpdates => Steps;
        public string Backend => "test-backend";

        public void Learn(long total, IRunCallback? callback = null)
        {
            callback?.OnTrainingStart(this);
            while (Steps < total)
            {
                Steps++;
                Y += rate;
                var m = new UpdateMetrics { Timesteps = Steps, Updates = Steps };
                m.Values["loss"] = Steps >= nanAt ? double.NaN : Y;
                if (callback is not null && !callback.OnUpdateEnd(this, m)) break;
            }
            callback?.OnTrainingEnd(this);
        }

        public TrainingState CaptureState()
        {
            var s = new TrainingState { EnvironmentState = [1, 2, 3] };
            s.Tensors["w"] = tensor(new[] { Steps >= badWeightAt ? double.NaN : Y });
            s.Values["steps"] = Steps.ToString(CultureInfo.InvariantCulture);
            s.Files["notes.txt"] = "hello"u8.ToArray();
            return s;
        }

        public void RestoreState(TrainingState state)
        {
            Y = state.RequireTensor("w").item<double>();
            Steps = int.Parse(state.RequireValue("steps"), CultureInfo.InvariantCulture);
            Assert.Equal("hello"u8.ToArray(), state.Files["notes.txt"]);
        }

        public void Dispose() { }
    }

    /// <summary>Evaluation = the learner's y.</summary>
    sealed class ReadY : IPolicyEvaluation
    {
        public string MetricName => "heldout_accuracy";
        public EvaluationResult Evaluate(ILearner learner) => new(((CountingLearner)learner).Y, 0, []);
        public void Dispose() { }
    }

    sealed class CountingRun(long total, double rate = 0.1, int nanAt = int.MaxValue, int badWeightAt = int.MaxValue, double? stopAt = null,
        string hash = "feedfacefeedfacefeedface") : RunDefinition
    {
        public override string Algorithm => "counter";
        public override string TargetId => "Count-v0";
        public override long Seed => 0;
        public override long Total => total;
        public override string ProgressUnit => "steps";
        public override string TotalKey => "steps";
        public override string TotalFlag => "--steps";
        public override CheckpointCadence Checkpoints => new(2, 0, 100);
        public override string Hash => hash;
        public override IReadOnlyList<KeyValuePair<string, string>> Entries => [new("steps", total.ToString(CultureInfo.InvariantCulture))];
        public override string ToYaml() => $"algorithm: counter\ntask_id: Count-v0\nsteps: {total}\n";
        public override CheckpointIdentity Identity() => new("counter", "Count-v0", "none", "none", Hash);
        public override ILearner CreateLearner(TrainingSession session, bool restoring) => new CountingLearner(rate, nanAt, badWeightAt);
        public override string ProgressColumn => "step";
        public override IReadOnlyList<string> ProgressColumns => ["step", "wall_seconds", "loss", "heldout_accuracy"];
        public override EvaluationPlan? Evaluation => new(() => new ReadY(), 3, null, AtEnd: true, Aligned: true);
        public override (string Metric, double Threshold)? StopCondition => stopAt is double t ? ("heldout_accuracy", t) : null;
        public override void SaveCurve(string runDir, string curvePath) => File.WriteAllText(curvePath, "curve");
    }

    static readonly TrainingSession Quiet = new() { TensorBoard = false, BackgroundWrites = false };

    static string[] Checkpoints(string run) =>
        Directory.GetDirectories(Path.Combine(run, "checkpoints")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [Fact]
    public void A_step_learner_gets_progress_rows_evaluations_at_multiples_and_the_end_and_checkpoints_with_its_files()
    {
        string dir = TestRuns.TempDir();
        var r = Trainer.Train(new CountingRun(7), dir, Quiet);
        Assert.Equal((7L, 7, false), (r.Timesteps, r.Updates, r.StoppedEarly));
        Assert.Equal("test-backend", r.Backend);
        var rows = File.ReadAllLines(Path.Combine(dir, "progress.csv"));
        Assert.Equal("step,wall_seconds,loss,heldout_accuracy,backend", rows[0]);
        var evaluated = rows.Skip(1).Where(l => l.Split(',')[3].Length > 0).Select(l => l.Split(',')[0]);
        Assert.Equal(["3", "6", "7"], evaluated);   // every 3 steps, and after the last
        Assert.All(rows.Skip(1), l => Assert.EndsWith(",test-backend", l));
        Assert.EndsWith("resolved_backend: test-backend\n", File.ReadAllText(Path.Combine(dir, "config.yaml")));
        Assert.Equal(["final", "step-2", "step-4", "step-6"], Checkpoints(dir));
        var (state, manifest) = CheckpointStore.Load(Path.Combine(dir, "checkpoints", "final"));
        using (state) Assert.Equal("hello"u8.ToArray(), state.Files["notes.txt"]);
        Assert.Equal(7, manifest.NumTimesteps);
        Assert.Equal(0.7, r.LastEvaluation!.MeanReturn, 12);
    }

    [Fact]
    public void A_nan_metric_stops_the_run_with_the_last_good_checkpoint_and_names_the_step()
    {
        string dir = TestRuns.TempDir();
        var e = Assert.Throws<TrainingDivergedException>(() => Trainer.Train(new CountingRun(10, nanAt: 5), dir, Quiet));
        Assert.Contains("counter on Count-v0 diverged: metric 'loss' is NaN at step 5", e.Message);
        Assert.Equal(["step-2", "step-4"], Checkpoints(dir));
    }

    [Fact]
    public void A_nan_weight_is_never_checkpointed()
    {
        string dir = TestRuns.TempDir();
        var e = Assert.Throws<TrainingDivergedException>(() => Trainer.Train(new CountingRun(10, badWeightAt: 4), dir, Quiet));
        Assert.Contains("tensor 'w' holds NaN or infinity at timestep 4", e.Message);
        Assert.Equal(["step-2"], Checkpoints(dir));
    }

    [Fact]
    public void The_stop_condition_ends_the_run_early_at_an_evaluation()
    {
        string dir = TestRuns.TempDir();
        var r = Trainer.Train(new CountingRun(20, rate: 0.1, stopAt: 0.55), dir, Quiet);
        Assert.Equal((6L, true), (r.Timesteps, r.StoppedEarly));   // y = 0.6 at the evaluation of step 6
    }

    [Fact]
    public void Resume_continues_from_the_newest_checkpoint_and_rewrites_rows_after_it()
    {
        string whole = TestRuns.TempDir(), parts = TestRuns.TempDir();
        Trainer.Train(new CountingRun(8), whole, Quiet);
        Trainer.Train(new CountingRun(6), parts, Quiet);   // ends at an evaluation step, like the longer run
        var r = Trainer.Resume(new CountingRun(8), parts, Quiet, original: new CountingRun(6));
        Assert.Equal(8, r.Timesteps);
        static IEnumerable<string> NoWall(string run) => File.ReadAllLines(Path.Combine(run, "progress.csv")).Select(l => string.Join(',', l.Split(',').Where((_, i) => i != 1)));
        Assert.Equal(NoWall(whole), NoWall(parts));
        Assert.Contains("steps: 8", File.ReadAllText(Path.Combine(parts, "config.yaml")));
        var again = Assert.Throws<ArgumentException>(() => Trainer.Resume(new CountingRun(8), parts, Quiet));
        Assert.Contains("already reached 8 steps (steps 8); pass --steps with a larger total", again.Message);
    }

    [Fact]
    public void Resume_refuses_a_checkpoint_of_another_configuration_before_changing_the_folder()
    {
        string dir = TestRuns.TempDir();
        Trainer.Train(new CountingRun(4), dir, Quiet);
        string before = File.ReadAllText(Path.Combine(dir, "config.yaml"));
        var e = Assert.Throws<CheckpointException>(() =>
            Trainer.Resume(new CountingRun(8, hash: "0123456789abcdef0123"), dir, Quiet, original: new CountingRun(4)));
        Assert.Contains("checkpoint was written with a different configuration", e.Message);
        Assert.Equal(before, File.ReadAllText(Path.Combine(dir, "config.yaml")));
    }
}
