using PolicyGradient.Algorithms;
using PolicyGradient.Environments.Spaces;
using PolicyGradient.Core;
using static PolicyGradient.Tests.Algorithms.AlgorithmTestHelpers;

namespace PolicyGradient.Tests.Algorithms;

[Collection("TorchGlobalState")]
public class ActionSpaceTests
{
    public static IEnumerable<object[]> Cases() =>
        from algo in new[] { "ppo", "a2c", "trpo", "reinforce" }
        from space in new[] { "discrete", "multidiscrete", "multibinary", "box" }
        select new object[] { algo, space };

    static IAlgorithm Build(string algo, string space) => algo switch
    {
        "ppo" => new Ppo(ToyEnv.Vector(ToyEnv.Make(space), 2), new PpoOptions { NSteps = 16, BatchSize = 8, NEpochs = 2 }, seed: 1),
        "a2c" => new A2c(ToyEnv.Vector(ToyEnv.Make(space), 2), new A2cOptions { NSteps = 5 }, seed: 1),
        "trpo" => new Trpo(ToyEnv.Vector(ToyEnv.Make(space), 2), new TrpoOptions { NSteps = 16, BatchSize = 8, NCriticUpdates = 2 }, seed: 1),
        _ => new Reinforce(ToyEnv.Vector(ToyEnv.Make(space), 2), new ReinforceOptions { NSteps = 16 }, seed: 1),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Runs_a_few_updates_and_predicts_valid_actions(string algo, string space)
    {
        OneThread();
        using var a = Build(algo, space);
        var r = new Recorder();
        a.Learn(96, r);
        Assert.True(a.NumUpdates >= 2);
        Assert.All(r.Updates, u => Assert.All(u.Values, kv => Assert.False(double.IsNaN(kv.Value) && kv.Key != "explained_variance", $"{kv.Key} is NaN")));
        var actionSpace = ToyEnv.Make(space);
        for (int i = 0; i < 5; i++)
        {
            var action = a.Predict([0.3f * i, 0.1f], deterministic: i % 2 == 0);
            Assert.True(actionSpace.Contains(action), $"{algo} predicted [{string.Join(", ", action)}] outside {actionSpace}");
        }
    }
}
