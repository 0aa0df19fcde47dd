namespace PolicyGradient.Language.Training;

/// <summary>
/// What one group-trainer update measured. Reward statistics, accuracy and the zero-variance fraction
/// cover every sampled response of the step (all generation batches under dynamic sampling); the
/// training statistics (entropy, KL, clip fractions) are token-weighted means over every
/// forward pass of the update (epochs × mini-batches × micro-batches).
/// </summary>
/// <param name="Step">Update index (0-based).</param>
/// <param name="RewardMean">Mean reward of the valid samples (overlong shaping included).</param>
/// <param name="RewardStd">Std of the valid rewards.</param>
/// <param name="Accuracy">Fraction of samples the verifier accepts.</param>
/// <param name="ZeroStdGroupFraction">Fraction of groups whose rewards are all equal (no learning signal).</param>
/// <param name="ResponseLength">Mean response length in tokens (EOS included) of the trained batch.</param>
/// <param name="Entropy">Mean token entropy of the policy on the responses.</param>
/// <param name="ClipFraction">Fraction of tokens where a clip bound the loss (either side or the dual clip).</param>
/// <param name="Kl">Mean KL estimate (the chosen estimator) to the reference (0 without one).</param>
/// <param name="GradNorm">Policy gradient norm before clipping, averaged over the optimizer steps.</param>
/// <param name="Loss">Policy loss (with the KL and entropy terms), averaged over the optimizer steps.</param>
/// <param name="InvalidSamples">Samples whose reward threw.</param>
/// <param name="GenerationSeconds">Wall time of sampling (greedy baselines included).</param>
/// <param name="TrainingSeconds">Wall time of the update.</param>
/// <param name="GeneratedTokens">Tokens of the trained responses (masked ones excluded).</param>
public sealed record GroupStepMetrics(int Step, double RewardMean, double RewardStd, double Accuracy, double ZeroStdGroupFraction,
    double ResponseLength, double Entropy, double ClipFraction, double Kl, double GradNorm, double Loss, int InvalidSamples,
    double GenerationSeconds, double TrainingSeconds, long GeneratedTokens)
{
    /// <summary>Fraction of tokens clipped on the low side (A &lt; 0, r &lt; 1 − ε_low).</summary>
    public double ClipFractionLow { get; init; }
    /// <summary>Fraction of tokens clipped on the high side (A &gt; 0, r &gt; 1 + ε_high).</summary>
    public double ClipFractionHigh { get; init; }
    /// <summary>Fraction of tokens where the dual clip capped the loss (A &lt; 0, r &gt; c).</summary>
    public double DualClipFraction { get; init; }
    /// <summary>Sampled tokens per second of generation (all generation batches).</summary>
    public double GenerationTokensPerSecond { get; init; }
    /// <summary>Trained tokens per second of the update (tokens × epochs / training time).</summary>
    public double TrainingTokensPerSecond { get; init; }
    /// <summary>Generation batches used this step (1 without dynamic sampling).</summary>
    public int GenerationBatches { get; init; } = 1;
    /// <summary>Critic loss averaged over the optimizer steps (ppo-lm; NaN without a critic).</summary>
    public double ValueLoss { get; init; } = double.NaN;
    /// <summary>Explained variance of the rollout values for the GAE returns (ppo-lm; NaN without a critic).</summary>
    public double ExplainedVariance { get; init; } = double.NaN;
    /// <summary>KL coefficient β used this step (changes when the adaptive controller is on).</summary>
    public double KlCoefficient { get; init; }
    /// <summary>Fraction of valid tokens the policy loss trained on (below 1 with the high-entropy token mask).</summary>
    public double TrainedTokenFraction { get; init; } = 1.0;
}
