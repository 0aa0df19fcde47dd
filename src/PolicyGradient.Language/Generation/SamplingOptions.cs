namespace PolicyGradient.Language.Generation;

/// <summary>How the sampler picks tokens. Defaults: plain sampling at temperature 1 (what on-policy RL needs).</summary>
public sealed record SamplingOptions
{
    /// <summary>Most tokens generated per sequence (the EOS included).</summary>
    public int MaxNewTokens { get; init; } = 32;
    /// <summary>Softmax temperature τ: logits are divided by τ. Must be &gt; 0 unless <see cref="Greedy"/>.</summary>
    public double Temperature { get; init; } = 1.0;
    /// <summary>Keep only the k most likely tokens before sampling (0 = off).</summary>
    public int TopK { get; init; }
    /// <summary>Nucleus sampling (Holtzman et al. 2020): keep the smallest set of tokens whose probability reaches p (1 = off).</summary>
    public double TopP { get; init; } = 1.0;
    /// <summary>Argmax decoding (evaluation, ReMax's baseline); reported log-probs are then at temperature 1.</summary>
    public bool Greedy { get; init; }
    /// <summary>Stop a sequence after it emits EOS (later positions are padding with mask 0).</summary>
    public bool StopAtEos { get; init; } = true;
    /// <summary>
    /// Stop a sequence once its decoded completion contains any of these strings (matched on text, so a
    /// stop string may span several tokens; needs the tokenizer passed to <see cref="Sampler.Generate"/>).
    /// The tokens that produced the stop string stay in the completion with mask 1, so their log-probs
    /// are sampled, recomputed and trained like any other; later positions are padding with mask 0, as
    /// after EOS. <see cref="StopStringMatcher.Truncate"/> cuts the decoded text before the stop string (the
    /// default of Hugging Face and vLLM, whose include_stop_str_in_output is off). Empty = off.
    /// </summary>
    public IReadOnlyList<string> StopStrings { get; init; } = [];

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad option.</summary>
    public void Validate()
    {
        if (MaxNewTokens < 1) throw new ArgumentException($"MaxNewTokens must be ≥ 1, got {MaxNewTokens}");
        if (!Greedy && !(Temperature > 0)) throw new ArgumentException($"Temperature must be > 0 (use Greedy for argmax), got {Temperature}");
        if (TopK < 0) throw new ArgumentException($"TopK must be ≥ 0 (0 = off), got {TopK}");
        if (!(TopP > 0 && TopP <= 1)) throw new ArgumentException($"TopP must be in (0, 1], got {TopP}");
        if (StopStrings.Any(string.IsNullOrEmpty)) throw new ArgumentException("StopStrings must not contain an empty string");
    }

    /// <summary>The temperature the reported (and recomputed) log-probs use.</summary>
    public double LogProbTemperature => Greedy ? 1.0 : Temperature;
}
