using PolicyGradient.Algorithms;
using PolicyGradient.Policies;
using PolicyGradient.Training.Configuration;

namespace PolicyGradient.Tests.Training;

public class PresetOptionsTests
{
    [Fact]
    public void Ppo_cartpole_preset_comes_back_as_typed_options_with_its_run_length()
    {
        var (options, timesteps) = PresetOptions.For<PpoOptions>("CartPole-v1");
        Assert.Equal(100_000, timesteps);
        Assert.Equal(8, options.NEnvs);
        Assert.Equal(32, options.NSteps);
        Assert.Equal(256, options.BatchSize);
        Assert.Equal(20, options.NEpochs);
        Assert.Equal(0.98, options.Gamma);
        Assert.Equal(0.8, options.GaeLambda);
        Assert.Equal(1e-3, options.LearningRate.Value(1.0), 12);
        Assert.Equal(0.5e-3, options.LearningRate.Value(0.5), 12); // lin_0.001
        Assert.Equal(new PpoOptions().MaxGradNorm, options.MaxGradNorm); // keys the preset leaves out keep the defaults
    }

    [Fact]
    public void Reinforce_cartpole_preset_is_two_copies_of_1000_steps_at_2e_3_for_300k_steps()
    {
        var (options, timesteps) = PresetOptions.For<ReinforceOptions>("CartPole-v1");
        Assert.Equal(300_000, timesteps);
        Assert.Equal(2, options.NEnvs);
        Assert.Equal(1000, options.NSteps);
        Assert.Equal(2e-3, options.LearningRate.Value(1.0), 12);
        Assert.Equal(ReinforceBaseline.Value, options.Baseline);
    }

    [Fact]
    public void A_missing_preset_or_an_options_type_no_algorithm_takes_is_one_clear_error()
    {
        var noPreset = Assert.Throws<ArgumentException>(() => PresetOptions.For<ReinforceOptions>("Pendulum-v1"));
        Assert.Contains("no reinforce preset for 'Pendulum-v1'", noPreset.Message);
        Assert.Contains("CartPole-v1", noPreset.Message);
        var noAlgorithm = Assert.Throws<ArgumentException>(() => PresetOptions.For<PolicyNetworkOptions>("CartPole-v1"));
        Assert.Contains("no registered algorithm takes PolicyNetworkOptions", noAlgorithm.Message);
    }
}
