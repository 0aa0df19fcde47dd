namespace PolicyGradient.Language.Model;

/// <summary>
/// Shape of a decoder-only transformer policy. Defaults give a ≈0.8M-parameter GPT-2-style model
/// suited to the built-in tasks on a CPU.
/// </summary>
public sealed record TransformerConfig
{
    /// <summary>Embedding table size (the tokenizer's vocabulary).</summary>
    public required int VocabularySize { get; init; }
    /// <summary>Number of blocks.</summary>
    public int Layers { get; init; } = 4;
    /// <summary>Model width d_model.</summary>
    public int Width { get; init; } = 128;
    /// <summary>Attention heads; must divide <see cref="Width"/>.</summary>
    public int Heads { get; init; } = 4;
    /// <summary>Key/value heads for grouped-query attention (Ainslie et al. 2023, GQA): each group of
    /// Heads / KeyValueHeads query heads shares one key/value head. Must divide <see cref="Heads"/>;
    /// null = <see cref="Heads"/> (plain multi-head attention). HF: num_key_value_heads.</summary>
    public int? KeyValueHeads { get; init; }
    /// <summary>Hidden width of the MLP (default 4·Width for GELU, ≈8/3·Width rounded to 8 for SwiGLU).</summary>
    public int? MlpWidth { get; init; }
    /// <summary>Longest sequence (prompt + completion) the model handles; sizes the learned position table.</summary>
    public int MaxPositions { get; init; } = 128;
    /// <summary>Normalization layer.</summary>
    public NormKind Norm { get; init; } = NormKind.LayerNorm;
    /// <summary>Position encoding.</summary>
    public PositionKind Positions { get; init; } = PositionKind.Learned;
    /// <summary>MLP kind.</summary>
    public MlpKind Mlp { get; init; } = MlpKind.Gelu;
    /// <summary>Whether the output projection shares the token embedding matrix (GPT-2 does).</summary>
    public bool TieEmbeddings { get; init; } = true;
    /// <summary>Whether linear layers carry biases (GPT-2 yes, Llama no).</summary>
    public bool Bias { get; init; } = true;
    /// <summary>Whether the q/k/v projections carry biases; null = <see cref="Bias"/>. Qwen2 has them with
    /// no other bias (QkvBias = true, Bias = false).</summary>
    public bool? QkvBias { get; init; }
    /// <summary>Adds a scalar value head on the final hidden states (PPO with a critic).</summary>
    public bool ValueHead { get; init; }
    /// <summary>ε of the normalization layers (GPT-2 1e-5, Llama 1e-6 or 1e-5).</summary>
    public double NormEpsilon { get; init; } = 1e-5;
    /// <summary>Rotary base θ (Llama 10000).</summary>
    public double RopeTheta { get; init; } = 10000;

    /// <summary>The key/value head count actually used.</summary>
    public int ResolvedKeyValueHeads => KeyValueHeads ?? Heads;

    /// <summary>Whether the q/k/v projections actually carry biases.</summary>
    public bool ResolvedQkvBias => QkvBias ?? Bias;

    /// <summary>Width of one attention head, Width / Heads.</summary>
    public int HeadSize => Width / Heads;

    /// <summary>The MLP hidden width actually used.</summary>
    public int ResolvedMlpWidth => MlpWidth ?? (Mlp == MlpKind.Gelu ? 4 * Width : (8 * Width / 3 + 7) / 8 * 8);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first inconsistent field.</summary>
    public void Validate()
    {
        if (VocabularySize < 2) throw new ArgumentException($"VocabularySize must be ≥ 2, got {VocabularySize}");
        if (Layers < 1) throw new ArgumentException($"Layers must be ≥ 1, got {Layers}");
        if (Width < 1 || Heads < 1 || Width % Heads != 0) throw new ArgumentException($"Heads ({Heads}) must divide Width ({Width})");
        if (ResolvedKeyValueHeads < 1 || Heads % ResolvedKeyValueHeads != 0)
            throw new ArgumentException($"KeyValueHeads ({ResolvedKeyValueHeads}) must divide Heads ({Heads})");
        if (Positions == PositionKind.Rotary && Width / Heads % 2 != 0) throw new ArgumentException($"rotary positions need an even head size; Width/Heads = {Width / Heads}");
        if (MaxPositions < 2) throw new ArgumentException($"MaxPositions must be ≥ 2, got {MaxPositions}");
        if (ResolvedMlpWidth < 1) throw new ArgumentException($"MlpWidth must be ≥ 1, got {ResolvedMlpWidth}");
    }
}
