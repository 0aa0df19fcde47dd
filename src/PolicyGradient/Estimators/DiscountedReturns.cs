using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Estimators;

/// <summary>
/// Monte-Carlo reward-to-go (REINFORCE, Williams 1992; Sutton and Barto 2018 §13.3):
/// G_t = r_t + γ (1 − d_t) G_{t+1}, with G_T = bootstrap (0 when not given), over a time-major
/// [T, N] rollout of N environments. d_t = 1 means the episode ended at step t, so the sum restarts.
/// </summary>
public static class DiscountedReturns
{
    /// <summary>
    /// Reward-to-go [T, N] (dtype and device of <paramref name="rewards"/>). <paramref name="dones"/>
    /// is [T, N] (0/1, any dtype); <paramref name="bootstrapValue"/> [N] is the value of the state
    /// after the last step (used only where the last step is not done).
    /// </summary>
    public static Tensor Compute(Tensor rewards, Tensor dones, double gamma, Tensor? bootstrapValue = null)
    {
        var (t, n) = TimeMajor.Shape(rewards, nameof(rewards));
        TimeMajor.Require(dones, t, n, nameof(dones));
        var r = TimeMajor.ToArray(rewards);
        var d = TimeMajor.ToArray(dones);
        var next = bootstrapValue is null ? new float[n] : TimeMajor.ToArray(bootstrapValue);
        if (next.Length != n) throw new ArgumentException($"bootstrapValue must have {n} elements, got {next.Length}", nameof(bootstrapValue));
        var g = new float[t * n];
        for (int j = 0; j < n; j++)
        {
            double acc = next[j];
            for (int i = t - 1; i >= 0; i--)
            {
                int k = i * n + j;
                acc = r[k] + gamma * (1.0 - d[k]) * acc;
                g[k] = (float)acc;
            }
        }
        return TimeMajor.FromArray(g, t, n, rewards);
    }
}
