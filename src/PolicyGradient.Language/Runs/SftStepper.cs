using PolicyGradient.Language.Model;
using PolicyGradient.Language.Training;

namespace PolicyGradient.Language.Runs;

/// <summary>
/// SFT as a run stepper: loss, learning rate, gradient norm, and the step's answer tokens and answer tokens per
/// second. One definition of SFT tokens everywhere (progress.csv, TensorBoard, docs): the reference answer's tokens
/// plus its EOS, i.e. the tokens the loss is computed on; prompt tokens (BOS + prompt) are not counted.
/// </summary>
internal sealed class SftStepper(TransformerPolicy policy, SftTrainer trainer, SftOptions options) : ILanguageStepper
{
    public TransformerPolicy Policy => policy;
    public int StepsDone => trainer.StepsDone;
    /// <summary>The metric names of every SFT run (progress.csv columns).</summary>
    public static IReadOnlyList<string> Metrics { get; } = ["loss", "learning_rate", "grad_norm", "answer_tokens", "answer_tokens_per_second"];
    public IReadOnlyList<string> MetricNames => Metrics;
    public IReadOnlySet<string> Undefined { get; } = new HashSet<string>();

    public double[] Step()
    {
        double rate = LearningRateSchedule.At(options.LearningRate, trainer.StepsDone, options.Steps);
        var m = trainer.Step();
        return [m.Loss, rate, m.GradNorm, m.Tokens, m.Tokens / Math.Max(m.Seconds, 1e-9)];
    }

    public byte[] SaveState(string dir) => trainer.SaveState(dir).StreamState;
    public void LoadState(string dir, byte[] streamState, int step) => trainer.LoadState(dir, streamState, step);
}
