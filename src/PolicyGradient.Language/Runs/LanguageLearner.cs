using System.Diagnostics;
using System.Globalization;
using PolicyGradient.Core;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Training;
using PolicyGradient.Language.Serialization;
using PolicyGradient.Serialization;
using PolicyGradient.Training.Checkpoints;
using TorchSharp;

namespace PolicyGradient.Language.Runs;

/// <summary>
/// A language trainer (SFT or the group trainer, behind an <see cref="ILanguageStepper"/>) under the
/// run layer's contract: progress counts trainer steps, every step is one update whose metrics are the
/// trainer's, and the state is a <see cref="TrainingState"/> — the policy's weights as tensors (Hugging
/// Face naming, so the checkpoint's model.safetensors loads with <see cref="HfCheckpoint"/>), the
/// problem stream's state as the environment state, and config.json, the optimizer and sampler
/// states and the run's configuration as files.
/// </summary>
internal sealed class LanguageLearner(string name, ILanguageStepper stepper, string runConfigYaml, bool ownsPolicy) : ILearner
{
    /// <summary>Manifest value key of the step counter.</summary>
    internal const string StepKey = "step";

    /// <summary>
    /// The learner view of a trainer built in code (<see cref="SftTrainer"/>, <see cref="GroupTrainer"/>):
    /// its run configuration is the one it was loaded from, or one describing its task, model and options.
    /// </summary>
    internal static LanguageLearner ForTrainer(string name, ILanguageStepper stepper, string taskId, object options, LanguageRunConfig? config)
    {
        var described = config ?? LanguageRunConfig.Of(name, taskId, new LanguageRunOptions { Model = stepper.Policy.Config }, options);
        return new LanguageLearner(name, stepper, described.ToYaml(), ownsPolicy: false);
    }

    /// <summary>The trainer behind the run (a cluster replaces the group trainer's source of completions).</summary>
    internal ILanguageStepper Stepper => stepper;

    /// <summary>The run's configuration as config.yaml holds it (rollout workers rebuild the task from it).</summary>
    internal string RunConfigYaml => runConfigYaml;

    /// <summary>The trainer's policy.</summary>
    public TransformerPolicy Policy => stepper.Policy;

    /// <inheritdoc />
    public string Name => name;

    /// <inheritdoc />
    public long Progress => stepper.StepsDone;

    /// <inheritdoc />
    public string ProgressUnit => "steps";

    /// <inheritdoc />
    public int NumUpdates => stepper.StepsDone;

    /// <inheritdoc />
    public void Learn(long total, IRunCallback? callback = null)
    {
        callback?.OnTrainingStart(this);
        var names = stepper.MetricNames;
        var clock = Stopwatch.StartNew();
        while (stepper.StepsDone < total)
        {
            double[] values = stepper.Step();
            var metrics = new UpdateMetrics { Timesteps = stepper.StepsDone, Updates = stepper.StepsDone, WallSeconds = clock.Elapsed.TotalSeconds };
            // An undefined metric is absent (an empty cell), not NaN: the divergence guard reads NaN as divergence.
            for (int i = 0; i < names.Count; i++)
                if (!(double.IsNaN(values[i]) && stepper.Undefined.Contains(names[i]))) metrics.Values[names[i]] = values[i];
            foreach (var (key, value) in stepper.ExtraMetrics) metrics.Values[key] = value;
            if (callback is not null && !callback.OnUpdateEnd(this, metrics)) break;
        }
        Diagnostics.MemoryProbe.Mark("training loop done");
        callback?.OnTrainingEnd(this);
    }

    /// <inheritdoc />
    public TrainingState CaptureState()
    {
        string dir = Directory.CreateTempSubdirectory("pg-language-state-").FullName;
        try
        {
            HfCheckpoint.Save(Policy, dir);
            var state = new TrainingState { EnvironmentState = stepper.SaveState(dir) };
            AtomicFile.WriteAllText(Path.Combine(dir, LanguageCheckpoint.RunConfigFile), runConfigYaml);
            foreach (string path in Directory.GetFiles(dir))
            {
                string file = Path.GetFileName(path);
                if (file == CheckpointStore.ModelFile)
                    foreach (var (key, t) in SafeTensorsFile.Load(path).Tensors) state.Tensors[key] = t;
                else state.Files[file] = File.ReadAllBytes(path);
            }
            string step = stepper.StepsDone.ToString(CultureInfo.InvariantCulture);
            state.Values[StepKey] = step;
            state.Values["num_timesteps"] = step;
            state.Values["num_updates"] = step;
            Diagnostics.MemoryProbe.Mark("checkpoint state captured");
            return state;
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    /// <inheritdoc />
    public void RestoreState(TrainingState state)
    {
        if (!int.TryParse(state.RequireValue(StepKey), NumberStyles.Integer, CultureInfo.InvariantCulture, out int step))
            throw new InvalidDataException($"the checkpoint's step '{state.Values[StepKey]}' is not a whole number");
        string dir = Directory.CreateTempSubdirectory("pg-language-state-").FullName;
        try
        {
            foreach (var (file, bytes) in state.Files) File.WriteAllBytes(Path.Combine(dir, file), bytes);
            SafeTensorsFile.Save(Path.Combine(dir, CheckpointStore.ModelFile), state.Tensors);
            using (var saved = HfCheckpoint.Load(dir))
            using (torch.no_grad())
                Policy.load_state_dict(saved.state_dict());
            stepper.LoadState(dir, state.EnvironmentState, step);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (stepper is GroupStepper g) g.Trainer.GroupSource.Dispose();   // a cluster source stops its workers
        if (ownsPolicy) Policy.Dispose();
    }
}
