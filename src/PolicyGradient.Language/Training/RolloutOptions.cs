namespace PolicyGradient.Language.Training;

/// <summary>
/// How the group trainer samples and shapes its responses (configuration keys: <c>temperature</c>,
/// <c>stop_strings</c>, <c>max_new_tokens</c>, <c>dynamic_sampling</c>, <c>max_generation_batches</c>,
/// <c>overlong_buffer_length</c>, <c>overlong_penalty_factor</c>).
/// </summary>
public sealed record RolloutOptions
{
    /// <summary>Sampling temperature (also used by the recompute).</summary>
    public double Temperature { get; init; } = 1.0;
    /// <summary>Stop strings: a response ends at the token that completes one of them (kept, trained on), like
    /// at EOS (<see cref="Generation.SamplingOptions.StopStrings"/>). Empty = only EOS and the length limit.</summary>
    public string[] StopStrings { get; init; } = [];
    /// <summary>Expected longest response in tokens (default: the task's longest answer + 1 for EOS); generation
    /// stops there, or <see cref="OverlongBufferLength"/> tokens later with overlong shaping.</summary>
    public int? MaxNewTokens { get; init; }
    /// <summary>DAPO dynamic sampling: drop groups whose rewards are all equal and generate more prompts
    /// until <see cref="GroupTrainerOptions.PromptsPerStep"/> groups with a learning signal are collected.</summary>
    public bool DynamicSampling { get; init; }
    /// <summary>Most generation batches per step under dynamic sampling before the step fails (verl
    /// max_num_gen_batches; the DAPO example uses 10).</summary>
    public int MaxGenerationBatches { get; init; } = 10;
    /// <summary>DAPO overlong buffer L_cache in tokens (0 = no overlong shaping): generation runs
    /// L_cache tokens past the expected length and responses inside the buffer are penalized linearly.</summary>
    public int OverlongBufferLength { get; init; }
    /// <summary>Scale of the overlong penalty (verl overlong_buffer.penalty_factor 1).</summary>
    public double OverlongPenaltyFactor { get; init; } = 1.0;

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad option.</summary>
    internal void Validate()
    {
        if (!(Temperature > 0)) throw new ArgumentException($"Rollout.Temperature (temperature) must be > 0, got {Temperature}");
        if (StopStrings.Any(string.IsNullOrEmpty)) throw new ArgumentException("Rollout.StopStrings (stop_strings) must not contain empty strings");
        if (MaxNewTokens is int mnt && mnt < 1) throw new ArgumentException($"Rollout.MaxNewTokens (max_new_tokens) must be ≥ 1, got {mnt}");
        if (MaxGenerationBatches < 1) throw new ArgumentException($"Rollout.MaxGenerationBatches (max_generation_batches) must be ≥ 1, got {MaxGenerationBatches}");
        if (OverlongBufferLength < 0) throw new ArgumentException($"Rollout.OverlongBufferLength (overlong_buffer_length) must be ≥ 0 (0 = off), got {OverlongBufferLength}");
        if (!(OverlongPenaltyFactor >= 0)) throw new ArgumentException($"Rollout.OverlongPenaltyFactor (overlong_penalty_factor) must be ≥ 0, got {OverlongPenaltyFactor}");
    }
}
