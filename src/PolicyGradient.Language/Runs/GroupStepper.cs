using PolicyGradient.Language.Model;
using PolicyGradient.Language.Training;

namespace PolicyGradient.Language.Runs;

/// <summary>
/// The group trainer as a run stepper: every <see cref="GroupStepMetrics"/> field but the step (found
/// by reflection, so new fields become columns, tokens per second included), then the learning rate.
/// </summary>
internal sealed class GroupStepper(TransformerPolicy policy, GroupTrainer trainer, GroupTrainerOptions options) : ILanguageStepper
{
    static readonly System.Reflection.PropertyInfo[] Fields =
        typeof(GroupStepMetrics).GetProperties().Where(p => p.Name != nameof(GroupStepMetrics.Step) && IsNumber(p.PropertyType)).ToArray();

    public TransformerPolicy Policy => policy;
    /// <summary>The trainer (a cluster replaces its <see cref="GroupTrainer.GroupSource"/>).</summary>
    internal GroupTrainer Trainer => trainer;
    /// <summary>The trainer's options (a cluster checks what it can distribute).</summary>
    internal GroupTrainerOptions Options => options;
    public IReadOnlyDictionary<string, double> ExtraMetrics => trainer.GroupSource.Metrics;
    public int StepsDone => trainer.StepsDone;
    /// <summary>The metric names of every group-trainer run (progress.csv columns).</summary>
    public static IReadOnlyList<string> Metrics { get; } = [.. Fields.Select(f => SnakeCase(f.Name)), "learning_rate"];
    public IReadOnlyList<string> MetricNames => Metrics;
    // Explained variance is undefined (NaN) when the returns do not vary; without a critic there is no value loss either.
    public IReadOnlySet<string> Undefined { get; } = trainer.HasCritic
        ? new HashSet<string> { SnakeCase(nameof(GroupStepMetrics.ExplainedVariance)) }
        : new HashSet<string> { SnakeCase(nameof(GroupStepMetrics.ValueLoss)), SnakeCase(nameof(GroupStepMetrics.ExplainedVariance)) };

    public double[] Step()
    {
        double rate = LearningRateSchedule.At(options.LearningRate, trainer.StepsDone, options.Steps);
        var m = trainer.Step();
        var values = Fields.Select(f => Convert.ToDouble(f.GetValue(m), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        values.Add(rate);
        return [.. values];
    }

    /// <summary>"RewardMean" → "reward_mean" (the configuration keys' convention).</summary>
    static string SnakeCase(string pascal) => string.Concat(pascal.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));

    static bool IsNumber(Type t) => t == typeof(double) || t == typeof(float) || t == typeof(int) || t == typeof(long);

    public byte[] SaveState(string dir) => trainer.SaveState(dir).StreamState;
    public void LoadState(string dir, byte[] streamState, int step) => trainer.LoadState(dir, streamState, step);
}
