using PolicyGradient.Algorithms;
using PolicyGradient.Core;
using static PolicyGradient.Tests.Algorithms.AlgorithmTestHelpers;

namespace PolicyGradient.Tests.Algorithms.OffPolicy;

/// <summary>
/// Capture at step k, restore into a fresh instance, continue: the weights, targets, Adam moments and
/// log α must equal an uninterrupted run's bit for bit (what <c>pg resume</c> after kill -9 relies on).
/// </summary>
[Collection("TorchGlobalState")]
public class OffPolicyResumeTests
{
    static Dictionary<string, float[]> All(IAlgorithm algorithm)
    {
        using var state = algorithm.CaptureState();
        return state.Tensors.Where(kv => !kv.Key.StartsWith("replay.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key, kv => kv.Value.contiguous().to_type(TorchSharp.torch.ScalarType.Float32).data<float>().ToArray());
    }

    /// <param name="interrupt">Stop the first run from its callback at <paramref name="stopAt"/> (an interrupt mid-phase, as
    /// Ctrl-C's checkpoint) instead of ending it there with Learn(stopAt), which trains on a last, shorter phase.</param>
    static void Resumes_exactly<TOptions>(Func<IAlgorithm> make, long stopAt, long total, bool interrupt = false) where TOptions : OffPolicyOptions, new()
    {
        OneThread();
        using var straight = make();
        straight.Learn(total);

        TrainingState state;
        using (var first = make())
        {
            if (interrupt) first.Learn(total, new StopAtStep(stopAt));
            else first.Learn(stopAt);
            state = first.CaptureState();
        }
        using var resumed = make();
        resumed.RestoreState(state);
        state.Dispose();
        Assert.Equal(stopAt, resumed.NumTimesteps);
        resumed.Learn(total);

        var a = All(straight);
        var b = All(resumed);
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (string key in a.Keys) Assert.True(a[key].SequenceEqual(b[key]), $"'{key}' differs after the resume");
        Assert.Equal(straight.NumUpdates, resumed.NumUpdates);
    }

    [Fact]
    public void Sac_resumed_with_its_buffer_ends_with_the_weights_of_an_uninterrupted_run() =>
        Resumes_exactly<SacOptions>(() => new Sac("Pendulum-v1",
            new SacOptions { NetArch = [16, 16], BatchSize = 16, LearningStarts = 30, LogInterval = 25, TrainFreq = 2, GradientSteps = 2 }, seed: 3), 100, 250);

    [Fact]
    public void Td3_with_OU_noise_resumed_with_its_buffer_ends_with_the_weights_of_an_uninterrupted_run() =>
        Resumes_exactly<Td3Options>(() => new Td3("Pendulum-v1",
            new Td3Options { NetArch = [16, 16], BatchSize = 16, LearningStarts = 30, LogInterval = 25, ActionNoise = "ornstein-uhlenbeck", NoiseStd = 0.3 }, seed: 3), 75, 200);

    [Fact]
    public void Td3_training_per_episode_interrupted_mid_episode_and_resumed_ends_with_the_weights_of_an_uninterrupted_run() =>
        Resumes_exactly<Td3Options>(() => new Td3("Pendulum-v1",
            new Td3Options { NetArch = [16, 16], BatchSize = 16, LearningStarts = 30, LogInterval = 50, TrainFreqUnit = TrainFrequencyUnit.Episode, GradientSteps = -1 }, seed: 3),
            250, 500, interrupt: true);

    sealed class StopAtStep(long step) : ITrainingCallback
    {
        public bool OnStep(IAlgorithm algorithm) => algorithm.NumTimesteps < step;
    }

    [Fact]
    public void Discrete_sac_resumed_with_its_buffer_ends_with_the_weights_of_an_uninterrupted_run() =>
        Resumes_exactly<SacOptions>(() => new Sac("CartPole-v1",
            new SacOptions { NetArch = [16], BatchSize = 16, LearningStarts = 30, LogInterval = 25 }, seed: 4), 100, 200);

    [Fact]
    public void A_checkpoint_without_the_buffer_warns_and_continues_from_an_empty_buffer()
    {
        OneThread();
        var options = new SacOptions { NetArch = [16], BatchSize = 8, LearningStarts = 20, LogInterval = 20, SaveReplayBuffer = false };
        TrainingState state;
        using (var first = new Sac("Pendulum-v1", options, seed: 1))
        {
            Assert.False(first.SavesReplayBuffer);
            first.Learn(60);
            state = first.CaptureState();
        }
        Assert.DoesNotContain(state.Tensors.Keys, k => k.StartsWith("replay.", StringComparison.Ordinal));
        using var resumed = new Sac("Pendulum-v1", options, seed: 1);
        var error = new StringWriter();
        var old = Console.Error;
        Console.SetError(error);
        try { resumed.RestoreState(state); }
        finally { Console.SetError(old); state.Dispose(); }
        Assert.Contains("warning", error.ToString());
        Assert.Contains("replay buffer", error.ToString());
        Assert.Equal(0, resumed.Buffer.Count);
        resumed.Learn(100);
        Assert.Equal(100, resumed.NumTimesteps);
    }

    [Fact]
    public void Small_buffers_are_saved_by_default()
    {
        using var sac = new Sac("Pendulum-v1", new SacOptions { NetArch = [16], BufferSize = 10_000 }, seed: 1);
        Assert.True(sac.SavesReplayBuffer);
    }
}
