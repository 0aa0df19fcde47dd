namespace PolicyGradient.Language.Training;

/// <summary>What one group-trainer update measured.</summary>
/// <param name="Step">Update index (0-based).</param>
/// <param name="RewardMean">Mean reward of the valid samples.</param>
/// <param name="RewardStd">Std of the valid rewards.</param>
/// <param name="Accuracy">Fraction of samples the verifier accepts.</param>
/// <param name="ZeroStdGroupFraction">Fraction of groups whose rewards are all equal (no learning signal).</param>
/// <param name="ResponseLength">Mean response length in tokens (EOS included).</param>
/// <param name="Entropy">Mean token entropy of the policy on the responses.</param>
/// <param name="ClipFraction">Fraction of tokens where the clip was active.</param>
/// <param name="Kl">Mean k3 KL to the reference (0 without one).</param>
/// <param name="GradNorm">Gradient norm before clipping (last epoch).</param>
/// <param name="Loss">Loss of the last epoch.</param>
/// <param name="InvalidSamples">Samples whose reward threw.</param>
/// <param name="GenerationSeconds">Wall time of sampling.</param>
/// <param name="TrainingSeconds">Wall time of the update.</param>
/// <param name="GeneratedTokens">Tokens generated (masked ones excluded).</param>
public sealed record GroupStepMetrics(int Step, double RewardMean, double RewardStd, double Accuracy, double ZeroStdGroupFraction,
    double ResponseLength, double Entropy, double ClipFraction, double Kl, double GradNorm, double Loss, int InvalidSamples,
    double GenerationSeconds, double TrainingSeconds, long GeneratedTokens);
