namespace PolicyGradient.Language.Tasks;

/// <summary>
/// Evaluates and combines reward functions. An exception inside a reward function makes the sample
/// invalid: its score is NaN, which the advantage estimators (PolicyGradient.Estimators) leave out
/// of every statistic and give advantage 0 — the run goes on and counts invalid samples.
/// </summary>
public static class RewardEvaluation
{
    /// <summary>The outcome of scoring one completion.</summary>
    /// <param name="Score">The reward, NaN when invalid.</param>
    /// <param name="Error">Why the sample is invalid (the exception's message), else null.</param>
    public readonly record struct Result(float Score, string? Error)
    {
        /// <summary>Whether the reward could be computed.</summary>
        public bool IsValid => Error is null;
    }

    /// <summary>Runs <paramref name="reward"/>; an exception or a non-finite value gives an invalid result.</summary>
    public static Result Evaluate(RewardFunction reward, string prompt, string completion, TaskSample sample)
    {
        try
        {
            float r = reward(prompt, completion, sample);
            return float.IsFinite(r) ? new Result(r, null) : new Result(float.NaN, $"reward returned {r}");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new Result(float.NaN, $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Σ_k w_k · r_k(prompt, completion, sample); if any term throws, the whole sum throws (the sample is invalid).</summary>
    public static RewardFunction Combine(params (RewardFunction Reward, double Weight)[] terms)
    {
        if (terms.Length == 0) throw new ArgumentException("Combine needs at least one reward function");
        foreach (var (f, w) in terms)
        {
            ArgumentNullException.ThrowIfNull(f);
            if (!double.IsFinite(w)) throw new ArgumentException($"reward weight {w} is not finite");
        }
        return (prompt, completion, sample) =>
        {
            double total = 0;
            foreach (var (f, w) in terms) total += w * f(prompt, completion, sample);
            return (float)total;
        };
    }
}
