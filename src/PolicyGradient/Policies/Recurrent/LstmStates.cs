using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Policies.Recurrent;

/// <summary>
/// The recurrent state of a <see cref="RecurrentActorCritic"/> for S sequences (or env copies): the
/// actor LSTM's (h, c) and, when the critic has its own LSTM, the critic's (h, c), each
/// [layers, S, hidden] as torch.nn.LSTM lays them out. Immutable: every step makes new tensors.
/// </summary>
public sealed record LstmStates(Tensor ActorH, Tensor ActorC, Tensor? CriticH, Tensor? CriticC)
{
    /// <summary>Number of sequences (the batch dimension).</summary>
    public long Count => ActorH.shape[1];

    /// <summary>Zero states (the state at an episode start) for <paramref name="count"/> sequences.</summary>
    public static LstmStates Zeros(int layers, long count, int hidden, bool criticLstm, Device device) => new(
        torch.zeros(layers, count, hidden, device: device), torch.zeros(layers, count, hidden, device: device),
        criticLstm ? torch.zeros(layers, count, hidden, device: device) : null,
        criticLstm ? torch.zeros(layers, count, hidden, device: device) : null);

    /// <summary>The states of the sequences <paramref name="index"/> (a long tensor of positions along S).</summary>
    public LstmStates Select(Tensor index) => new(
        ActorH.index_select(1, index), ActorC.index_select(1, index),
        CriticH?.index_select(1, index), CriticC?.index_select(1, index));

    /// <summary>The four (or two) tensors in a fixed order: actor h, actor c[, critic h, critic c].</summary>
    public Tensor[] Parts() => CriticH is null ? [ActorH, ActorC] : [ActorH, ActorC, CriticH, CriticC!];

    /// <summary>States from <see cref="Parts"/>' order.</summary>
    public static LstmStates FromParts(IReadOnlyList<Tensor> parts) =>
        parts.Count == 2 ? new(parts[0], parts[1], null, null) : new(parts[0], parts[1], parts[2], parts[3]);

    /// <summary>Detached copies outside any dispose scope (the caller owns them; see <see cref="DisposeAll"/>).</summary>
    public LstmStates Keep() => FromParts(Parts().Select(t => t.detach().clone().DetachFromDisposeScope()).ToArray());

    /// <summary>Disposes the tensors.</summary>
    public void DisposeAll()
    {
        foreach (var t in Parts()) t.Dispose();
    }
}
