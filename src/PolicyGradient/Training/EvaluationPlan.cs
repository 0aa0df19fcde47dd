namespace PolicyGradient.Training;

/// <summary>A run's periodic evaluation.</summary>
/// <param name="Create">Builds the evaluation (owned by the callback, disposed at the end).</param>
/// <param name="Every">Progress between evaluations (≤ 0: none by period).</param>
/// <param name="CsvFile">File name of the evaluations CSV in the run folder, or null for none.</param>
/// <param name="AtEnd">Also evaluate after the last update.</param>
/// <param name="Aligned">At multiples of <paramref name="Every"/> rather than <paramref name="Every"/> after the previous one.</param>
public sealed record EvaluationPlan(Func<IPolicyEvaluation> Create, long Every, string? CsvFile, bool AtEnd, bool Aligned);
