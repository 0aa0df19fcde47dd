namespace PolicyGradient.Algorithms.OnPolicy;

/// <summary>
/// What one PPO update reports, whichever backend ran it: per-minibatch diagnostics summed
/// (policy loss, value loss, entropy, approx-KL, clip fraction, grad norm, in that order), the
/// number of minibatch steps and epochs, and the epoch where the target-KL early stop fired.
/// </summary>
internal sealed record PpoUpdateStatistics(double[] Sums, int Minibatches, int Epochs, int? EarlyStopEpoch);
