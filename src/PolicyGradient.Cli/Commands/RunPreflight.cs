using System.Globalization;
using PolicyGradient.Algorithms;
using PolicyGradient.Environments;
using PolicyGradient.Training.Checkpoints;
using PolicyGradient.Training.Configuration;
using TorchSharp;

namespace PolicyGradient.Cli.Commands;

/// <summary>
/// Checks that finish before a run folder is created or changed: building the run's environment and
/// algorithm once (and disposing them) finds what the options alone cannot — backend=native with an
/// activation it lacks, env kwargs the env refuses, an action space the policy cannot drive — so a
/// refused run leaves nothing behind. Also tells <c>pg resume</c> when a run has nothing left to do.
/// </summary>
internal static class RunPreflight
{
    /// <summary>Builds and disposes the environment and the algorithm of <paramref name="config"/>.</summary>
    /// <exception cref="UsageException">They cannot be built with these options (the message says why).</exception>
    public static void Classic(ResolvedConfig config, torch.Device device, bool deterministic)
    {
        var descriptor = AlgorithmRegistry.Get(config.Algorithm);
        try
        {
            using (Envs.Make(config.EnvId, config.Run.EnvKwargs)) { }
            using (descriptor.Create(config.Options, new AlgorithmContext(config.EnvId, config.Run.Seed, device, config.Run.EnvKwargs, deterministic))) { }
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or InvalidOperationException or FormatException)
        {
            throw new UsageException(e.Message);
        }
    }

    /// <summary>
    /// The language-model checks that resolving the configuration cannot make: an <c>init</c> given
    /// through --set or --config must be a checkpoint, and the model must hold the task's prompts plus
    /// the tokens the trainer generates (learned positions stop at <c>model.max_positions</c>).
    /// </summary>
    /// <exception cref="UsageException">The run would fail at its first step.</exception>
    public static void Language(PolicyGradient.Language.Runs.LanguageRunConfig config)
    {
        if (config.Run.Init is { Length: > 0 } init)
        {
            try { PolicyGradient.Language.Runs.LanguageCheckpoint.Locate(init); }
            catch (ArgumentException e) { throw new UsageException($"init: {e.Message}"); }
        }
        var task = PolicyGradient.Language.Runs.LanguageTasks.Create(config.TaskId, config.Run.Task);
        // Tokens fed to the model: the prompt, then every generated token but the last.
        int generated = config.Options is PolicyGradient.Language.Training.GroupTrainerOptions g
            ? (g.Rollout.MaxNewTokens ?? task.MaxCompletionLength + 1) + g.Rollout.OverlongBufferLength - 1
            : task.MaxCompletionLength;
        int needed = LongestPrompt(task) + generated;
        int positions = config.Run.Model.MaxPositions;
        if (config.Run.Model.Positions == PolicyGradient.Language.Model.PositionKind.Learned && needed > positions)
            throw new UsageException($"model.max_positions: {positions} is too few for {task.Id}: a prompt and its answer take up to {needed} positions; raise it to at least {needed} or leave it out (the preset's value)");
    }

    /// <summary>The longest prompt of <paramref name="task"/> in character tokens, over its held-out problems.</summary>
    internal static int LongestPrompt(PolicyGradient.Language.Tasks.VerifiableTask task)
    {
        var tokenizer = new PolicyGradient.Language.Tokenizers.CharTokenizer();
        var problems = task.HeldOut(500);
        return problems.Count == 0 ? 0 : problems.Max(p => tokenizer.Encode(p.Prompt).Length);
    }

    /// <summary>
    /// Null when the run at <paramref name="runDir"/> has steps left to train (or no checkpoint: resuming
    /// reports that); otherwise the line saying it is complete and how to extend it.
    /// </summary>
    /// <param name="runDir">The run folder.</param>
    /// <param name="unit">"timesteps" or "steps".</param>
    /// <param name="flag">The option that sets a new total: "--timesteps" or "--steps".</param>
    /// <param name="configured">The run's own total (n_timesteps or steps).</param>
    /// <param name="requested">The total given with <paramref name="flag"/>, if any.</param>
    /// <param name="done">Reads the steps done from the checkpoint's manifest.</param>
    /// <exception cref="UsageException"><paramref name="requested"/> is not beyond what the run has done.</exception>
    public static string? Complete(string runDir, string unit, string flag, long configured, long? requested, Func<CheckpointManifest, long> done)
    {
        var warnings = new List<string>();
        string? latest = CheckpointStore.LatestComplete(Path.GetFullPath(runDir), warnings);
        if (latest is null) return null;
        var manifest = CheckpointStore.Verify(latest);
        long have = done(manifest);
        bool final = Path.GetFileName(latest) == CheckpointStore.FinalName;
        string Num(long v) => v.ToString("N0", CultureInfo.InvariantCulture);
        long next = Math.Max(have, configured) * 2;
        if (requested is long r)
        {
            if (r > have) return null;
            throw new UsageException($"{flag} {r} is not beyond the {Num(have)} {unit} the run has done; give a larger total, e.g. pg resume {runDir} {flag} {next}");
        }
        if (have < configured && !final) return null;
        // Resuming would print these; a run with nothing to do prints them here (a skipped corrupt checkpoint matters).
        foreach (string w in warnings) Console.Error.WriteLine($"pg: warning: {w}");
        string why = have < configured ? $"it stopped early at {Num(have)} of {Num(configured)} {unit} (reward threshold reached)" : $"{Num(have)} of {Num(configured)} {unit} done";
        return $"{runDir}: the run is complete ({why}); nothing to resume. To train further, give a larger total: pg resume {runDir} {flag} {next}";
    }
}
