namespace PolicyGradient.Language.Tasks;

/// <summary>
/// A reward for one completion: plain C# (a verifier, a format check, a length penalty, a call to a
/// model). Throwing marks that sample invalid (see <see cref="RewardEvaluation"/>); it does not stop training.
/// </summary>
public delegate float RewardFunction(string prompt, string completion, TaskSample sample);
