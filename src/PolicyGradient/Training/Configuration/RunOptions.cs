using PolicyGradient.Core;

namespace PolicyGradient.Training.Configuration;

/// <summary>
/// Run-level configuration keys handled by the trainer rather than the algorithm. They sit in the
/// same YAML file and <c>--set</c> namespace as the algorithm's options.
/// </summary>
public sealed record RunOptions
{
    /// <summary>Total environment steps to train for (the zoo's n_timesteps).</summary>
    [ConfigRange(1, long.MaxValue)]
    public long NTimesteps { get; init; } = 100_000;

    /// <summary>Run seed: torch, the algorithm's generators and env copy i get seed + i.</summary>
    public long Seed { get; init; }

    /// <summary>Keyword arguments for the environment factory (e.g. lead_time for inventory envs).</summary>
    public Dictionary<string, object> EnvKwargs { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Checkpoint period in timesteps, taken at the first update boundary past each multiple; 0 = about every 10% of the run.</summary>
    [ConfigRange(0, long.MaxValue)]
    public long CheckpointEvery { get; init; }

    /// <summary>Also checkpoint when this many minutes of wall time passed since the last checkpoint (at the next update boundary); 0 = by timesteps only.</summary>
    [ConfigRange(0, 1_000_000)]
    public double CheckpointMinutes { get; init; } = 10;

    /// <summary>How many periodic checkpoints (step-N folders) to keep; `final` is always kept.</summary>
    [ConfigRange(1, 1_000_000)]
    public int KeepCheckpoints { get; init; } = 3;

    /// <summary>Evaluation period in timesteps on a separate env (deterministic policy); 0 disables it.</summary>
    [ConfigRange(0, long.MaxValue)]
    public long EvalFreq { get; init; }

    /// <summary>Episodes per periodic evaluation.</summary>
    [ConfigRange(1, 100_000)]
    public int EvalEpisodes { get; init; } = 10;

    /// <summary>
    /// Plug-in assemblies (full paths) that register the run's environment, recorded from
    /// <c>pg train --env-assembly</c> so that <c>pg resume</c> and <c>pg eval</c> load them again.
    /// Not part of the configuration hash: moving a plug-in does not invalidate the run's checkpoints.
    /// </summary>
    public string[] EnvAssemblies { get; init; } = [];

    /// <summary>Stop when the recent mean training return (or the evaluation mean, when evaluation is on) reaches this; null = never.</summary>
    public double? StopRewardThreshold { get; init; }
}
