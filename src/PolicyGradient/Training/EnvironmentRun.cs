using System.Globalization;
using PolicyGradient.Algorithms;
using PolicyGradient.Core;
using PolicyGradient.Environments;
using PolicyGradient.Training.Callbacks;
using PolicyGradient.Training.Checkpoints;
using PolicyGradient.Training.Configuration;
using TorchSharp;

namespace PolicyGradient.Training;

/// <summary>
/// An environment run (<c>pg train ppo CartPole-v1</c>): a registered algorithm on a registered
/// environment, trained for <c>n_timesteps</c>, evaluated by episodes on a separate environment
/// (evaluations.csv), stopped by <c>stop_reward_threshold</c>.
/// </summary>
public sealed class EnvironmentRun(ResolvedConfig config) : RunDefinition
{
    /// <summary>The resolved configuration.</summary>
    public ResolvedConfig Config { get; } = config;

    /// <inheritdoc />
    public override string Algorithm => Config.Algorithm;

    /// <inheritdoc />
    public override string TargetId => Config.EnvId;

    /// <inheritdoc />
    public override long Seed => Config.Run.Seed;

    /// <inheritdoc />
    public override long Total => Config.Run.NTimesteps;

    /// <inheritdoc />
    public override string ProgressUnit => "timesteps";

    /// <inheritdoc />
    public override string TotalKey => "n_timesteps";

    /// <inheritdoc />
    public override string TotalFlag => "--timesteps";

    /// <inheritdoc />
    public override CheckpointCadence Checkpoints => new(Config.Run.CheckpointEvery, Config.Run.CheckpointMinutes, Config.Run.KeepCheckpoints);

    /// <inheritdoc />
    public override string Hash => Config.Hash;

    /// <inheritdoc />
    public override string ToYaml() => Config.ToYaml();

    /// <inheritdoc />
    public override CheckpointIdentity Identity()
    {
        using var env = Envs.Make(Config.EnvId, Config.Run.EnvKwargs);
        return new CheckpointIdentity(AlgorithmRegistry.Get(Config.Algorithm).Name, Config.EnvId, env.ObservationSpace.ToString(), env.ActionSpace.ToString(), Config.Hash);
    }

    /// <inheritdoc />
    public override ILearner CreateLearner(TrainingSession session, bool restoring)
    {
        var descriptor = AlgorithmRegistry.Get(Config.Algorithm);
        torch.manual_seed(Config.Run.Seed);
        return descriptor.Create(Config.Options, new AlgorithmContext(Config.EnvId, Config.Run.Seed, session.Device, Config.Run.EnvKwargs, session.Deterministic));
    }

    /// <inheritdoc />
    public override string ProgressColumn => "timesteps";

    /// <inheritdoc />
    public override IReadOnlyList<string> ProgressColumns => ProgressCsvCallback.StandardColumns;

    /// <inheritdoc />
    public override bool CountsEpisodes => true;

    /// <inheritdoc />
    public override EvaluationPlan? Evaluation => Config.Run.EvalFreq > 0
        ? new EvaluationPlan(() => new EpisodeEvaluation(Envs.Make(Config.EnvId, Config.Run.EnvKwargs), Config.Run.EvalEpisodes, Config.Run.Seed + 1_000_000),
            Config.Run.EvalFreq, Trainer.EvaluationsFile, AtEnd: false, Aligned: false)
        : null;

    /// <inheritdoc />
    public override (string Metric, double Threshold)? StopCondition => Config.Run.StopRewardThreshold is double t
        ? (Config.Run.EvalFreq > 0 ? EpisodeEvaluation.Metric : "episode_return_mean", t)
        : null;

    /// <inheritdoc />
    public override string CurveTitle => $"{AlgorithmRegistry.Get(Config.Algorithm).Name} {Config.EnvId} (seed {Config.Run.Seed})";

    /// <summary>
    /// Linear schedules anneal over n_timesteps, so a resume with a new total re-stretches them from
    /// the checkpoint on (SB3's learn(reset_num_timesteps=False) does the same): a warning naming each
    /// linear schedule and its jump at the checkpoint, or null when there is none.
    /// </summary>
    public override string? ResumeNote(RunDefinition before, long progress) =>
        before is EnvironmentRun b ? ScheduleStretch(b.Config, Config, progress) : null;

    internal static string? ScheduleStretch(ResolvedConfig before, ResolvedConfig after, long timesteps)
    {
        long oldTotal = before.Run.NTimesteps, newTotal = after.Run.NTimesteps;
        if (oldTotal == newTotal) return null;
        var jumps = new List<string>();
        foreach (var (key, text) in after.Entries)
        {
            if (!text.StartsWith("lin_", StringComparison.OrdinalIgnoreCase) && !text.StartsWith("linear_", StringComparison.OrdinalIgnoreCase)) continue;
            var schedule = Schedule.Parse(text);
            double from = schedule.Value(1.0 - (double)timesteps / oldTotal), to = schedule.Value(1.0 - (double)timesteps / newTotal);
            jumps.Add(string.Create(CultureInfo.InvariantCulture, $"{key} {from:G3} -> {to:G3}"));
        }
        if (jumps.Count == 0) return null;
        return string.Create(CultureInfo.InvariantCulture,
            $"--timesteps {newTotal} re-stretches the linear schedules to end at step {newTotal} instead of {oldTotal}; at the checkpoint (step {timesteps}) they jump: {string.Join(", ", jumps)}. The result is not the run you would get by training to {newTotal} from the start (see docs/training.md).");
    }
}
