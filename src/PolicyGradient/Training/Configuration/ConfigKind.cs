namespace PolicyGradient.Training.Configuration;

/// <summary>
/// The shape of one kind of run configuration, for the one <see cref="ResolvedConfig"/> type: the key
/// that names the target (<c>env_id</c> or <c>task_id</c>), the run options record bound beside the
/// algorithm's options, the keys a resume may change (outside the configuration hash) and the layer
/// order written at the top of config.yaml.
/// </summary>
/// <param name="TargetKey">config.yaml key of the target id: "env_id" or "task_id".</param>
/// <param name="RunOptionsType">The run-level options record (<see cref="RunOptions"/> for environment runs).</param>
/// <param name="HashExcluded">Keys that do not change what a checkpoint contains.</param>
/// <param name="LayerOrder">The resolution order, e.g. "defaults &lt; preset &lt; --config &lt; --set".</param>
/// <param name="TargetIgnoresCase">Whether a config file's target id matches the command line's case-insensitively (task ids do).</param>
public sealed record ConfigKind(string TargetKey, Type RunOptionsType, IReadOnlySet<string> HashExcluded, string LayerOrder, bool TargetIgnoresCase = false)
{
    /// <summary>Environment runs: env_id, <see cref="RunOptions"/>.</summary>
    public static ConfigKind Environment { get; } = new("env_id", typeof(RunOptions),
        new HashSet<string>(StringComparer.Ordinal) { "n_timesteps", "checkpoint_every", "checkpoint_minutes", "keep_checkpoints", "eval_freq", "eval_episodes", "stop_reward_threshold", "env_assemblies", "diagnose_every", "variance_probe_every", "variance_probe_batches" },
        "defaults < preset < --config < --set");
}
