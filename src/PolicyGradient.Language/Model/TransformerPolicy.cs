using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using PolicyGradient.Interop;

namespace PolicyGradient.Language.Model;

/// <summary>
/// A decoder-only transformer language model used as a token-level policy π(y_t | x, y_&lt;t)
/// (GPT-2, Radford et al. 2019; Llama, Touvron et al. 2023, by configuration): token embedding
/// (+ learned positions), pre-norm blocks, final norm, output head (tied to the embedding or not) and
/// an optional value head. Padding is handled by an attention mask, so batches may be left-padded;
/// positions count only real tokens (position = number of real tokens before it), as Hugging Face
/// does with left padding. Parameter names follow the Llama layout (embed_tokens, layers.i.self_attn.q_proj, ...).
/// </summary>
public sealed class TransformerPolicy : nn.Module
{
    static readonly Scalar Zero = 0.ToScalar(), OneStep = 1.ToScalar(), One = 1.0.ToScalar();

    readonly Embedding embed_tokens;
    readonly Embedding? embed_positions;
    readonly ModuleList<TransformerBlock> layers;
    readonly nn.Module<Tensor, Tensor> norm;
    readonly Linear? lm_head;
    readonly Linear? value_head;

    /// <summary>The shape this model was built with.</summary>
    public TransformerConfig Config { get; }

    /// <summary>Builds the model with GPT-2's initialization (N(0, 0.02), residual output projections
    /// N(0, 0.02/√(2·layers)), zero biases, unit norms), drawn from a generator seeded with <paramref name="seed"/>.</summary>
    public TransformerPolicy(TransformerConfig config, long seed = 0) : base(nameof(TransformerPolicy))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        embed_tokens = nn.Embedding(config.VocabularySize, config.Width);
        if (config.Positions == PositionKind.Learned) embed_positions = nn.Embedding(config.MaxPositions, config.Width);
        layers = nn.ModuleList(Enumerable.Range(0, config.Layers).Select(_ => new TransformerBlock(config)).ToArray());
        norm = MakeNorm(config);
        if (!config.TieEmbeddings) lm_head = nn.Linear(config.Width, config.VocabularySize, hasBias: false);
        if (config.ValueHead) value_head = nn.Linear(config.Width, 1);
        RegisterComponents();
        Initialize(seed);
    }

    internal static nn.Module<Tensor, Tensor> MakeNorm(TransformerConfig c) => c.Norm == NormKind.LayerNorm
        ? nn.LayerNorm(c.Width, c.NormEpsilon)
        : new RmsNorm(c.Width, c.NormEpsilon);

    void Initialize(long seed)
    {
        using var _ = torch.no_grad();
        var generator = new Generator((ulong)seed);
        double residualStd = 0.02 / Math.Sqrt(2.0 * Config.Layers);
        foreach (var (name, p) in named_parameters())
        {
            if (name.EndsWith(".bias", StringComparison.Ordinal)) p.zero_();
            else if (name.Contains("norm", StringComparison.Ordinal)) p.fill_(One);
            else if (name.EndsWith("o_proj.weight", StringComparison.Ordinal) || name.EndsWith("down_proj.weight", StringComparison.Ordinal))
                p.normal_(0, residualStd, generator);
            else p.normal_(0, 0.02, generator);
        }
    }

    /// <summary>Number of parameters (tied weights counted once).</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>An empty KV cache for <paramref name="batch"/> sequences of up to <paramref name="capacity"/> positions.</summary>
    public KvCache NewCache(long batch, int capacity)
    {
        var w = embed_tokens.weight!;
        return new KvCache(Config.Layers, batch, Config.ResolvedKeyValueHeads, Config.HeadSize, capacity, w.dtype, w.device);
    }

    /// <summary>
    /// Forward pass over <paramref name="tokens"/> [B, T] (int64). <paramref name="attentionMask"/> [B, S]
    /// marks real tokens (non-zero) over all S = cached + T positions. With a cache, the new keys and
    /// values are appended to it and attention covers the cached positions.
    /// </summary>
    public PolicyOutput Forward(Tensor tokens, Tensor attentionMask, KvCache? cache = null)
    {
        long b = tokens.shape[0], t = tokens.shape[1];
        int past = cache?.Length ?? 0;
        long s = past + t;
        if (attentionMask.shape[0] != b || attentionMask.shape[1] != s)
            throw new ArgumentException($"attentionMask must be [{b}, {s}] (cached {past} + new {t}), got [{string.Join(", ", attentionMask.shape)}]");
        var device = tokens.device;
        var keyMask = attentionMask.ne(Zero);
        var positions = keyMask.to(ScalarType.Int64).cumsum(1).sub(OneStep).clamp_min(Zero).narrow(1, past, t);
        if (positions.max().item<long>() >= Config.MaxPositions && Config.Positions == PositionKind.Learned)
            throw new ArgumentException($"sequence longer than MaxPositions = {Config.MaxPositions}: raise MaxPositions or shorten prompt + completion");

        using var end = s.ToScalar();
        using var start = past.ToScalar();
        var keyIndex = torch.arange(end, device: device).unsqueeze(0);            // [1, S]
        var queryIndex = torch.arange(start, end, device: device).unsqueeze(1);   // [T, 1]
        var causal = keyIndex.le(queryIndex);                                   // [T, S]
        var self = keyIndex.eq(queryIndex);
        // Each query sees the real tokens up to itself, and always itself so padded queries stay finite.
        var allowed = causal.unsqueeze(0).logical_and(keyMask.unsqueeze(1)).logical_or(self.unsqueeze(0)).unsqueeze(1);   // [B, 1, T, S]

        var x = embed_tokens.forward(tokens);
        if (embed_positions is not null) x = x.add(embed_positions.forward(positions), TorchScalars.One);
        (Tensor, Tensor)? rotary = Config.Positions == PositionKind.Rotary
            ? RotaryEmbedding.Tables(positions, Config.Width / Config.Heads, Config.RopeTheta, x.dtype)
            : null;
        for (int i = 0; i < layers.Count; i++)
        {
            var input = x;
            x = layers[i].Forward(input, allowed, rotary, cache, i);
            input.Dispose();   // this forward's own residual stream, dead once the next layer has it (autograd keeps its references)
        }
        if (cache is not null) cache.Length = (int)s;
        x = norm.forward(x);
        var logits = lm_head is null ? torch.matmul(x, embed_tokens.weight!.t()) : lm_head.forward(x);
        var values = value_head?.forward(x).squeeze(-1);
        return new PolicyOutput(logits, values);
    }
}
