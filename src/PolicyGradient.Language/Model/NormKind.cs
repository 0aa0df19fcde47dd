namespace PolicyGradient.Language.Model;

/// <summary>Normalization layer of the pre-norm blocks.</summary>
public enum NormKind
{
    /// <summary>LayerNorm with bias (GPT-2).</summary>
    LayerNorm,
    /// <summary>RMSNorm, no bias or centring (Zhang and Sennrich 2019; Llama, Qwen).</summary>
    RmsNorm,
}
