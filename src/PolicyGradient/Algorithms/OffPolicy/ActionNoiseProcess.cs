using System.Runtime.InteropServices;
using PolicyGradient.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms.OffPolicy;

/// <summary>
/// Exploration noise for DDPG and TD3 (and optionally SAC), one process per env copy, added to the
/// policy's action in [−1, 1] before clipping (SB3's action_noise): "normal" draws σ·N(0, I) each step;
/// "ornstein-uhlenbeck" (Uhlenbeck and Ornstein 1930; DDPG's original choice) evolves
/// x ← x + θ(μ − x)·dt + σ·√dt·N(0, I) with μ = 0, θ = 0.15, dt = 0.01 (SB3's defaults), reset to 0
/// when the copy's episode ends. Draws come from the run's generator, and x is checkpointed.
/// </summary>
internal sealed class ActionNoiseProcess
{
    const double Theta = 0.15, Dt = 1e-2;
    readonly float[] _state;
    readonly int _actionSize;

    public ActionNoiseProcess(string kind, double sigma, int numEnvs, int actionSize)
    {
        Kind = kind;
        Sigma = sigma;
        _actionSize = actionSize;
        _state = new float[numEnvs * actionSize];
    }

    /// <summary>none, normal or ornstein-uhlenbeck.</summary>
    public string Kind { get; }

    /// <summary>σ.</summary>
    public double Sigma { get; }

    /// <summary>Whether any noise is added.</summary>
    public bool Active => Kind != "none";

    /// <summary>actions ← clip(actions + noise, −1, 1) for all copies, advancing each process one step.</summary>
    public void Apply(Span<float> actions, torch.Generator generator)
    {
        if (!Active) return;
        using var scope = torch.NewDisposeScope();
        var normal = torch.randn([_state.Length], generator: generator);
        ReadOnlySpan<float> z = MemoryMarshal.Cast<byte, float>(normal.bytes);
        for (int i = 0; i < _state.Length; i++)
        {
            double noise = Kind == "normal"
                ? Sigma * z[i]
                : _state[i] + Theta * (0 - _state[i]) * Dt + Sigma * Math.Sqrt(Dt) * z[i];
            if (Kind != "normal") _state[i] = (float)noise;
            actions[i] = (float)Math.Clamp(actions[i] + noise, -1.0, 1.0);
        }
    }

    /// <summary>Resets copy <paramref name="env"/>'s process (an episode ended).</summary>
    public void Reset(int env) => Array.Clear(_state, env * _actionSize, _actionSize);

    /// <summary>Stores the processes' state as "noise.state".</summary>
    public void Capture(TrainingState state) => state.Tensors["noise.state"] = torch.tensor(_state.ToArray());

    /// <summary>Restores what <see cref="Capture"/> stored (absent: zeros).</summary>
    public void Restore(TrainingState state)
    {
        Array.Clear(_state);
        if (state.Tensors.TryGetValue("noise.state", out var saved) && saved.numel() == _state.Length)
            MemoryMarshal.Cast<byte, float>(saved.contiguous().cpu().bytes).CopyTo(_state);
    }
}
