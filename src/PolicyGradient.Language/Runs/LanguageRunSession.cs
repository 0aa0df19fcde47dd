using static TorchSharp.torch;

namespace PolicyGradient.Language.Runs;

/// <summary>How a language run is driven: device, a per-step observer, where warnings go.</summary>
public sealed record LanguageRunSession
{
    /// <summary>Device for the policy (default CPU).</summary>
    public Device? Device { get; init; }

    /// <summary>Called after every step (progress bars, logs).</summary>
    public Action<LanguageStepRecord>? OnStep { get; init; }

    /// <summary>Receives warnings (e.g. skipped corrupt checkpoints).</summary>
    public Action<string>? Warn { get; init; }

    /// <summary>
    /// Stop request (Ctrl-C in <c>pg</c>): the run stops after the current step, writes a step-N
    /// checkpoint there and throws <see cref="PolicyGradient.Training.TrainingInterruptedException"/>.
    /// </summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>Clock for the wall-time checkpoint interval (<c>checkpoint_minutes</c>); tests pass a fake one.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
