using PolicyGradient.Core;
using TorchSharp;

namespace PolicyGradient.Language.Training;

/// <summary>
/// Applies a <see cref="Schedule"/> (constant, or linear to zero as rl-baselines3-zoo's "lin_1e-3")
/// to a language trainer's AdamW, the way PPO's learning rate follows its schedule: before step
/// <c>k</c> of <c>n</c> the rate is the schedule's value at the remaining progress 1 − k/n (SB3's
/// progress_remaining).
/// </summary>
internal static class LearningRateSchedule
{
    /// <summary>The rate for the step about to run (0-based <paramref name="step"/> of <paramref name="steps"/>).</summary>
    public static double At(Schedule schedule, int step, int steps) => schedule.Value(1.0 - (double)step / Math.Max(1, steps));

    /// <summary>Sets every parameter group's rate for the coming step; a constant schedule leaves the optimizer untouched.</summary>
    public static void Apply(torch.optim.Optimizer optimizer, Schedule schedule, int step, int steps)
    {
        if (!schedule.Linear) return;
        double rate = At(schedule, step, steps);
        foreach (var group in optimizer.ParamGroups) group.LearningRate = rate;
    }
}
