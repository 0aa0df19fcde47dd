namespace PolicyGradient.Language.Training;

/// <summary>What one supervised fine-tuning step measured.</summary>
/// <param name="Step">Step index (0-based).</param>
/// <param name="Loss">Mean cross-entropy per completion token (EOS included).</param>
/// <param name="GradNorm">Gradient norm before clipping.</param>
/// <param name="Tokens">Answer tokens trained on: the reference answers plus EOS (prompt tokens excluded); progress.csv `answer_tokens`.</param>
/// <param name="Seconds">Wall time of the step.</param>
public sealed record SftStepMetrics(int Step, double Loss, double GradNorm, long Tokens, double Seconds);
