using PolicyGradient.Environments.Spaces;
using PolicyGradient.Optimizers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PolicyGradient.Policies.Recurrent;

/// <summary>Shape of the recurrent part of a <see cref="RecurrentActorCritic"/> (sb3-contrib's RecurrentActorCriticPolicy keywords).</summary>
/// <param name="HiddenSize">LSTM hidden size (lstm_hidden_size).</param>
/// <param name="Layers">Stacked LSTM layers (n_lstm_layers).</param>
/// <param name="SharedLstm">The critic reads the actor's LSTM output, without backpropagating into it (shared_lstm).</param>
/// <param name="CriticLstm">The critic has its own LSTM (enable_critic_lstm); neither flag: a linear layer obs → hidden.</param>
public sealed record LstmShape(int HiddenSize, int Layers, bool SharedLstm, bool CriticLstm);

/// <summary>
/// The actor-critic of recurrent PPO (sb3-contrib's RecurrentActorCriticPolicy, MlpLstmPolicy): the
/// observation goes through an LSTM (the actor's; the critic's own LSTM by default), the LSTM output
/// through the usual MLP trunks (policy.net_arch, policy.activation) and the action and value heads.
/// All weights live in one <see cref="FlatParameters"/> buffer; the forward takes views of it
/// (<see cref="Weights"/>), so one Adam and one gradient clip act on everything. Initialization
/// follows sb3-contrib: the MLP and heads as <see cref="ActorCriticPolicy"/> builds them (orthogonal
/// when policy.ortho_init), then torch.nn.LSTM's default uniform(±1/√H) weights, drawn from torch's
/// global generator in that order.
/// </summary>
public sealed class RecurrentActorCritic : IDisposable
{
    readonly List<(string Name, Tensor Value)> _order = [];
    readonly List<int[]> _actorLstm = [], _criticLstm = [];
    readonly int[] _piW, _piB, _vfW, _vfB;
    readonly int _criticW = -1, _criticB = -1, _headW, _headB, _valueW, _valueB, _logStd = -1;
    readonly Func<Tensor, Tensor> _activation;

    /// <summary>Builds the weights for the given spaces (a Box observation, any action space the MLP policy supports).</summary>
    /// <exception cref="ArgumentException">A setting recurrent PPO does not support; the message names the fix.</exception>
    public RecurrentActorCritic(Space observationSpace, Space actionSpace, PolicyNetworkOptions network, LstmShape shape, Device device)
    {
        if (observationSpace is not Box)
            throw new ArgumentException($"ppo-lstm needs a Box observation space (Dict observations are flattened to one), the env has {observationSpace}; wrap the env to give a Box observation");
        if (network.ShareTrunk)
            throw new ArgumentException("ppo-lstm keeps separate actor and critic MLPs after the LSTMs; set policy.share_trunk=false (use shared_lstm=true to share the recurrent part)");
        if (shape.SharedLstm && shape.CriticLstm)
            throw new ArgumentException("shared_lstm=true and enable_critic_lstm=true contradict each other (the critic either reads the actor's LSTM or has its own); set enable_critic_lstm=false to share");
        Shape = shape;
        ObservationSize = observationSpace.FlatSize;
        Heads = ActorCriticPolicy.Create(new Box(float.NegativeInfinity, float.PositiveInfinity, shape.HiddenSize), actionSpace, network);
        Add("pi", Heads.PiLayers, out _piW, out _piB);
        Add("vf", Heads.VfLayers, out _vfW, out _vfB);
        (_headW, _headB) = (Add("action_net.weight", Heads.ActionNet.weight!), Add("action_net.bias", Heads.ActionNet.bias!));
        (_valueW, _valueB) = (Add("value_net.weight", Heads.ValueNet.weight!), Add("value_net.bias", Heads.ValueNet.bias!));
        if (Heads.LogStd is not null) _logStd = Add("log_std", Heads.LogStd);
        using (var actor = nn.LSTM(ObservationSize, shape.HiddenSize, shape.Layers)) AddLstm("lstm_actor", actor, _actorLstm);
        if (shape.CriticLstm)
        {
            using var critic = nn.LSTM(ObservationSize, shape.HiddenSize, shape.Layers);
            AddLstm("lstm_critic", critic, _criticLstm);
        }
        else if (!shape.SharedLstm)
        {
            using var critic = nn.Linear(ObservationSize, shape.HiddenSize);
            (_criticW, _criticB) = (Add("critic.weight", critic.weight!.detach().clone()), Add("critic.bias", critic.bias!.detach().clone()));
        }
        _activation = network.Activation switch
        {
            Activation.Tanh => x => x.tanh(),
            Activation.ReLU => x => x.relu(),
            Activation.GELU => x => nn.functional.gelu(x),
            Activation.SiLU => x => nn.functional.silu(x),
            Activation.ELU => x => nn.functional.elu(x, 1.0),
            _ => throw new ArgumentOutOfRangeException(nameof(network), network.Activation, "unknown activation"),
        };
        Parameters = new FlatParameters(_order, device);
        Device = device;
    }

    int Add(string name, Tensor value)
    {
        _order.Add((name, value));
        return _order.Count - 1;
    }

    void Add(string prefix, IReadOnlyList<Linear> layers, out int[] w, out int[] b)
    {
        w = layers.Select((l, i) => Add($"{prefix}.{i}.weight", l.weight!)).ToArray();
        b = layers.Select((l, i) => Add($"{prefix}.{i}.bias", l.bias!)).ToArray();
    }

    void AddLstm(string prefix, LSTM lstm, List<int[]> indices)
    {
        var named = lstm.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        for (int l = 0; l < Shape.Layers; l++)
            indices.Add(new[] { "weight_ih", "weight_hh", "bias_ih", "bias_hh" }.Select(n => Add($"{prefix}.{n}_l{l}", named[$"{n}_l{l}"].detach().clone())).ToArray());
    }

    /// <summary>The recurrent shape.</summary>
    public LstmShape Shape { get; }

    /// <summary>Flat observation size.</summary>
    public int ObservationSize { get; }

    /// <summary>True when the critic carries its own (h, c).</summary>
    public bool CriticHasState => Shape.CriticLstm;

    /// <summary>The MLP part's module (only its structure and distributions are used; the weights are in <see cref="Parameters"/>).</summary>
    public ActorCriticPolicy Heads { get; }

    /// <summary>All weights (the optimizer's only parameter); checkpoint names are <see cref="FlatParameters.Names"/>.</summary>
    public FlatParameters Parameters { get; }

    /// <summary>The device of the weights.</summary>
    public Device Device { get; }

    /// <summary>Views of <see cref="Parameters"/> per tensor (differentiable).</summary>
    public Tensor[] Weights() => Parameters.Views();

    /// <summary>Zero states for <paramref name="count"/> env copies or sequences.</summary>
    public LstmStates InitialStates(long count) => LstmStates.Zeros(Shape.Layers, count, Shape.HiddenSize, Shape.CriticLstm, Device);

    /// <summary>
    /// The recurrent part over a time-major batch: observations [L, S, obs], states for S sequences,
    /// episode starts [L, S] (1 resets the state before that step). Returns the actor's and the
    /// critic's latent [L·S, H] (row t·S + s) and the states after the last step.
    /// </summary>
    public (Tensor Pi, Tensor Vf, LstmStates Next) Recur(Tensor observations, LstmStates states, Tensor episodeStarts, Tensor[] w)
    {
        long rows = observations.shape[0] * observations.shape[1];
        var (piOut, piH, piC) = LstmUnroll.Run(observations, states.ActorH, states.ActorC, episodeStarts, Layers(_actorLstm, w));
        var pi = piOut.reshape(rows, Shape.HiddenSize);
        if (Shape.CriticLstm)
        {
            var (vfOut, vfH, vfC) = LstmUnroll.Run(observations, states.CriticH!, states.CriticC!, episodeStarts, Layers(_criticLstm, w));
            return (pi, vfOut.reshape(rows, Shape.HiddenSize), new LstmStates(piH, piC, vfH, vfC));
        }
        // shared_lstm: the critic reads the actor's features without backpropagating into the LSTM (sb3-contrib).
        var vf = Shape.SharedLstm ? pi.detach() : nn.functional.linear(observations.reshape(rows, ObservationSize), w[_criticW], w[_criticB]);
        return (pi, vf, new LstmStates(piH, piC, null, null));
    }

    static LstmLayerWeights[] Layers(List<int[]> indices, Tensor[] w) =>
        indices.Select(i => new LstmLayerWeights(w[i[0]], w[i[1]], w[i[2]], w[i[3]])).ToArray();

    /// <summary>The MLP trunks and heads on the latents: action-head output [B, k] and V [B].</summary>
    public (Tensor Head, Tensor Value) Output(Tensor pi, Tensor vf, Tensor[] w)
    {
        for (int i = 0; i < _piW.Length; i++) pi = _activation(nn.functional.linear(pi, w[_piW[i]], w[_piB[i]]));
        for (int i = 0; i < _vfW.Length; i++) vf = _activation(nn.functional.linear(vf, w[_vfW[i]], w[_vfB[i]]));
        return (nn.functional.linear(pi, w[_headW], w[_headB]), nn.functional.linear(vf, w[_valueW], w[_valueB]).view(-1));
    }

    /// <summary>The action distribution for a head output (log σ from the flat buffer; optional action mask).</summary>
    public IActionDistribution Distribution(Tensor head, Tensor[] w, Tensor? actionMask = null) =>
        Heads.Distribution(head, _logStd >= 0 ? w[_logStd] : null, actionMask);

    /// <inheritdoc />
    public void Dispose()
    {
        Parameters.Dispose();
        Heads.Dispose();
    }
}
