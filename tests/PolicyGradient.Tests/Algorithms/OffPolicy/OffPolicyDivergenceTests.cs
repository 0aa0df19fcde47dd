using PolicyGradient.Algorithms;
using PolicyGradient.Core;
using PolicyGradient.Environments;
using PolicyGradient.Environments.Spaces;
using PolicyGradient.Environments.Vector;
using PolicyGradient.Environments.Wrappers;
using PolicyGradient.Training.Callbacks;
using static PolicyGradient.Tests.Algorithms.AlgorithmTestHelpers;

namespace PolicyGradient.Tests.Algorithms.OffPolicy;

/// <summary>An exploding critic stops the run through the run layer's divergence guard, naming the metric and step.</summary>
[Collection("TorchGlobalState")]
public class OffPolicyDivergenceTests
{
    /// <summary>Multiplies the rewards by 10¹²: targets far beyond any sane Q.</summary>
    sealed class HugeRewards(IEnv env) : Wrapper(env)
    {
        public override StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
        {
            var r = Env.Step(action, observation);
            return r with { Reward = r.Reward * 1e12 };
        }
    }

    [Fact]
    public void A_mean_Q_beyond_a_million_stops_the_run_naming_mean_q_and_the_step()
    {
        OneThread();
        IVectorEnv env = new SyncVectorEnv(_ => new RecordEpisodeStatistics(new HugeRewards(new ToyEnv(new Box(-1, 1, 1)))), 1);
        using var ddpg = new Ddpg(env, new DdpgOptions { NetArch = [16], BatchSize = 16, LearningStarts = 10, LearningRate = 0.5, LogInterval = 1000 }, seed: 1);
        var guard = new DivergenceGuardCallback("huge-rewards");
        ((ILearner)ddpg).Learn(5000, guard);
        Assert.False(guard.Healthy);
        Assert.Contains("'mean_q'", guard.Failure);
        Assert.True(ddpg.NumTimesteps < 5000, $"the run went on to {ddpg.NumTimesteps}");
        // The failing step ends its logging interval at once: the reported timestep is the step's.
        Assert.Contains($"at timestep {ddpg.NumTimesteps} ", guard.Failure);
    }
}
