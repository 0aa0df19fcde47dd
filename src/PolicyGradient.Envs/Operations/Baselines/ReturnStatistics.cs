namespace PolicyGradient.Environments.Operations.Baselines;

/// <summary>Episode-return statistics of a policy evaluated on an env.</summary>
/// <param name="Mean">Mean episode return.</param>
/// <param name="Std">Sample standard deviation of the episode returns (0 for one episode).</param>
/// <param name="Episodes">Number of episodes.</param>
/// <param name="MeanEpisodeLength">Mean steps per episode.</param>
public readonly record struct ReturnStatistics(double Mean, double Std, int Episodes, double MeanEpisodeLength);
