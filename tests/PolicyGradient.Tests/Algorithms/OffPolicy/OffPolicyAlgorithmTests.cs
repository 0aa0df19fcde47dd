using PolicyGradient.Algorithms;
using PolicyGradient.Core;
using TorchSharp;
using static PolicyGradient.Tests.Algorithms.AlgorithmTestHelpers;

namespace PolicyGradient.Tests.Algorithms.OffPolicy;

/// <summary>The shared off-policy loop: warm-up, action scaling, counters, metrics, discrete SAC selection.</summary>
[Collection("TorchGlobalState")]
public class OffPolicyAlgorithmTests
{
    static Td3Options SmallTd3 => new() { NetArch = [16], BatchSize = 8, BufferSize = 1000, LearningStarts = 50, LogInterval = 50 };

    static float[] StoredActions(OffPolicyAlgorithm<Td3Options> algorithm, int count) =>
        algorithm.Buffer.Actions.narrow(0, 0, count).contiguous().data<float>().ToArray();

    [Fact]
    public void Learning_starts_takes_uniform_random_actions_and_no_gradient_step_then_the_policy_acts()
    {
        OneThread();
        using var td3 = new Td3("Pendulum-v1", SmallTd3, seed: 2);
        var policyActions = new List<(float Stored, float Policy)>();
        var probe = new StepProbe(a =>
        {
            // After each step the last stored row holds the action just taken; from learning_starts on
            // it is the (noise-free) policy's tanh(μ(s)) in [−1, 1], i.e. Predict(s)/2 on Pendulum's [−2, 2].
            var t = (Td3)a;
            int row = (int)(t.NumTimesteps - 1);
            float stored = t.Buffer.Actions[row, 0, 0].item<float>();
            if (t.NumTimesteps > 50)
            {
                var obs = t.Buffer.Observations[row, 0].contiguous().data<float>().ToArray();
                policyActions.Add((stored, t.Predict(obs)[0] / 2));
            }
            if (t.NumTimesteps <= 50) Assert.Equal(0, t.GradientStepsDone);
        });
        td3.Learn(80, probe);
        var warmUp = StoredActions(td3, 50);
        // Uniform on [−1, 1]: spread over the whole interval (an untrained tanh policy stays near one value).
        Assert.True(warmUp.Min() < -0.8 && warmUp.Max() > 0.8, $"warm-up actions span [{warmUp.Min()}, {warmUp.Max()}]");
        Assert.Equal(30, td3.GradientStepsDone); // steps 51..80 each train once (SB3: num_timesteps > learning_starts)
        // The policy acted after the warm-up, before that step's training moved it.
        Assert.Equal(30, policyActions.Count);
        Assert.True(Math.Abs(policyActions[0].Stored - policyActions[0].Policy) < 1e-5,
            $"stored {policyActions[0].Stored} vs policy {policyActions[0].Policy}");
    }

    [Fact]
    public void Box_actions_are_stored_in_minus_one_one_and_rescaled_to_the_bounds_for_the_env()
    {
        OneThread();
        using var sac = new Sac("Pendulum-v1", new SacOptions { NetArch = [16], BatchSize = 8, LearningStarts = 10, LogInterval = 10 }, seed: 4);
        sac.Learn(40);
        var stored = sac.Buffer.Actions.narrow(0, 0, 40).contiguous().data<float>().ToArray();
        Assert.All(stored, a => Assert.InRange(a, -1f, 1f));
        var action = sac.Predict(new float[] { 1, 0, 0 });
        Assert.InRange(action[0], -2f, 2f); // Pendulum's torque bounds
    }

    [Fact]
    public void Train_freq_and_gradient_steps_set_the_update_to_data_ratio_and_metrics_are_reported_per_log_interval()
    {
        OneThread();
        using var sac = new Sac("Pendulum-v1", new SacOptions { NetArch = [16], BatchSize = 8, LearningStarts = 20, TrainFreq = 4, GradientSteps = 3, LogInterval = 40 }, seed: 5);
        var recorder = new Recorder();
        sac.Learn(120, recorder);
        // Trainings after steps 24, 28, ..., 120 (num_timesteps > 20): 25 trainings × 3 steps.
        Assert.Equal(75, sac.GradientStepsDone);
        Assert.Equal(new long[] { 40, 80, 120 }, recorder.Updates.Select(u => u.Timesteps));
        var last = recorder.Updates[^1].Values;
        foreach (string key in new[] { "critic_loss", "actor_loss", "mean_q", "entropy", "ent_coef", "ent_coef_loss", "n_updates", "learning_rate" })
            Assert.True(last.ContainsKey(key), $"missing metric {key}");
        Assert.Equal(75, last["n_updates"]);
        Assert.Equal(120, recorder.Steps);
    }

    [Fact]
    public void Train_freq_in_episodes_with_gradient_steps_minus_one_trains_once_per_episode_for_as_many_steps_as_transitions()
    {
        OneThread();
        // Pendulum's episodes are 200 steps (time limit). train_freq (1, episode), gradient_steps -1 (the zoo's TD3 preset):
        // trainings after steps 200 and 400 (200 gradient steps each: the transitions of the phase) and a last, shorter
        // phase of 100 steps at the run's end; learning_starts 100 lies inside the first phase.
        var options = SmallTd3 with { LearningStarts = 100, LogInterval = 100, TrainFreq = 1, TrainFreqUnit = TrainFrequencyUnit.Episode, GradientSteps = -1 };
        using var td3 = new Td3("Pendulum-v1", options, seed: 2);
        var trainedAt = new List<(long Steps, long GradientSteps)>();
        long last = 0;
        td3.Learn(500, new StepProbe(a =>
        {
            var t = (Td3)a;
            if (t.GradientStepsDone != last) { trainedAt.Add((t.NumTimesteps, t.GradientStepsDone)); last = t.GradientStepsDone; }
        }));
        // The probe sees a step's effect on the next OnStep: the training after step 200 shows at step 201.
        Assert.Equal(new[] { (201L, 200L), (401L, 400L) }, trainedAt);
        Assert.Equal(500, td3.GradientStepsDone);
    }

    [Fact]
    public void With_two_env_copies_an_episode_phase_ends_when_either_copy_finishes_and_trains_on_every_transition()
    {
        OneThread();
        var options = SmallTd3 with { NEnvs = 2, LearningStarts = 100, LogInterval = 100, TrainFreqUnit = TrainFrequencyUnit.Episode, GradientSteps = -1 };
        using var td3 = new Td3("Pendulum-v1", options, seed: 2);
        td3.Learn(400);
        // Both copies finish at vector step 200 (400 transitions): one training of 400 gradient steps.
        Assert.Equal(400, td3.GradientStepsDone);
    }

    [Fact]
    public void Sac_on_a_discrete_action_space_is_discrete_SAC_with_the_scaled_log_A_target_entropy()
    {
        OneThread();
        using var sac = new Sac("CartPole-v1", new SacOptions { NetArch = [16], BatchSize = 8, LearningStarts = 10, LogInterval = 20 }, seed: 6);
        Assert.True(sac.IsDiscrete);
        Assert.Equal(1, sac.ActionSize);
        Assert.Equal(0.5 * Math.Log(2), sac.TargetEntropy, 12);
        var recorder = new Recorder();
        sac.Learn(40, recorder);
        var stored = sac.Buffer.Actions.narrow(0, 0, 40).contiguous().data<float>().ToArray();
        Assert.All(stored, a => Assert.True(a is 0f or 1f, $"action {a}"));
        Assert.Contains(0f, stored);
        Assert.Contains(1f, stored);
        float chosen = sac.Predict(new float[] { 0, 0, 0.05f, 0 })[0];
        Assert.True(chosen is 0f or 1f);
        Assert.True(recorder.Updates[^1].Values.ContainsKey("entropy"));
    }

    [Fact]
    public void Td3_and_ddpg_refuse_a_discrete_action_space_naming_sac()
    {
        var e = Assert.Throws<ArgumentException>(() => new Td3("CartPole-v1", SmallTd3));
        Assert.Contains("Box", e.Message);
        Assert.Contains("sac", e.Message);
        Assert.Throws<ArgumentException>(() => new Ddpg("CartPole-v1"));
    }

    [Fact]
    public void Ornstein_Uhlenbeck_noise_moves_the_actions_of_a_deterministic_policy()
    {
        OneThread();
        using var ddpg = new Ddpg("Pendulum-v1", new DdpgOptions { NetArch = [16], BatchSize = 8, LearningStarts = 0, ActionNoise = "ornstein-uhlenbeck", NoiseStd = 0.5, TrainFreq = 1000 }, seed: 7);
        ddpg.Learn(100);
        var stored = ddpg.Buffer.Actions.narrow(0, 0, 100).contiguous().data<float>().ToArray();
        // OU increments are σ·√dt·N(0, 1) = 0.05·N(0, 1) per step: consecutive actions differ, but smoothly.
        double meanJump = stored.Zip(stored.Skip(1), (x, y) => Math.Abs(x - y)).Average();
        Assert.InRange(meanJump, 0.005, 0.2);
        Assert.True(stored.Distinct().Count() > 50);
    }

    /// <summary>Calls an action after every env step.</summary>
    sealed class StepProbe(Action<IAlgorithm> onStep) : ITrainingCallback
    {
        public bool OnStep(IAlgorithm algorithm) { onStep(algorithm); return true; }
    }
}
