namespace PolicyGradient.Language.Runs;

/// <summary>Held-out (or training-split) evaluation of a language policy.</summary>
/// <param name="Accuracy">Greedy exact-match accuracy (the task's verifier).</param>
/// <param name="PassAtK">Unbiased pass@k over k sampled completions per problem, or null when no sampling was asked for.</param>
/// <param name="K">Samples per problem, or null.</param>
/// <param name="Problems">Problems evaluated.</param>
public sealed record LanguageEvalResult(double Accuracy, double? PassAtK, int? K, int Problems);
