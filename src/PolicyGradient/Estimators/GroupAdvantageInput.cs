using static TorchSharp.torch;

namespace PolicyGradient.Estimators;

/// <summary>
/// What an outcome-reward advantage estimator sees (verl's <c>compute_*_outcome_advantage</c> inputs,
/// as plain tensors). Layout: a flat batch of B responses with a group id per response, like verl's
/// <c>index</c> (uid per prompt); groups may have different sizes (dynamic sampling drops groups,
/// invalid samples shrink them) and need not be contiguous.
/// </summary>
/// <param name="Scores">[B] one scalar outcome reward per response; NaN marks an invalid sample (a reward
/// function threw): it is left out of every statistic and its advantage is 0.</param>
/// <param name="GroupIds">[B] integer id of the prompt each response answers.</param>
/// <param name="ResponseMask">[B, L] 1 on response tokens that are trained on, 0 on padding; any dtype.</param>
/// <param name="BaselineScores">[B] reward of the greedy response to the same prompt (ReMax only).</param>
/// <param name="TokenRewards">[B, L] optional per-token rewards added to the outcome reward (e.g. −β·KL
/// when the KL penalty is placed in the reward); used by the token-level estimators (REINFORCE++, ReMax).</param>
public sealed record GroupAdvantageInput(
    Tensor Scores, Tensor GroupIds, Tensor ResponseMask, Tensor? BaselineScores = null, Tensor? TokenRewards = null);
