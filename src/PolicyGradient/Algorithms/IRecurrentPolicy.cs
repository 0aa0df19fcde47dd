namespace PolicyGradient.Algorithms;

/// <summary>
/// An algorithm whose policy has memory (recurrent PPO): <see cref="Core.IAlgorithm.Predict(ReadOnlySpan{float}, bool)"/>
/// carries a hidden state from call to call, so an evaluation calls <see cref="ResetState"/> when an
/// episode begins (as sb3-contrib's predict takes episode_start). Evaluation and <c>pg eval</c> do.
/// </summary>
public interface IRecurrentPolicy
{
    /// <summary>Forgets the prediction state: the next Predict acts as at the first step of an episode.</summary>
    void ResetState();
}
