using PolicyGradient.Algorithms;
using PolicyGradient.Training.Configuration;

namespace PolicyGradient.Tests.Algorithms.OffPolicy;

/// <summary>Configuration errors of the off-policy algorithms: one clear line each, naming the keys (the CLI exits 2).</summary>
public class OffPolicyValidationTests
{
    static IReadOnlyList<string> Problems(string algo, string env, params string[] set) =>
        Assert.Throws<ConfigurationException>(() => ConfigResolver.Resolve(algo, env, null, set)).Problems;

    [Fact]
    public void Batch_larger_than_the_buffer_is_rejected_naming_both_keys()
    {
        var problems = Problems("sac", "Pendulum-v1", "batch_size=512", "buffer_size=100");
        Assert.Contains(problems, p => p.Contains("batch_size (512) must be <= buffer_size (100)"));
    }

    [Fact]
    public void Learning_starts_at_or_beyond_the_run_length_is_rejected()
    {
        var problems = Problems("td3", "Pendulum-v1", "n_timesteps=5000", "learning_starts=5000");
        Assert.Contains(problems, p => p.Contains("learning_starts (5000) must be < n_timesteps (5000)"));
    }

    [Fact]
    public void Gradient_steps_below_one_tau_outside_0_1_and_unknown_noise_are_each_named()
    {
        var problems = Problems("ddpg", "Pendulum-v1", "gradient_steps=0", "tau=1.5", "action_noise=pink");
        Assert.Contains(problems, p => p.StartsWith("gradient_steps must be >= 1", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("tau must lie in (0, 1]", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("action_noise must be one of none, normal, ornstein-uhlenbeck"));
        Assert.Equal(3, problems.Count);
    }

    [Fact]
    public void Gradient_steps_minus_one_and_train_freq_in_episodes_are_accepted_other_negatives_and_units_are_named()
    {
        var accepted = ConfigResolver.Resolve("td3", "Pendulum-v1", null, ["gradient_steps=-1", "train_freq_unit=episode"]);
        Assert.Equal((-1, TrainFrequencyUnit.Episode), (((Td3Options)accepted.Options).GradientSteps, ((Td3Options)accepted.Options).TrainFreqUnit));
        var problems = Problems("td3", "Pendulum-v1", "gradient_steps=-2", "train_freq_unit=episodes");
        Assert.Contains(problems, p => p.StartsWith("gradient_steps must be >= 1, or -1", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("train_freq_unit") && p.Contains("episode"));
        Assert.Equal(2, problems.Count);
    }

    [Fact]
    public void A_malformed_ent_coef_is_rejected_with_the_accepted_forms()
    {
        var problems = Problems("sac", "Pendulum-v1", "ent_coef=automatic");
        Assert.Contains(problems, p => p.Contains("ent_coef must be \"auto\", \"auto_<initial value > 0>\""));
    }

    [Theory]
    [InlineData("auto", true, 1.0)]
    [InlineData("auto_0.1", true, 0.1)]
    [InlineData("0.2", false, 0.2)]
    public void Ent_coef_forms_parse_as_SB3(string text, bool learned, double value)
    {
        var parsed = new SacOptions { EntCoef = text }.ParseEntCoef();
        Assert.Equal(learned, parsed.Learned);
        Assert.Equal(value, parsed.Value, 12);
    }

    [Fact]
    public void Defaults_are_SB3s()
    {
        var sac = new SacOptions();
        Assert.Equal(3e-4, sac.LearningRate.Initial);
        Assert.Equal(new[] { 256, 256 }, sac.NetArch);
        Assert.Equal((1_000_000, 100L, 256, 0.005, 0.99, 1, 1), (sac.BufferSize, sac.LearningStarts, sac.BatchSize, sac.Tau, sac.Gamma, sac.TrainFreq, sac.GradientSteps));
        Assert.Equal("auto", sac.EntCoef);
        var td3 = new Td3Options();
        Assert.Equal(1e-3, td3.LearningRate.Initial);
        Assert.Equal(new[] { 400, 300 }, td3.NetArch);
        Assert.Equal((2, 0.2, 0.5), (td3.PolicyDelay, td3.TargetPolicyNoise, td3.TargetNoiseClip));
        Assert.Equal(new[] { 400, 300 }, new DdpgOptions().NetArch);
    }

    [Fact]
    public void The_zoo_presets_resolve()
    {
        Assert.Equal(1e-3, ((SacOptions)ConfigResolver.Resolve("sac", "Pendulum-v1", null, []).Options).LearningRate.Initial);
        var td3 = (Td3Options)ConfigResolver.Resolve("td3", "MountainCarContinuous-v0", null, []).Options;
        Assert.Equal(("ornstein-uhlenbeck", 0.5), (td3.ActionNoise, td3.NoiseStd));
        var ddpg = ConfigResolver.Resolve("ddpg", "Pendulum-v1", null, []);
        Assert.Equal(10_000L, ((DdpgOptions)ddpg.Options).LearningStarts);
        Assert.Equal(20_000L, ddpg.Run.NTimesteps);
        Assert.Equal(0.3, ((SacOptions)ConfigResolver.Resolve("sac", "CartPole-v1", null, []).Options).TargetEntropyScale);
    }
}
