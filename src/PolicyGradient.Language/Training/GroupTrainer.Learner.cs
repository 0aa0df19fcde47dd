using PolicyGradient.Core;

namespace PolicyGradient.Language.Training;

// The group trainer under the run layer's contract (ILearner, as PPO is one): progress counts steps,
// each step is one update whose metrics are GroupStepMetrics' fields; the state is the checkpoint's.
public sealed partial class GroupTrainer : ILearner
{
    Runs.LanguageLearner? _learner;

    Runs.LanguageLearner Learner => _learner ??= Runs.LanguageLearner.ForTrainer(Name, new Runs.GroupStepper(_policy, this, _options), _task.Id, _options, RunConfig);

    /// <summary>True when the estimator trains a critic (value loss and explained variance are measured).</summary>
    internal bool HasCritic => _critic is not null;

    /// <summary>The algorithm's name: the run's, else the GRPO-family name whose definition the options satisfy.</summary>
    public string Name => RunConfig?.Algorithm ?? Runs.LanguageTrainerFiles.AlgorithmOf(_options);

    long ILearner.Progress => _step;

    string ILearner.ProgressUnit => "steps";

    int ILearner.NumUpdates => _step;

    /// <summary>Steps until <see cref="StepsDone"/> reaches <paramref name="total"/> or the callback stops it; each step is one update for the callback.</summary>
    public void Learn(long total, IRunCallback? callback = null) => Learner.Learn(total, callback);

    /// <summary>The whole resumable state (weights, optimizers, prompt stream, sampler, KL reference and coefficient, critic, step) as a checkpoint holds it.</summary>
    public TrainingState CaptureState() => Learner.CaptureState();

    /// <summary>Restores a <see cref="CaptureState"/> of a trainer built with the same options, task and model shape.</summary>
    /// <exception cref="InvalidDataException">A file or tensor is missing or does not fit.</exception>
    public void RestoreState(TrainingState state) => Learner.RestoreState(state);

    /// <summary>Nothing to release: the policy belongs to the caller.</summary>
    void IDisposable.Dispose() { }
}
