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
    public override IReadOnlyList<KeyValuePair<string, string>> Entries => Config.Entries;

    /// <inheritdoc />
    public override CheckpointIdentity Identity()
    {
        using var env = Envs.Make(Config.EnvId, Config.Run.EnvKwargs);
        return new CheckpointIdentity(AlgorithmRegistry.Get(Config.Algorithm).Name, Config.EnvId, env.ObservationSpace.ToString(), env.ActionSpace.ToString(), Config.Hash)
            { AcceptedConfigHashes = Config.CompatibleHashes };
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

    internal static string? ScheduleStretch(ResolvedConfig before, ResolvedConfig after, long timesteps) =>
        new EnvironmentRun(after).ResumeNote(new EnvironmentRun(before), timesteps);
}
