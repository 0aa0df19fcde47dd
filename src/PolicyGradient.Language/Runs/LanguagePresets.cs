using PolicyGradient.Training.Configuration;

namespace PolicyGradient.Language.Runs;

/// <summary>
/// Presets of language-model runs per (algorithm, task), from Runs/presets-language.yaml (an
/// embedded resource), read by the run layer's one presets loader (<see cref="PresetTable"/>). Under
/// each algorithm, the task <c>"*"</c> holds defaults for any task; a task's own entry is applied over
/// them. The pseudo-algorithm <c>"rl"</c> holds defaults shared by every RL algorithm (all but sft),
/// applied before the algorithm's own entries.
/// </summary>
public static class LanguagePresets
{
    const string ResourceName = "PolicyGradient.Language.Runs.presets-language.yaml";
    /// <summary>The task key of an algorithm's defaults for any task.</summary>
    public const string AnyTask = PresetTable.AnyTarget;
    /// <summary>The algorithm key of the defaults shared by every RL algorithm.</summary>
    public const string AnyRl = "rl";
    static readonly Lazy<PresetTable> Table = new(() => PresetTable.FromResource(typeof(LanguagePresets).Assembly, ResourceName));

    /// <summary>
    /// The preset layers for (algorithm, task), later ones winning: for RL algorithms the shared "rl"
    /// entries first, then the algorithm's; within each, the any-task defaults then the task's own.
    /// Any of them may be absent.
    /// </summary>
    public static IReadOnlyList<ConfigLayer> Find(string algorithm, string taskId)
    {
        string algo = algorithm.ToLowerInvariant();
        return Table.Value.Find(algo == "sft" ? [algo] : [AnyRl, algo], taskId);
    }

    /// <summary>Every (algorithm, task) entry, "*" included.</summary>
    public static IReadOnlyList<(string Algorithm, string Task)> All => Table.Value.All;
}
