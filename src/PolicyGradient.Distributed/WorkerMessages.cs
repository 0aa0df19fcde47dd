using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Algorithms.OnPolicy.Partitions;
using PolicyGradient.Policies;

namespace PolicyGradient.Distributed;

/// <summary>One dense layer's offsets in the flat weight blob (<c>DenseLayer</c>).</summary>
[GenerateSerializer, Immutable]
public sealed record DenseLayerMessage([property: Id(0)] int WeightOffset, [property: Id(1)] int BiasOffset, [property: Id(2)] int Inputs, [property: Id(3)] int Outputs);

/// <summary>The learner's network layout (<c>ActorCriticLayout</c>): how a worker reads the weight blob.</summary>
[GenerateSerializer, Immutable]
public sealed record LayoutMessage
{
    /// <summary>Shared trunk layers.</summary>
    [Id(0)] public DenseLayerMessage[] Shared { get; init; } = [];
    /// <summary>Actor trunk layers.</summary>
    [Id(1)] public DenseLayerMessage[] Pi { get; init; } = [];
    /// <summary>Critic trunk layers.</summary>
    [Id(2)] public DenseLayerMessage[] Vf { get; init; } = [];
    /// <summary>Action head.</summary>
    [Id(3)] public DenseLayerMessage Head { get; init; } = new(0, 0, 0, 0);
    /// <summary>Value head.</summary>
    [Id(4)] public DenseLayerMessage Value { get; init; } = new(0, 0, 0, 0);
    /// <summary>Offset of log σ (−1: none).</summary>
    [Id(5)] public int LogStdOffset { get; init; }
    /// <summary>Activation (enum value).</summary>
    [Id(6)] public int Activation { get; init; }
    /// <summary>Action kind (enum value).</summary>
    [Id(7)] public int ActionKind { get; init; }
    /// <summary>Observations fed as they are.</summary>
    [Id(8)] public bool PlainFeatures { get; init; }
    /// <summary>Observation size.</summary>
    [Id(9)] public int InputSize { get; init; }
    /// <summary>Floats in the weight blob.</summary>
    [Id(10)] public int ParameterCount { get; init; }

    internal static LayoutMessage From(ActorCriticLayout l) => new()
    {
        Shared = l.Shared.Select(From).ToArray(), Pi = l.Pi.Select(From).ToArray(), Vf = l.Vf.Select(From).ToArray(),
        Head = From(l.Head), Value = From(l.Value), LogStdOffset = l.LogStdOffset, Activation = (int)l.Activation,
        ActionKind = (int)l.ActionKind, PlainFeatures = l.PlainFeatures, InputSize = l.InputSize, ParameterCount = l.ParameterCount,
    };

    internal ActorCriticLayout ToLayout() => new(Shared.Select(To).ToArray(), Pi.Select(To).ToArray(), Vf.Select(To).ToArray(),
        To(Head), To(Value), LogStdOffset, (Activation)Activation, (ActionKind)ActionKind, PlainFeatures, InputSize, ParameterCount);

    static DenseLayerMessage From(DenseLayer d) => new(d.WeightOffset, d.BiasOffset, d.Inputs, d.Outputs);
    static DenseLayer To(DenseLayerMessage d) => new(d.WeightOffset, d.BiasOffset, d.Inputs, d.Outputs);
}

/// <summary>What a worker grain builds: env copies [First, First + Count) of the run's vector env.</summary>
[GenerateSerializer, Immutable]
public sealed record WorkerSetup
{
    /// <summary>The learner's protocol version; a worker of another version refuses (<see cref="DistributedProtocol"/>).</summary>
    [Id(0)] public string Protocol { get; init; } = "";
    /// <summary>Registered env id.</summary>
    [Id(1)] public string EnvId { get; init; } = "";
    /// <summary>Env kwargs as typed text (<see cref="EnvKwargsText"/>).</summary>
    [Id(2)] public Dictionary<string, string> EnvKwargs { get; init; } = [];
    /// <summary>Run seed (copy i resets with seed + i).</summary>
    [Id(3)] public long Seed { get; init; }
    /// <summary>First copy index.</summary>
    [Id(4)] public int First { get; init; }
    /// <summary>Copies.</summary>
    [Id(5)] public int Count { get; init; }
    /// <summary>Network layout.</summary>
    [Id(6)] public LayoutMessage Layout { get; init; } = new();
}

/// <summary>Where a worker grain runs.</summary>
[GenerateSerializer, Immutable]
public sealed record WorkerInfo([property: Id(0)] string Silo, [property: Id(1)] string Protocol);

/// <summary>
/// One rollout request: the weight blob with its version and this worker's columns of the rollout's
/// noise (sync). Async requests leave <see cref="Noise"/> empty (the worker draws its own) and send
/// <see cref="Weights"/> only when the version is new to the worker (empty: act with the weights it has).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RolloutRequest
{
    /// <summary>Policy version of <see cref="Weights"/> (the learner's update count).</summary>
    [Id(0)] public long Version { get; init; }
    /// <summary>θ, the flat buffer (one blob, not per tensor).</summary>
    [Id(1)] public float[] Weights { get; init; } = [];
    /// <summary>Noise for [Steps × copies × draws], step-major.</summary>
    [Id(2)] public float[] Noise { get; init; } = [];
    /// <summary>Steps T.</summary>
    [Id(3)] public int Steps { get; init; }
}

/// <summary>A worker's slice of a rollout (the wire form of <c>PartitionRollout</c>; arrays step-major).</summary>
[GenerateSerializer, Immutable]
public sealed record RolloutSlice
{
    /// <summary>Steps.</summary>
    [Id(0)] public int Steps { get; init; }
    /// <summary>Copies.</summary>
    [Id(1)] public int Envs { get; init; }
    /// <summary>Version of the weights that acted.</summary>
    [Id(2)] public long Version { get; init; }
    /// <summary>s_t.</summary>
    [Id(3)] public float[] Observations { get; init; } = [];
    /// <summary>Actions.</summary>
    [Id(4)] public float[] Actions { get; init; } = [];
    /// <summary>log π(a|s).</summary>
    [Id(5)] public float[] LogProbs { get; init; } = [];
    /// <summary>V(s_t).</summary>
    [Id(6)] public float[] Values { get; init; } = [];
    /// <summary>Raw rewards.</summary>
    [Id(7)] public double[] Rewards { get; init; } = [];
    /// <summary>Terminated flags.</summary>
    [Id(8)] public bool[] Terminated { get; init; } = [];
    /// <summary>Truncated flags.</summary>
    [Id(9)] public bool[] Truncated { get; init; } = [];
    /// <summary>V(final observation) after truncations.</summary>
    [Id(10)] public float[] FinalValues { get; init; } = [];
    /// <summary>V(s_T).</summary>
    [Id(11)] public float[] LastValues { get; init; } = [];
    /// <summary>Index t·m + j of finished episodes.</summary>
    [Id(12)] public int[] EpisodeAt { get; init; } = [];
    /// <summary>Their returns.</summary>
    [Id(13)] public double[] EpisodeReturns { get; init; } = [];
    /// <summary>Their lengths.</summary>
    [Id(14)] public int[] EpisodeLengths { get; init; } = [];
    /// <summary>s_T (async learners re-evaluate V(s_T)).</summary>
    [Id(15)] public float[] LastObservations { get; init; } = [];

    /// <summary>Seconds the worker spent on the rollout itself (stepping and forward passes, no messaging).</summary>
    [Id(16)] public double ComputeSeconds { get; init; }

    internal static RolloutSlice From(PartitionRollout p) => new()
    {
        Steps = p.Steps, Envs = p.Envs, Version = p.Version, Observations = p.Observations, Actions = p.Actions, LogProbs = p.LogProbs,
        Values = p.Values, Rewards = p.Rewards, Terminated = p.Terminated, Truncated = p.Truncated, FinalValues = p.FinalValues,
        LastValues = p.LastValues, LastObservations = p.LastObservations, EpisodeAt = p.EpisodeAt, EpisodeReturns = p.EpisodeReturns, EpisodeLengths = p.EpisodeLengths,
    };

    internal PartitionRollout ToPartition() => new()
    {
        Steps = Steps, Envs = Envs, Version = Version, Observations = Observations, Actions = Actions, LogProbs = LogProbs,
        Values = Values, Rewards = Rewards, Terminated = Terminated, Truncated = Truncated, FinalValues = FinalValues,
        LastValues = LastValues, LastObservations = LastObservations, EpisodeAt = EpisodeAt, EpisodeReturns = EpisodeReturns, EpisodeLengths = EpisodeLengths,
    };
}
