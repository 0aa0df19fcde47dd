using PolicyGradient.Environments.Spaces;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PolicyGradient.Policies;

/// <summary>
/// Actor-critic network for on-policy algorithms (SB3's ActorCriticPolicy): observation features →
/// policy MLP → action head (logits or Gaussian mean) and value MLP → V(s). One forward call
/// evaluates actor and critic together. The action distribution follows the action space:
/// Discrete → <see cref="Categorical"/>, MultiDiscrete → <see cref="MultiCategorical"/>,
/// MultiBinary → <see cref="Bernoulli"/>, Box → <see cref="DiagGaussian"/> with a
/// state-independent log σ (actions unclipped; clip to the box when sending them to the env).
/// Observations arrive in the environments' flat float encoding, [B, FlatSize]; Discrete and
/// MultiDiscrete observations are one-hot encoded inside the network.
/// </summary>
public sealed class ActorCriticPolicy : nn.Module<Tensor, (Tensor ActionHead, Tensor Value)>
{
    readonly int[]? _oneHotSizes;
    readonly int[] _nvec;
    readonly Sequential? _shared;
    readonly Sequential? _pi;
    readonly Sequential? _vf;
    readonly Linear _actionNet;
    readonly Linear _valueNet;
    readonly Parameter? _logStd;

    ActorCriticPolicy(Space observationSpace, Space actionSpace, PolicyNetworkOptions options) : base(nameof(ActorCriticPolicy))
    {
        ObservationSpace = observationSpace;
        ActionSpace = actionSpace;
        Options = options;
        (_oneHotSizes, FeatureSize) = observationSpace switch
        {
            Discrete d => (new[] { d.N }, d.N),
            MultiDiscrete md => (md.Nvec, md.Nvec.Sum()),
            _ => ((int[]?)null, observationSpace.FlatSize),
        };
        int headSize;
        (ActionKind, _nvec, headSize) = ActionDistributions.Describe(actionSpace);
        ActionFlatSize = actionSpace.FlatSize;

        if (options.FuseNetworks)
            throw new ArgumentException("policy.fuse_networks was removed: actor and critic already live in one flat parameter buffer and are evaluated together when their hidden sizes match; remove the key (or set policy.fuse_networks=false)", nameof(options));
        var arch = options.NetArch;
        int piOut, vfOut;
        if (options.ShareTrunk)
        {
            _shared = MlpBuilder.Build(FeatureSize, arch.Pi, 0, options.Activation);
            piOut = vfOut = arch.Pi.Length > 0 ? arch.Pi[^1] : FeatureSize;
        }
        else
        {
            _pi = MlpBuilder.Build(FeatureSize, arch.Pi, 0, options.Activation);
            _vf = MlpBuilder.Build(FeatureSize, arch.Vf, 0, options.Activation);
            piOut = arch.Pi.Length > 0 ? arch.Pi[^1] : FeatureSize;
            vfOut = arch.Vf.Length > 0 ? arch.Vf[^1] : FeatureSize;
        }
        _actionNet = nn.Linear(piOut, headSize);
        _valueNet = nn.Linear(vfOut, 1);
        if (ActionKind == ActionKind.Box)
        {
            using Scalar logStdInit = options.LogStdInit.ToScalar();
            _logStd = nn.Parameter(torch.full([headSize], logStdInit, dtype: ScalarType.Float32));
        }
        RegisterComponents();

        if (options.OrthoInit)
        {
            if (_shared is not null) Initialization.Orthogonal(_shared, options.HiddenGain);
            if (_pi is not null) Initialization.Orthogonal(_pi, options.HiddenGain);
            if (_vf is not null) Initialization.Orthogonal(_vf, options.HiddenGain);
            Initialization.Orthogonal(_actionNet, options.PolicyHeadGain);
            Initialization.Orthogonal(_valueNet, options.ValueHeadGain);
        }
    }

    /// <summary>Builds a policy for the given spaces.</summary>
    public static ActorCriticPolicy Create(Space observationSpace, Space actionSpace, PolicyNetworkOptions? options = null) =>
        new(observationSpace, actionSpace, options ?? new PolicyNetworkOptions());

    /// <summary>The observation space.</summary>
    public Space ObservationSpace { get; }

    /// <summary>The action space.</summary>
    public Space ActionSpace { get; }

    /// <summary>The options the network was built with.</summary>
    public PolicyNetworkOptions Options { get; }

    /// <summary>Width of the network input after one-hot encoding.</summary>
    public int FeatureSize { get; }

    /// <summary>Floats per action in the environments' flat encoding.</summary>
    public int ActionFlatSize { get; }

    /// <summary>The kind of action space, which picks the distribution.</summary>
    public ActionKind ActionKind { get; }

    /// <summary>The dense layers of the shared trunk (empty unless share_trunk), input to output.</summary>
    internal IReadOnlyList<Linear> SharedLayers => Layers(_shared);

    /// <summary>The dense layers of the policy network (empty with a shared trunk), input to output.</summary>
    internal IReadOnlyList<Linear> PiLayers => Layers(_pi);

    /// <summary>The dense layers of the value network (empty with a shared trunk), input to output.</summary>
    internal IReadOnlyList<Linear> VfLayers => Layers(_vf);

    /// <summary>The action head (logits or Gaussian mean).</summary>
    internal Linear ActionNet => _actionNet;

    /// <summary>The value head.</summary>
    internal Linear ValueNet => _valueNet;

    static IReadOnlyList<Linear> Layers(Sequential? mlp) => mlp is null ? [] : mlp.children().OfType<Linear>().ToArray();

    /// <summary>The state-independent log σ of a Box policy (null otherwise).</summary>
    public Parameter? LogStd => _logStd;

    /// <summary>Observation tensor [B, FlatSize] → network input [B, FeatureSize] (one-hot for discrete spaces).</summary>
    public Tensor Features(Tensor observations)
    {
        if (observations.dim() == 1) observations = observations.unsqueeze(0);
        if (_oneHotSizes is null)
            return observations.dtype == ScalarType.Float32 ? observations : observations.to_type(ScalarType.Float32);
        var idx = observations.to_type(ScalarType.Int64);
        if (_oneHotSizes.Length == 1)
            return nn.functional.one_hot(idx.reshape(-1), _oneHotSizes[0]).to_type(ScalarType.Float32);
        var cols = idx.unbind(-1);
        return torch.cat(cols.Select((c, i) => nn.functional.one_hot(c, _oneHotSizes[i])).ToArray(), -1).to_type(ScalarType.Float32);
    }

    /// <summary>One pass through actor and critic: (action head [B, k] — logits or Gaussian mean, V(s) [B]).</summary>
    public override (Tensor ActionHead, Tensor Value) forward(Tensor observations)
    {
        var (piLatent, vfLatent) = Latents(observations);
        return (_actionNet.forward(piLatent), _valueNet.forward(vfLatent).squeeze(-1));
    }

    /// <summary>Last hidden features of the policy and value networks.</summary>
    (Tensor Pi, Tensor Vf) Latents(Tensor observations)
    {
        var x = Features(observations);
        if (_shared is not null)
        {
            var h = _shared.forward(x);
            return (h, h);
        }
        return (_pi!.forward(x), _vf!.forward(x));
    }

    /// <summary>The action distribution for an action-head output.</summary>
    public IActionDistribution Distribution(Tensor actionHead) => Distribution(actionHead, _logStd);

    /// <summary>The action distribution for an action-head output with log σ <paramref name="logStd"/> (e.g. a view of a flat buffer).</summary>
    internal IActionDistribution Distribution(Tensor actionHead, Tensor? logStd, Tensor? mask = null) => ActionDistributions.Create(ActionKind, actionHead, _nvec, logStd, mask);

    /// <summary>Action distribution and V(s) [B] for a batch of observations, in one forward pass.</summary>
    public (IActionDistribution Distribution, Tensor Value) Evaluate(Tensor observations)
    {
        var (head, value) = forward(observations);
        return (Distribution(head), value);
    }

    /// <summary>V(s) for a batch of observations, [B] (critic only).</summary>
    public Tensor PredictValues(Tensor observations)
    {
        if (_shared is null) return _valueNet.forward(_vf!.forward(Features(observations))).squeeze(-1);
        return _valueNet.forward(Latents(observations).Vf).squeeze(-1);
    }

    /// <summary>
    /// Actions [B, ActionFlatSize] in the environments' flat float encoding (no clipping), sampled or
    /// the mode when <paramref name="deterministic"/>.
    /// </summary>
    public Tensor Act(Tensor observations, bool deterministic, torch.Generator? generator = null)
    {
        var piLatent = _shared is null ? _pi!.forward(Features(observations)) : Latents(observations).Pi;
        var dist = Distribution(_actionNet.forward(piLatent));
        var a = deterministic ? dist.Mode() : dist.Sample(generator);
        return a.reshape(-1, ActionFlatSize);
    }

    /// <summary>
    /// Convenience for one observation (flat encoding): returns the action's flat encoding. Box
    /// actions are clipped to the box, as they would be when sent to the environment.
    /// </summary>
    public float[] Predict(ReadOnlySpan<float> observation, bool deterministic, torch.Generator? generator = null)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var device = _actionNet.weight.device;
        var obs = torch.tensor(observation.ToArray(), [1, observation.Length], device: device);
        var action = Act(obs, deterministic, generator).cpu().data<float>().ToArray();
        if (ActionSpace is Box box) box.Clip(action);
        return action;
    }
}
