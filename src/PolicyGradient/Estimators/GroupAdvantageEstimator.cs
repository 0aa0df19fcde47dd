using static TorchSharp.torch;

namespace PolicyGradient.Estimators;

/// <summary>
/// The uniform signature of an outcome-reward advantage estimator (verl's registered
/// <c>adv_estimator</c> functions): inputs in, token-level advantages [B, L] out (zero where the mask
/// is zero), computed without gradient. Options are bound when the estimator is created (see
/// <see cref="AdvantageEstimatorRegistry"/>).
/// </summary>
public delegate Tensor GroupAdvantageEstimator(GroupAdvantageInput input);
