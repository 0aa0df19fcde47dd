using EnvRegistry = PolicyGradient.Environments.Envs;
using PolicyGradient.Environments;
using PolicyGradient.Environments.Checking;

namespace PolicyGradient.Tests.EnvTests.Checking;

public class EnvCheckerTests
{
    [Fact]
    public void A_sound_env_passes_without_warnings()
    {
        var report = EnvChecker.Check(new WalkEnv(), seed: 1);
        Assert.True(report.Passed, string.Join("\n", report.Findings));
        Assert.Empty(report.Warnings);
    }

    [Fact]
    public void Every_registered_env_passes()
    {
        foreach (var spec in EnvRegistry.Registered)
        {
            using var env = EnvRegistry.Make(spec.Id);
            var report = EnvChecker.Check(env, seed: 7);
            Assert.True(report.Passed, $"{spec.Id}: " + string.Join("\n", report.Findings));
        }
    }

    public static TheoryData<Func<IEnv>, string, string> Broken => new()
    {
        { () => new TooLongObservationEnv(), "reset", "more observation values than ObservationSpace.FlatSize = 2" },
        { () => new TooShortObservationEnv(), "observation size", "element 1 was not written" },
        { () => new NaNObservationEnv(), "nan", "is NaN" },
        { () => new UnseededEnv(), "determinism", "differ" },
        { () => new OutsideSpaceEnv(), "observation space", "element 1 = 11 is not in [0, 10]" },
        { () => new RejectsActionEnv(), "actions", "rejected the action [1]" },
        { () => new ForgetfulStateEnv(), "state", "continued differently" },
        { () => new InfiniteRewardEnv(), "reward", "must be finite" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void Broken_envs_are_caught_with_a_message_that_says_what_is_wrong(Func<IEnv> make, string check, string text)
    {
        var report = EnvChecker.Check(make(), seed: 1);
        Assert.False(report.Passed);
        var finding = Assert.Single(report.Errors, f => f.Check == check);
        Assert.Contains(text, finding.Message);
    }
}
