namespace PolicyGradient.Core;

/// <summary>
/// A training algorithm bound to its environment(s), policy and optimizer. <see cref="Learn"/>
/// collects experience and updates (the update readable top to bottom in the algorithm's file; the
/// on-policy algorithms share the collect-then-update loop) and reports to callbacks;
/// the run layer (<c>Training/</c>) adds the run folder, logging and checkpoints through them. As an
/// <see cref="ILearner"/> its progress counts environment timesteps.
/// </summary>
public interface IAlgorithm : ILearner
{
    /// <summary>Environment steps taken so far (summed over vectorised copies).</summary>
    long NumTimesteps { get; }

    /// <summary>
    /// Trains until <see cref="NumTimesteps"/> reaches <paramref name="totalTimesteps"/> (counted from
    /// zero, so calling it again after a restore continues the same schedule) or a callback stops it.
    /// </summary>
    void Learn(long totalTimesteps, ITrainingCallback? callback = null);

    /// <inheritdoc />
    long ILearner.Progress => NumTimesteps;

    /// <inheritdoc />
    string ILearner.ProgressUnit => "timesteps";

    /// <inheritdoc />
    void ILearner.Learn(long total, IRunCallback? callback) => Learn(total, RunCallbackAdapter.For(callback));

    /// <summary>
    /// The action for one raw environment observation: applies the observation normalization the
    /// algorithm trained with (frozen) and returns an action valid for the env (clipped to a Box).
    /// </summary>
    float[] Predict(ReadOnlySpan<float> observation, bool deterministic = true);

    /// <summary>
    /// Actions for <paramref name="batch"/> raw observations at once: <paramref name="observations"/> is
    /// row-major with shape [batch, observation size] (the env's flat observation size), the result is
    /// row-major [batch, action size] (for Discrete spaces one value per row, the action index). The
    /// library's algorithms do this in one forward pass; the default calls the single-observation
    /// overload row by row.
    /// </summary>
    /// <exception cref="ArgumentException">The length is not batch × observation size; the message names the expected shape.</exception>
    float[] Predict(ReadOnlySpan<float> observations, int batch, bool deterministic = true)
    {
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "the batch must hold at least one observation");
        if (observations.Length % batch != 0)
            throw new ArgumentException($"observations has {observations.Length} values, which is not a whole number of rows for a batch of {batch} (expected shape [{batch}, observation size], row-major)", nameof(observations));
        int size = observations.Length / batch;
        float[]? result = null;
        for (int i = 0; i < batch; i++)
        {
            float[] action = Predict(observations.Slice(i * size, size), deterministic);
            result ??= new float[batch * action.Length];
            action.CopyTo(result, i * action.Length);
        }
        return result!;
    }
}
