using PolicyGradient.Core;

namespace PolicyGradient.Algorithms.OffPolicy;

/// <summary>
/// Means of the gradient steps' metrics over a logging interval (each quantity over the steps that
/// report it: the actor loss only over TD3's delayed steps), written as train/actor_loss, critic_loss,
/// mean_q, entropy, ent_coef and ent_coef_loss (SB3's names).
/// </summary>
internal sealed class OffPolicyMetrics
{
    static readonly string[] Keys = ["critic_loss", "actor_loss", "mean_q", "entropy", "ent_coef", "ent_coef_loss"];
    readonly double[] _sums = new double[Keys.Length];
    readonly int[] _counts = new int[Keys.Length];

    /// <summary>Adds one step's values (NaN entries that the step does not report are skipped by count, not by value).</summary>
    public void Add(OffPolicyStepMetrics m, bool isTd3)
    {
        double[] values = [m.CriticLoss, m.ActorLoss, m.MeanQ, m.Entropy, m.Alpha, m.AlphaLoss];
        for (int i = 0; i < values.Length; i++)
        {
            // TD3 reports NaN for the actor loss on non-delayed steps and for SAC's quantities: those mean "not updated".
            bool absent = double.IsNaN(values[i]) && (i >= 3 || (i == 1 && isTd3));
            if (absent) continue;
            _sums[i] += values[i];
            _counts[i]++;
        }
    }

    /// <summary>Writes the means into <paramref name="metrics"/> and starts a new interval.</summary>
    public void Report(UpdateMetrics metrics)
    {
        for (int i = 0; i < Keys.Length; i++)
        {
            if (_counts[i] > 0) metrics.Values[Keys[i]] = _sums[i] / _counts[i];
            _sums[i] = 0;
            _counts[i] = 0;
        }
    }
}
