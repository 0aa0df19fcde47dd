using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Estimators;

/// <summary>
/// Generalized Advantage Estimation (Schulman et al. 2016, "High-Dimensional Continuous Control Using
/// Generalized Advantage Estimation"), with terminations and truncations told apart (Pardo et al.
/// 2018, "Time Limits in Reinforcement Learning"):
/// δ_t = r_t + γ (1 − term_t) V'_t − V_t;  A_t = δ_t + γλ (1 − done_t) A_{t+1};  R_t = A_t + V_t.
/// V'_t is the value of the true next state of step t (for a truncated step, the final observation's
/// value — not the reset observation's); term_t = 1 zeroes the bootstrap; done_t = term_t or trunc_t
/// cuts the λ-recursion at the episode boundary. λ = 1 gives Monte-Carlo returns minus V; λ = 0 the
/// one-step TD error.
/// </summary>
public static class GeneralizedAdvantageEstimation
{
    /// <summary>
    /// Advantages and λ-returns, both [T, N] (time-major). All inputs are [T, N]; flags are 0/1 of any
    /// dtype. SB3 passes V'_t = V(s_{t+1}) from the next row and folds truncation into the reward
    /// (r += γ V(final obs)); this signature takes V'_t directly, which is the same quantity.
    /// </summary>
    public static (Tensor Advantages, Tensor Returns) Compute(
        Tensor rewards, Tensor values, Tensor nextValues, Tensor terminated, Tensor dones, double gamma, double lambda)
    {
        var (t, n) = TimeMajor.Shape(rewards, nameof(rewards));
        TimeMajor.Require(values, t, n, nameof(values));
        TimeMajor.Require(nextValues, t, n, nameof(nextValues));
        TimeMajor.Require(terminated, t, n, nameof(terminated));
        TimeMajor.Require(dones, t, n, nameof(dones));
        var r = TimeMajor.ToArray(rewards);
        var v = TimeMajor.ToArray(values);
        var nv = TimeMajor.ToArray(nextValues);
        var term = TimeMajor.ToArray(terminated);
        var done = TimeMajor.ToArray(dones);
        var adv = new float[t * n];
        var ret = new float[t * n];
        Compute(r, v, nv, term, done, n, gamma, lambda, adv, ret);
        return (TimeMajor.FromArray(adv, t, n, rewards), TimeMajor.FromArray(ret, t, n, rewards));
    }

    /// <summary>
    /// The same recursion on time-major [T, N] row-major spans (flags 0/1), writing advantages and
    /// λ-returns into <paramref name="advantages"/> and <paramref name="returns"/>; accumulates in double.
    /// </summary>
    public static void Compute(ReadOnlySpan<float> rewards, ReadOnlySpan<float> values, ReadOnlySpan<float> nextValues,
        ReadOnlySpan<float> terminated, ReadOnlySpan<float> dones, int numEnvs, double gamma, double lambda,
        Span<float> advantages, Span<float> returns)
    {
        int t = rewards.Length / numEnvs;
        for (int j = 0; j < numEnvs; j++)
        {
            double next = 0;
            for (int i = t - 1; i >= 0; i--)
            {
                int k = i * numEnvs + j;
                double delta = rewards[k] + gamma * (1.0 - terminated[k]) * nextValues[k] - values[k];
                next = delta + gamma * lambda * (1.0 - dones[k]) * next;
                advantages[k] = (float)next;
                returns[k] = (float)(next + values[k]);
            }
        }
    }
}
