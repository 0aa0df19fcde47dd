using PolicyGradient.Training.Configuration;
using PolicyGradient.Core;

namespace PolicyGradient.Tests.Training;

public class ConfigBinderTests
{
    static FakeOptions Bind(params ConfigLayer[] layers) => ConfigBinder.Bind<FakeOptions>(layers);
    static ConfigLayer Yaml(string text, string source = "test.yaml") => ConfigLayer.FromYaml(text, source);
    static ConfigLayer Set(params string[] flags) => ConfigLayer.FromSetFlags(flags);

    static IReadOnlyList<string> Problems(Action a) => Assert.Throws<ConfigurationException>(a).Problems;

    [Theory]
    [InlineData("NSteps", "n_steps")]
    [InlineData("LearningRate", "learning_rate")]
    [InlineData("GaeLambda", "gae_lambda")]
    [InlineData("NetArch", "net_arch")]
    [InlineData("NEnvs", "n_envs")]
    [InlineData("MaxKL", "max_kl")]
    [InlineData("UseRmsProp", "use_rms_prop")]
    [InlineData("Seed", "seed")]
    public void Snake_case_keys_follow_the_zoo_names(string property, string key) =>
        Assert.Equal(key, ConfigNaming.ToSnakeCase(property));

    [Fact]
    public void Defaults_come_from_the_record()
    {
        var o = Bind();
        Assert.Equal(new FakeOptions().NSteps, o.NSteps);
        Assert.Equal([64, 64], o.Policy.NetArch);
    }

    [Fact]
    public void Binds_every_supported_type_from_yaml()
    {
        var o = Bind(Yaml("""
            n_steps: 32
            seed_offset: 12345678901
            gamma: 0.98
            normalize_observations: true
            comment: hello world
            learning_rate: lin_0.001
            clip_range: 0.1
            target_kl: 0.02
            policy:
              net_arch: [32, 16]
              activation: relu
              ortho_init: false
            """));
        Assert.Equal(32, o.NSteps);
        Assert.Equal(12345678901L, o.SeedOffset);
        Assert.Equal(0.98, o.Gamma);
        Assert.True(o.NormalizeObservations);
        Assert.Equal("hello world", o.Comment);
        Assert.Equal(new Schedule(0.001, Linear: true), o.LearningRate);
        Assert.Equal(new Schedule(0.1), o.ClipRange);
        Assert.Equal(0.02, o.TargetKl);
        Assert.Equal([32, 16], o.Policy.NetArch);
        Assert.Equal(FakeActivation.ReLU, o.Policy.Activation);
        Assert.False(o.Policy.OrthoInit);
    }

    [Fact]
    public void Set_flags_use_dotted_keys_and_yaml_values()
    {
        var o = Bind(Set("policy.net_arch=[8,8,8]", "policy.activation=leaky_relu", "n_epochs=3", "target_kl=null"));
        Assert.Equal([8, 8, 8], o.Policy.NetArch);
        Assert.Equal(FakeActivation.LeakyRelu, o.Policy.Activation);
        Assert.Equal(3, o.NEpochs);
        Assert.Null(o.TargetKl);
    }

    [Fact]
    public void Binding_never_mutates_shared_default_nested_records()
    {
        _ = Bind(Set("policy.net_arch=[8]"));
        Assert.Equal([64, 64], Bind().Policy.NetArch);
    }

    [Fact]
    public void Positional_nested_records_bind_by_dotted_keys_or_a_list_for_all_their_lists()
    {
        var both = Bind(Set("policy.arch=[32]"));
        Assert.Equal([32], both.Policy.Arch.Pi);
        Assert.Equal([32], both.Policy.Arch.Vf);
        var one = Bind(Yaml("policy:\n  arch:\n    vf: [8, 8]"));
        Assert.Equal([64, 64], one.Policy.Arch.Pi);
        Assert.Equal([8, 8], one.Policy.Arch.Vf);
        Assert.Equal("policy.arch: expected a list like [64, 64] or the keys policy.arch.pi, policy.arch.vf (from --set)",
            Assert.Single(Problems(() => Bind(Set("policy.arch=5")))));
        Assert.Equal([64, 64], Bind().Policy.Arch.Pi);
    }

    [Fact]
    public void Integers_may_be_written_in_float_notation_as_the_zoo_does() =>
        Assert.Equal(100_000, Bind(Yaml("n_steps: 1e5")).NSteps);

    [Fact]
    public void Precedence_is_defaults_then_preset_then_config_file_then_set()
    {
        var preset = Yaml("n_steps: 32\ngamma: 0.98\nn_epochs: 20", "preset");
        var file = Yaml("gamma: 0.9\nn_epochs: 5", "file");
        var set = Set("n_epochs=7");
        var o = Bind(preset, file, set);
        Assert.Equal(32, o.NSteps);        // preset over default
        Assert.Equal(0.9, o.Gamma);        // file over preset
        Assert.Equal(7, o.NEpochs);        // --set over file
        Assert.Equal(0.95, o.GaeLambda);   // default
    }

    [Fact]
    public void Unknown_key_suggests_the_closest_valid_key()
    {
        var p = Problems(() => Bind(Set("n_step=64")));
        Assert.Equal("n_step: unknown key (from --set); did you mean 'n_steps'?", Assert.Single(p));
        Assert.Contains("did you mean 'policy.net_arch'?", Assert.Single(Problems(() => Bind(Set("policy.netarch=[1]")))));
    }

    [Fact]
    public void Wrong_types_name_the_key_the_expectation_and_the_value()
    {
        Assert.Equal("n_steps: expected an integer, got 'abc' (from --set)", Assert.Single(Problems(() => Bind(Set("n_steps=abc")))));
        Assert.StartsWith("gamma: expected a number, got 'high'", Assert.Single(Problems(() => Bind(Set("gamma=high")))));
        Assert.StartsWith("normalize_observations: expected true or false, got 'maybe'", Assert.Single(Problems(() => Bind(Set("normalize_observations=maybe")))));
        Assert.StartsWith("learning_rate: expected a number or a linear schedule like lin_1e-3, got 'fast'", Assert.Single(Problems(() => Bind(Set("learning_rate=fast")))));
        Assert.StartsWith("policy.activation: expected one of tanh, relu, leakyrelu, got 'gelu'", Assert.Single(Problems(() => Bind(Set("policy.activation=gelu")))));
        Assert.StartsWith("policy.net_arch: item 1: expected an integer, got 'x'", Assert.Single(Problems(() => Bind(Set("policy.net_arch=[1,x]")))));
        Assert.StartsWith("policy.net_arch: expected a list like [64, 64], got '64'", Assert.Single(Problems(() => Bind(Set("policy.net_arch=64")))));
        Assert.StartsWith("n_steps: expected an integer, got '3.5'", Assert.Single(Problems(() => Bind(Set("n_steps=3.5")))));
    }

    [Fact]
    public void Range_violations_name_the_key_and_the_range()
    {
        Assert.Equal("gamma: 1.5 is out of range; expected >= 0 and <= 1", Assert.Single(Problems(() => Bind(Set("gamma=1.5")))));
        Assert.Equal("learning_rate: 0 is out of range; expected > 0 and <= 1", Assert.Single(Problems(() => Bind(Set("learning_rate=0")))));
        Assert.Equal("learning_rate: lin_-0.001 is out of range; expected > 0 and <= 1", Assert.Single(Problems(() => Bind(Set("learning_rate=lin_-1e-3")))));
        Assert.Equal("policy.net_arch: [64, 0] is out of range; expected >= 1 and <= 4096", Assert.Single(Problems(() => Bind(Set("policy.net_arch=[64,0]")))));
    }

    [Fact]
    public void Cross_field_rules_are_reported()
    {
        Assert.Equal("batch_size (512) must be <= n_steps × n_envs (32)", Assert.Single(Problems(() => Bind(Set("batch_size=512")))));
    }

    [Fact]
    public void All_problems_are_reported_together()
    {
        var p = Problems(() => Bind(Yaml("n_stepz: 4\ngamma: 2\nn_epochs: many"), Set("policy.net_arch=oops")));
        Assert.Equal(4, p.Count);
        Assert.Contains(p, x => x.StartsWith("n_stepz: unknown key", StringComparison.Ordinal));
        Assert.Contains(p, x => x.StartsWith("gamma: 2.0 is out of range", StringComparison.Ordinal));
        Assert.Contains(p, x => x.StartsWith("n_epochs: expected an integer", StringComparison.Ordinal));
        Assert.Contains(p, x => x.StartsWith("policy.net_arch: expected a list", StringComparison.Ordinal));
    }

    [Fact]
    public void Malformed_inputs_are_configuration_errors()
    {
        Assert.StartsWith("--set 'n_steps': expected key=value", Assert.Single(Problems(() => Set("n_steps"))));
        Assert.StartsWith("bad.yaml: not valid YAML", Assert.Single(Problems(() => Yaml("a: [1, 2", "bad.yaml"))));
        Assert.StartsWith("list.yaml: expected a mapping", Assert.Single(Problems(() => Yaml("- 1\n- 2", "list.yaml"))));
    }

    [Fact]
    public void Run_options_bind_env_kwargs_as_a_map()
    {
        var r = ConfigBinder.Bind<RunOptions>(Yaml("env_kwargs:\n  lead_time: 3\n  demand: poisson"), Set("env_kwargs.holding_cost=0.5", "n_timesteps=2e4"));
        Assert.Equal(3L, r.EnvKwargs["lead_time"]);
        Assert.Equal("poisson", r.EnvKwargs["demand"]);
        Assert.Equal(0.5, r.EnvKwargs["holding_cost"]);
        Assert.Equal(20_000, r.NTimesteps);
    }

    [Fact]
    public void Null_is_rejected_for_non_nullable_options_and_accepted_for_nullable_ones()
    {
        // Found by ConfigFuzzTests: learning_rate=null used to bind a null Schedule.
        var problems = Problems(() => Bind(Set("learning_rate=null", "policy=null")));
        Assert.Contains(problems, p => p.StartsWith("learning_rate: null is not allowed", StringComparison.Ordinal));
        Assert.Null(Bind(Set("target_kl=0.01"), Set("target_kl=null")).TargetKl);
    }
}
