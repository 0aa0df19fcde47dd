namespace PolicyGradient.Language.Model;

/// <summary>Feed-forward block.</summary>
public enum MlpKind
{
    /// <summary>Linear → GELU (tanh approximation, GPT-2's "gelu_new") → Linear.</summary>
    Gelu,
    /// <summary>SwiGLU: down(silu(gate(x)) ⊙ up(x)) (Shazeer 2020; Llama).</summary>
    SwiGlu,
}
