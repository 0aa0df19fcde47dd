using static TorchSharp.torch;

namespace PolicyGradient.Estimators;

/// <summary>
/// V-trace off-policy targets and policy-gradient advantages (Espeholt et al. 2018, "IMPALA: Scalable
/// Distributed Deep-RL with Importance Weighted Actor-Learner Architectures", §4.1), for data collected
/// by a behaviour policy μ (an older policy version on a rollout worker) and learned by the target
/// policy π. With ρ_t = min(ρ̄, π(a_t|s_t)/μ(a_t|s_t)) and c_t = λ·min(c̄, π/μ):
/// <code>
/// δ_t = ρ_t (r_t + γ (1 − term_t) V'_t − V_t)
/// v_t − V_t = δ_t + γ c_t (1 − done_t) (v_{t+1} − V_{t+1})          (the V-trace target v_t, Eq. 1 in recursive form)
/// A_t = ρ^pg_t (r_t + γ (1 − term_t) v'_t − V_t),  ρ^pg_t = min(ρ̄_pg, π/μ)   (the actor's advantage, §4.2)
/// </code>
/// where V'_t is the value of step t's true next state and v'_t its V-trace target: v_{t+1} inside an
/// episode, V'_t where step t ended its episode (a truncation bootstraps from the final observation's
/// value, as in <see cref="GeneralizedAdvantageEstimation"/>) or where the rollout ends. On-policy data
/// (π = μ) with ρ̄ = c̄ = 1 gives exactly GAE(λ): v_t are the λ-returns and A_t = r_t + γ v'_t − V_t, the
/// one-step advantage towards them (tested). Inputs are [T, N] time-major; log-probabilities are of
/// the taken actions; everything is treated as a constant (the targets carry no gradient).
/// </summary>
public static class VTrace
{
    /// <summary>V-trace targets v_t (the critic's regression targets) and policy-gradient advantages A_t, both [T, N].</summary>
    /// <param name="rewards">r_t [T, N].</param>
    /// <param name="values">V(s_t) under the learner's critic [T, N].</param>
    /// <param name="nextValues">V of step t's true next state [T, N] (final observation after a truncation).</param>
    /// <param name="terminated">1 where step t terminated (no bootstrap).</param>
    /// <param name="dones">1 where step t ended its episode (terminated or truncated).</param>
    /// <param name="behaviourLogProbs">log μ(a_t|s_t), recorded by the worker that acted.</param>
    /// <param name="targetLogProbs">log π(a_t|s_t) under the learner's current policy.</param>
    /// <param name="gamma">Discount γ.</param>
    /// <param name="rhoBar">ρ̄, the truncation of the importance weight in δ_t (IMPALA: 1).</param>
    /// <param name="cBar">c̄, the truncation of the trace coefficients (IMPALA: 1).</param>
    /// <param name="lambda">λ multiplying the traces (IMPALA §4.2's variant; 1 in the paper's experiments).</param>
    /// <param name="pgRhoBar">ρ̄_pg, the truncation of the weight on the actor's advantage (default: <paramref name="rhoBar"/>).</param>
    public static (Tensor Targets, Tensor Advantages) Compute(
        Tensor rewards, Tensor values, Tensor nextValues, Tensor terminated, Tensor dones,
        Tensor behaviourLogProbs, Tensor targetLogProbs, double gamma,
        double rhoBar = 1.0, double cBar = 1.0, double lambda = 1.0, double? pgRhoBar = null)
    {
        var (t, n) = TimeMajor.Shape(rewards, nameof(rewards));
        foreach (var (x, name) in new[] { (values, nameof(values)), (nextValues, nameof(nextValues)), (terminated, nameof(terminated)),
                     (dones, nameof(dones)), (behaviourLogProbs, nameof(behaviourLogProbs)), (targetLogProbs, nameof(targetLogProbs)) })
            TimeMajor.Require(x, t, n, name);
        var targets = new float[t * n];
        var advantages = new float[t * n];
        Compute(TimeMajor.ToArray(rewards), TimeMajor.ToArray(values), TimeMajor.ToArray(nextValues), TimeMajor.ToArray(terminated),
            TimeMajor.ToArray(dones), TimeMajor.ToArray(behaviourLogProbs), TimeMajor.ToArray(targetLogProbs), n,
            gamma, rhoBar, cBar, lambda, pgRhoBar ?? rhoBar, targets, advantages);
        return (TimeMajor.FromArray(targets, t, n, rewards), TimeMajor.FromArray(advantages, t, n, rewards));
    }

    /// <summary>The same on time-major [T, N] row-major spans (flags 0/1), accumulating in double.</summary>
    public static void Compute(ReadOnlySpan<float> rewards, ReadOnlySpan<float> values, ReadOnlySpan<float> nextValues,
        ReadOnlySpan<float> terminated, ReadOnlySpan<float> dones, ReadOnlySpan<float> behaviourLogProbs, ReadOnlySpan<float> targetLogProbs,
        int numEnvs, double gamma, double rhoBar, double cBar, double lambda, double pgRhoBar,
        Span<float> targets, Span<float> advantages)
    {
        if (!(rhoBar > 0) || !(cBar > 0) || !(pgRhoBar > 0))
            throw new ArgumentOutOfRangeException(nameof(rhoBar), $"V-trace truncation levels must be > 0 (rho_bar {rhoBar}, c_bar {cBar}, pg_rho_bar {pgRhoBar}); IMPALA uses 1");
        if (!(lambda >= 0 && lambda <= 1)) throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "lambda must lie in [0, 1]");
        int steps = rewards.Length / numEnvs;
        for (int j = 0; j < numEnvs; j++)
        {
            double correction = 0;      // v_{t+1} − V_{t+1}, carried backwards
            double nextTarget = 0;      // v_{t+1}
            for (int i = steps - 1; i >= 0; i--)
            {
                int k = i * numEnvs + j;
                double ratio = Math.Exp((double)targetLogProbs[k] - behaviourLogProbs[k]);
                double rho = Math.Min(rhoBar, ratio), c = lambda * Math.Min(cBar, ratio), rhoPg = Math.Min(pgRhoBar, ratio);
                bool boundary = dones[k] != 0 || i == steps - 1;   // the next row is another episode, or there is none
                double bootstrap = gamma * (1.0 - terminated[k]);
                double delta = rho * (rewards[k] + bootstrap * nextValues[k] - values[k]);
                correction = delta + (boundary ? 0 : gamma * c * correction);
                double target = values[k] + correction;
                double nextV = boundary ? nextValues[k] : nextTarget;
                advantages[k] = (float)(rhoPg * (rewards[k] + bootstrap * nextV - values[k]));
                targets[k] = (float)target;
                nextTarget = target;
            }
        }
    }
}
