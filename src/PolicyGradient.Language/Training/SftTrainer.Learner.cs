using PolicyGradient.Core;

namespace PolicyGradient.Language.Training;

// SFT under the run layer's contract (ILearner, as PPO is one): progress counts steps, each step is one
// update (loss, learning rate, gradient norm, tokens); the state is the checkpoint's.
public sealed partial class SftTrainer : ILearner
{
    Runs.LanguageLearner? _learner;

    Runs.LanguageLearner Learner => _learner ??= Runs.LanguageLearner.ForTrainer(Name, new Runs.SftStepper(_policy, this, _options), _task.Id, _options, RunConfig);

    /// <summary>"sft".</summary>
    public string Name => RunConfig?.Algorithm ?? "sft";

    long ILearner.Progress => _step;

    string ILearner.ProgressUnit => "steps";

    int ILearner.NumUpdates => _step;

    /// <summary>Steps until <see cref="StepsDone"/> reaches <paramref name="total"/> or the callback stops it; each step is one update for the callback.</summary>
    public void Learn(long total, IRunCallback? callback = null) => Learner.Learn(total, callback);

    /// <summary>The whole resumable state (weights, AdamW moments, problem stream, step) as a checkpoint holds it.</summary>
    public TrainingState CaptureState() => Learner.CaptureState();

    /// <summary>Restores a <see cref="CaptureState"/> of a trainer built with the same options, task and model shape.</summary>
    /// <exception cref="InvalidDataException">A file or tensor is missing or does not fit.</exception>
    public void RestoreState(TrainingState state) => Learner.RestoreState(state);

    /// <summary>Nothing to release: the policy belongs to the caller.</summary>
    void IDisposable.Dispose() { }
}
