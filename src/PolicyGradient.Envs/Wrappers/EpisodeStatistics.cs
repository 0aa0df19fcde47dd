namespace PolicyGradient.Environments.Wrappers;

/// <summary>
/// One finished episode, as <see cref="RecordEpisodeStatistics"/> reports it in
/// <c>info["episode"]</c> (Gymnasium's <c>r</c>, <c>l</c>, <c>t</c>).
/// </summary>
/// <param name="Return">Sum of the (wrapped env's) rewards, undiscounted.</param>
/// <param name="Length">Number of steps.</param>
/// <param name="Seconds">Wall-clock seconds from the reset to the last step.</param>
public sealed record EpisodeStatistics(double Return, int Length, double Seconds);
