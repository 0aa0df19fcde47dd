namespace PolicyGradient.Language.Runs;

/// <summary>What a run reports after each step (for progress bars and logs).</summary>
/// <param name="Step">Steps done (1-based).</param>
/// <param name="TotalSteps">Steps of the run.</param>
/// <param name="Names">Metric names (progress.csv columns).</param>
/// <param name="Values">Metric values, in <paramref name="Names"/> order.</param>
/// <param name="HeldOutAccuracy">Held-out greedy accuracy when this step evaluated, else null.</param>
/// <param name="WallSeconds">Seconds since the run started (resumes included).</param>
public sealed record LanguageStepRecord(int Step, int TotalSteps, IReadOnlyList<string> Names, IReadOnlyList<double> Values, double? HeldOutAccuracy, double WallSeconds)
{
    /// <summary>The value of metric <paramref name="name"/>, or NaN when the run has no such metric.</summary>
    public double Get(string name)
    {
        for (int i = 0; i < Names.Count; i++) if (Names[i] == name) return Values[i];
        return double.NaN;
    }
}
