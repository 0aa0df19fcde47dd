namespace PolicyGradient.Training;

/// <summary>The outcome of an evaluation.</summary>
/// <param name="MeanReturn">Mean episode return.</param>
/// <param name="StdReturn">Population standard deviation of the returns.</param>
/// <param name="Returns">Each episode's return.</param>
public sealed record EvaluationResult(double MeanReturn, double StdReturn, IReadOnlyList<double> Returns)
{
    /// <summary>For algorithms with a critic: mean Q(s, a) − discounted return obtained, over the evaluation's steps (reported as q_overestimation); null otherwise.</summary>
    public double? QOverestimation { get; init; }
}
