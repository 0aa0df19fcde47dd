namespace PolicyGradient.Estimators;

/// <summary>
/// What a group-baseline estimator does with a group that has a single (valid) response, where no
/// baseline can be estimated from the other members.
/// </summary>
public enum SingletonGroupPolicy
{
    /// <summary>
    /// verl's choice (grpo, rloo, opo, gpg, reinforce_plus_plus_baseline): baseline 0 and scale 1, so
    /// the advantage is the raw score (GRPO: score / (1 + ε)).
    /// </summary>
    RawScore,
    /// <summary>Advantage 0: the sample carries no learning signal (TRL; verl's rloo_vectorized).</summary>
    Zero,
}
