using PolicyGradient.Environments;

namespace PolicyGradient.Tests.EnvTests.Core;

public class EnvOrderTests
{
    [Fact]
    public void Step_before_Reset_throws_InvalidOperationException_naming_Reset()
    {
        var env = Environments.Envs.Make("CartPole-v1");
        var ex = Assert.Throws<InvalidOperationException>(() => env.Step(0));
        Assert.Contains("Reset", ex.Message);
        env.Reset(seed: 0);
        env.Step(0);
    }
}
