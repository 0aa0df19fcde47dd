using PolicyGradient.Policies.Recurrent;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms.OnPolicy.Recurrent;

/// <summary>
/// What a recurrent rollout stores beside the <see cref="Buffers.RolloutBuffer"/>: for every step t
/// and copy n the LSTM state the policy acted from (before the episode-start reset, as sb3-contrib's
/// RecurrentRolloutBuffer keeps it) and whether an episode started there. Row t·N + n, like the
/// buffer's own flattening.
/// </summary>
internal sealed class RecurrentRolloutStates : IDisposable
{
    readonly Tensor[] _states; // per state tensor (actor h, actor c[, critic h, critic c]): [T·N, layers, H]

    public RecurrentRolloutStates(int numSteps, int numEnvs, int layers, int hidden, int stateTensors, Device device)
    {
        (NumSteps, NumEnvs) = (numSteps, numEnvs);
        _states = Enumerable.Range(0, stateTensors).Select(_ => torch.zeros(numSteps * numEnvs, layers, hidden, device: device).DetachFromDisposeScope()).ToArray();
        EpisodeStarts = new bool[numSteps * numEnvs];
    }

    public int NumSteps { get; }
    public int NumEnvs { get; }

    /// <summary>[T·N]: true where step t of copy n is the first of an episode.</summary>
    public bool[] EpisodeStarts { get; }

    /// <summary>Records step <paramref name="t"/>'s states [layers, N, H] and episode starts [N].</summary>
    public void Store(int t, LstmStates states, ReadOnlySpan<bool> starts)
    {
        using var scope = torch.NewDisposeScope();
        var parts = states.Parts();
        for (int i = 0; i < _states.Length; i++)
            _states[i].narrow(0, (long)t * NumEnvs, NumEnvs).copy_(parts[i].permute(1, 0, 2));
        starts[..NumEnvs].CopyTo(EpisodeStarts.AsSpan(t * NumEnvs, NumEnvs));
    }

    /// <summary>The stored states of the buffer rows <paramref name="rows"/>, as [layers, rows, H] initial states.</summary>
    public LstmStates Initial(Tensor rows) =>
        LstmStates.FromParts(_states.Select(s => s.index_select(0, rows).permute(1, 0, 2).contiguous()).ToArray());

    public void Dispose()
    {
        foreach (var s in _states) s.Dispose();
    }
}
