using System.Runtime.InteropServices;
using PolicyGradient.Buffers;
using PolicyGradient.Environments.Spaces;
using PolicyGradient.Environments.Vector;
using PolicyGradient.Environments.Wrappers;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms.OnPolicy;

/// <summary>
/// The environment half of one on-policy rollout step, shared by the feed-forward collector
/// (<see cref="OnPolicyCore"/>) and the recurrent one (RecurrentPpo): clip Box actions to the bounds for the
/// env while the buffer keeps the unclipped sample (SB3's collect_rollouts), step every copy, update the
/// running observation statistics, normalize the rewards (VecNormalize) and store the transition.
/// </summary>
internal sealed class RolloutEnvStep
{
    readonly IVectorEnv _env;
    readonly VecNormalization _normalization;
    readonly RolloutBuffer _buffer;
    readonly Box? _actionBox;
    readonly int _actionSize, _observationSize;
    readonly float[] _envActions, _rewards;

    /// <summary>A stepper for <paramref name="env"/> that stores into <paramref name="buffer"/>.</summary>
    public RolloutEnvStep(IVectorEnv env, VecNormalization normalization, RolloutBuffer buffer)
    {
        _env = env;
        _normalization = normalization;
        _buffer = buffer;
        _actionBox = env.SingleActionSpace as Box;
        _actionSize = env.SingleActionSpace.FlatSize;
        _observationSize = env.SingleObservationSpace.FlatSize;
        _envActions = new float[env.NumEnvs * _actionSize];
        _rewards = new float[env.NumEnvs];
    }

    /// <summary>
    /// Steps every copy with <paramref name="actions"/> (row-major, one row per copy) and stores the
    /// transition with the policy's <paramref name="logProbs"/> and <paramref name="values"/>; returns the
    /// number of env steps taken (one per copy).
    /// </summary>
    public int Take(float[] actions, float[] logProbs, float[] values)
    {
        int n = _env.NumEnvs;
        actions.CopyTo(_envActions, 0);
        if (_actionBox is not null)
            for (int i = 0; i < n; i++) _actionBox.Clip(_envActions.AsSpan(i * _actionSize, _actionSize));
        _env.Step(_envActions);
        _normalization.ObserveObservations(_env.Observations);
        _normalization.NormalizeRewards(_env.Rewards, _env.Terminated, _env.Truncated, _rewards);
        _buffer.Add(actions, logProbs, values, _rewards, _env.Terminated, _env.Truncated);
        return n;
    }

    /// <summary>
    /// The copies the last step cut by a time limit (truncated and not terminated), whose value must be
    /// bootstrapped from their final observation (Pardo et al. 2018), and those final observations,
    /// normalized, row-major. Empty when no copy was truncated.
    /// </summary>
    public (int[] Copies, float[] Rows) TruncatedFinalObservations()
    {
        bool[] term = _env.Terminated, trunc = _env.Truncated;
        int count = 0;
        for (int i = 0; i < term.Length; i++) if (trunc[i] && !term[i]) count++;
        if (count == 0) return ([], []);
        var rows = new float[count * _observationSize];
        var copies = new int[count];
        for (int i = 0, k = 0; i < term.Length; i++)
        {
            if (!trunc[i] || term[i]) continue;
            _normalization.NormalizeObservations(_env.FinalObservations.AsSpan(i * _observationSize, _observationSize),
                rows.AsSpan(k * _observationSize, _observationSize));
            copies[k++] = i;
        }
        return (copies, rows);
    }

    /// <summary>Copies a float tensor of any device, dtype or layout into <paramref name="destination"/>.</summary>
    public static void Read(Tensor t, float[] destination)
    {
        var c = t.device_type == DeviceType.CPU ? t : t.cpu();
        if (c.dtype != ScalarType.Float32) c = c.to_type(ScalarType.Float32);
        if (!c.is_contiguous()) c = c.contiguous();
        MemoryMarshal.Cast<byte, float>(c.bytes).CopyTo(destination);
    }
}
