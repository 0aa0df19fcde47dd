using PolicyGradient.Algorithms;
using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Algorithms.OnPolicy.Recurrent;
using PolicyGradient.Environments;
using PolicyGradient.Export;
using PolicyGradient.Training;
using static PolicyGradient.Tests.Algorithms.AlgorithmTestHelpers;

namespace PolicyGradient.Tests.Algorithms.OnPolicy.Recurrent;

/// <summary>Recurrent PPO: the hidden-state bookkeeping, exact resume, evaluation with per-episode state, export refusal.</summary>
[Collection("TorchGlobalState")]
public class RecurrentPpoTests
{
    static RecurrentPpoOptions Small(bool criticLstm = true, bool shared = false, int layers = 1) => new()
    {
        NEnvs = 3, NSteps = 40, BatchSize = 24, NEpochs = 2, LstmHiddenSize = 8, NLstmLayers = layers,
        EnableCriticLstm = criticLstm, SharedLstm = shared, NormalizeObservations = true, NormalizeRewards = true,
        Policy = new() { NetArch = new([16], [16]) },
    };

    [Theory]
    [InlineData(true, false, 1)]
    [InlineData(false, true, 1)]
    [InlineData(false, false, 2)]
    public void Reevaluating_the_stored_rollout_from_the_stored_states_reproduces_its_log_probs_and_values(bool criticLstm, bool shared, int layers)
    {
        OneThread();
        using var ppo = new RecurrentPpo("CartPoleNoVel-v1", Small(criticLstm, shared, layers), seed: 4);
        ppo.Learn(3 * 40 * 2); // two updates: weights away from their initial values
        Assert.True(ppo.CollectRollout(NoCallback.Instance));
        var buffer = ppo.Buffer;
        float[] logProbs = buffer.LogProbs.contiguous().data<float>().ToArray(), values = buffer.Values.contiguous().data<float>().ToArray();
        Assert.Contains(true, ppo.Stored.EpisodeStarts.Skip(3)); // episodes start inside the rollout (CartPoleNoVel episodes are short at first)
        // Several rotations and a batch size that cuts episodes: sequences start mid-episode from stored states.
        foreach (int offset in new[] { 0, 7, 59 })
            foreach (var batch in SequenceMinibatch.Epoch(buffer.NumSteps, buffer.NumEnvs, ppo.Stored.EpisodeStarts, 17, offset))
            {
                var (lp, v) = ppo.Reevaluate(batch);
                for (int i = 0; i < batch.Rows.Length; i++)
                {
                    long row = batch.Rows[i];
                    // Equal up to float rounding: the products run on [L·S] rows here and on [N] rows in the rollout,
                    // and MKL's sgemm may round a row differently with the number of rows (a wrong state is off by ~1e-2).
                    Assert.True(Math.Abs(lp[i] - logProbs[row]) <= 1e-6f, $"row {row}: log π {lp[i]:R} re-evaluated, {logProbs[row]:R} in the rollout");
                    Assert.True(Math.Abs(v[i] - values[row]) <= 1e-6f * Math.Max(1, Math.Abs(values[row])), $"row {row}: V {v[i]:R} re-evaluated, {values[row]:R} in the rollout");
                }
            }
    }

    [Fact]
    public void Starting_every_sequence_from_zero_instead_of_its_stored_state_changes_the_log_probs()
    {
        // The control of the test above: the stored states matter (they are not all zero).
        OneThread();
        using var ppo = new RecurrentPpo("CartPoleNoVel-v1", Small(), seed: 4);
        ppo.Learn(3 * 40 * 2);
        Assert.True(ppo.CollectRollout(NoCallback.Instance));
        float[] logProbs = ppo.Buffer.LogProbs.contiguous().data<float>().ToArray();
        var batch = SequenceMinibatch.Epoch(40, 3, ppo.Stored.EpisodeStarts, 17, 7)[1];
        // Same cut, but every sequence's first step marked as an episode start: it starts from zeros.
        var starts = (bool[])ppo.Stored.EpisodeStarts.Clone();
        foreach (long row in batch.FirstRows) ppo.Stored.EpisodeStarts[row] = true;
        var (lp, _) = ppo.Reevaluate(batch);
        starts.CopyTo(ppo.Stored.EpisodeStarts, 0);
        Assert.Contains(Enumerable.Range(0, batch.Rows.Length), i => Math.Abs(lp[i] - logProbs[batch.Rows[i]]) > 1e-4f);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Capture_and_restore_continue_bit_identically(bool criticLstm, bool shared)
    {
        OneThread();
        using var first = new RecurrentPpo("CartPoleNoVel-v1", Small(criticLstm, shared), seed: 21);
        const long k = 3 * 40 * 2;
        first.Learn(k);
        using var state = first.CaptureState();
        Assert.Contains("lstm.state.0", state.Tensors.Keys);
        first.Learn(3 * k);
        var continued = Weights(first);
        using var second = new RecurrentPpo("CartPoleNoVel-v1", Small(criticLstm, shared), seed: 12345);
        second.RestoreState(state);
        second.Learn(3 * k);
        Assert.Equal(first.NumUpdates, second.NumUpdates);
        Assert.Equal(first.NumTimesteps, second.NumTimesteps);
        AssertSameWeights(continued, Weights(second));
    }

    [Fact]
    public void Restoring_without_the_live_lstm_states_breaks_exactness()
    {
        // The live states are part of what resumes: zeroing them gives different weights after the next update.
        OneThread();
        using var first = new RecurrentPpo("CartPoleNoVel-v1", Small(), seed: 21);
        first.Learn(3 * 40 * 2);
        using var state = first.CaptureState();
        first.Learn(3 * 40 * 3);
        foreach (var key in state.Tensors.Keys.Where(k => k.StartsWith("lstm.state.", StringComparison.Ordinal)).ToArray())
            state.Tensors[key] = TorchSharp.torch.zeros_like(state.Tensors[key]);
        using var second = new RecurrentPpo("CartPoleNoVel-v1", Small(), seed: 21);
        second.RestoreState(state);
        second.Learn(3 * 40 * 3);
        Assert.False(Weights(first).All(kv => kv.Value.SequenceEqual(Weights(second)[kv.Key])));
    }

    [Fact]
    public void Prediction_carries_the_state_within_an_episode_and_evaluation_resets_it_per_episode()
    {
        OneThread();
        using var ppo = new RecurrentPpo("CartPoleNoVel-v1", Small(), seed: 2);
        ppo.Learn(3 * 40 * 2);
        using var env = Envs.Make("CartPoleNoVel-v1");
        var first = Evaluator.Evaluate(ppo, env, 3, seed: 50);
        Predict(ppo, [0.3f, -0.1f], 5); // leaves a non-zero prediction state behind
        var again = Evaluator.Evaluate(ppo, env, 3, seed: 50);
        Assert.Equal(first.Returns, again.Returns);

        // Same observations, from a reset state each time: same actions. The state after one step differs from zero.
        ppo.ResetState();
        var a = Predict(ppo, [0.01f, 0.02f], 1)[0];
        ppo.ResetState();
        Assert.Equal(a, Predict(ppo, [0.01f, 0.02f], 1)[0]);
    }

    static float[] Predict(RecurrentPpo ppo, float[] observation, int times)
    {
        float[] action = [];
        for (int i = 0; i < times; i++) action = ppo.Predict(observation);
        return action;
    }

    [Fact]
    public void It_trains_on_a_dict_observation_env_and_predicts_from_the_raw_dict()
    {
        OneThread();
        using var ppo = new RecurrentPpo("GoalGridWorld-v0", Small(), seed: 1);
        ppo.Learn(3 * 40);
        using var env = Envs.Make("GoalGridWorld-v0");
        Assert.Equal(2, Evaluator.Evaluate(ppo, env, 2, seed: 0).Returns.Count);
    }

    [Fact]
    public void Masked_recurrent_ppo_never_selects_an_invalid_action_in_training_or_evaluation()
    {
        OneThread();
        var env = MaskedToyEnv.Vector(new PolicyGradient.Environments.Spaces.Discrete(6), 3);
        using var ppo = new RecurrentPpo(env, Small() with { NormalizeObservations = false, NormalizeRewards = false }, seed: 3);
        ppo.Learn(1_200);
        Assert.True(env.Envs.Sum(e => ((MaskedToyEnv)e.Unwrapped).Steps) >= 1_200);
        Assert.Equal(0, MaskedToyEnv.TotalViolations(env));
        using var evalEnv = MaskedToyEnv.Masked(new PolicyGradient.Environments.Spaces.Discrete(6));
        Evaluator.Evaluate(ppo, evalEnv, 5, seed: 9, deterministic: false);
        Evaluator.Evaluate(ppo, evalEnv, 5, seed: 9, deterministic: true);
        Assert.Equal(0, ((MaskedToyEnv)evalEnv.Unwrapped).Violations);
    }

    [Fact]
    public void Export_refuses_a_recurrent_policy_with_a_clear_message()
    {
        using var ppo = new RecurrentPpo("CartPoleNoVel-v1", Small(), seed: 1);
        var error = Assert.Throws<PolicyExportException>(() => PolicyExport.FromAlgorithm(ppo));
        Assert.Contains("recurrent", error.Message);
    }

    [Fact]
    public void Contradictory_or_unsupported_settings_are_refused_with_the_fix()
    {
        Assert.Contains(new RecurrentPpoOptions { SharedLstm = true, EnableCriticLstm = true }.Validate(), p => p.Contains("enable_critic_lstm=false"));
        Assert.Contains(new RecurrentPpoOptions { Backend = ComputeBackend.Native }.Validate(), p => p.Contains("backend=auto"));
    }

    [Fact]
    public void The_run_layer_builds_it_from_the_registry_with_the_zoo_preset()
    {
        var descriptor = AlgorithmRegistry.Get("ppo-lstm");
        Assert.Equal(typeof(RecurrentPpoOptions), descriptor.OptionsType);
        var (options, timesteps) = PolicyGradient.Training.Configuration.PresetOptions.For<RecurrentPpoOptions>("CartPoleNoVel-v1");
        Assert.Equal(100_000, timesteps);
        Assert.Equal(64, options.LstmHiddenSize);
        Assert.True(options.EnableCriticLstm);
        Assert.Equal(8, options.NEnvs);
        Assert.Equal(256, options.BatchSize);
    }
}
