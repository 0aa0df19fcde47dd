using static TorchSharp.torch;

namespace PolicyGradient.Estimators;

/// <summary>
/// The signature of an advantage estimator that bootstraps from a learned critic (token-level GAE, PPO
/// for language models): the outcome inputs plus the critic's values V_t [B, L] and the discount γ and
/// λ of the run; returns token advantages and the critic's regression targets (returns), both [B, L],
/// computed without gradient. Registering one in <see cref="AdvantageEstimatorRegistry"/> makes the
/// group trainer build and train a critic.
/// </summary>
public delegate (Tensor Advantages, Tensor Returns) CriticAdvantageEstimator(GroupAdvantageInput input, Tensor values, double gamma, double lambda);
