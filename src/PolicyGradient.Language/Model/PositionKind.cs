namespace PolicyGradient.Language.Model;

/// <summary>How token positions enter the model.</summary>
public enum PositionKind
{
    /// <summary>A learned absolute position embedding added to the token embedding (GPT-2).</summary>
    Learned,
    /// <summary>Rotary embeddings on queries and keys (Su et al. 2021, RoFormer; Llama's rotate-half layout).</summary>
    Rotary,
}
