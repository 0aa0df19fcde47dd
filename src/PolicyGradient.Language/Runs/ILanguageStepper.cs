using PolicyGradient.Language.Model;
using PolicyGradient.Language.Training;

namespace PolicyGradient.Language.Runs;

/// <summary>One trainer behind a run (SFT or the group trainer), seen by the run loop: a step gives named metrics; the state saves and restores.</summary>
internal interface ILanguageStepper
{
    /// <summary>The policy being trained.</summary>
    TransformerPolicy Policy { get; }

    /// <summary>Steps done so far.</summary>
    int StepsDone { get; }

    /// <summary>Metric names in column order (fixed for the run).</summary>
    IReadOnlyList<string> MetricNames { get; }

    /// <summary>One step; values in <see cref="MetricNames"/> order.</summary>
    double[] Step();

    /// <summary>Writes state files into a checkpoint folder; returns the problem stream's state (env-state.bin).</summary>
    byte[] SaveState(string dir);

    /// <summary>Restores from a checkpoint folder.</summary>
    void LoadState(string dir, byte[] streamState, int step);
}

/// <summary>SFT as a run stepper: loss, learning rate, gradient norm, completion tokens per second.</summary>
internal sealed class SftStepper(TransformerPolicy policy, SftTrainer trainer, SftOptions options) : ILanguageStepper
{
    public TransformerPolicy Policy => policy;
    public int StepsDone => trainer.StepsDone;
    public IReadOnlyList<string> MetricNames { get; } = ["loss", "learning_rate", "grad_norm", "tokens", "tokens_per_second"];

    public double[] Step()
    {
        var m = trainer.Step();
        return [m.Loss, options.LearningRate, m.GradNorm, m.Tokens, m.Tokens / Math.Max(m.Seconds, 1e-9)];
    }

    public byte[] SaveState(string dir) => trainer.SaveState(dir).StreamState;
    public void LoadState(string dir, byte[] streamState, int step) => trainer.LoadState(dir, streamState, step);
}

/// <summary>
/// The group trainer as a run stepper: every <see cref="GroupStepMetrics"/> field but the step (found
/// by reflection, so new fields become columns), then tokens per second of generation and training.
/// </summary>
internal sealed class GroupStepper(TransformerPolicy policy, GroupTrainer trainer, GroupTrainerOptions options) : ILanguageStepper
{
    static readonly System.Reflection.PropertyInfo[] Fields =
        typeof(GroupStepMetrics).GetProperties().Where(p => p.Name != nameof(GroupStepMetrics.Step) && IsNumber(p.PropertyType)).ToArray();

    public TransformerPolicy Policy => policy;
    public int StepsDone => trainer.StepsDone;
    public IReadOnlyList<string> MetricNames { get; } =
        [.. Fields.Select(f => PolicyGradient.Training.Configuration.ConfigNaming.ToSnakeCase(f.Name)), "learning_rate", "generation_tokens_per_second", "training_tokens_per_second"];

    public double[] Step()
    {
        var m = trainer.Step();
        var values = Fields.Select(f => Convert.ToDouble(f.GetValue(m), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        values.Add(options.LearningRate);
        values.Add(m.GeneratedTokens / Math.Max(m.GenerationSeconds, 1e-9));
        values.Add(m.GeneratedTokens / Math.Max(m.TrainingSeconds, 1e-9));
        return [.. values];
    }

    static bool IsNumber(Type t) => t == typeof(double) || t == typeof(float) || t == typeof(int) || t == typeof(long);

    public byte[] SaveState(string dir) => trainer.SaveState(dir).StreamState;
    public void LoadState(string dir, byte[] streamState, int step) => trainer.LoadState(dir, streamState, step);
}
