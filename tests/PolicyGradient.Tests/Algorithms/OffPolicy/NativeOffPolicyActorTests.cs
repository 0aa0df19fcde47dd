using PolicyGradient.Algorithms.OffPolicy;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Algorithms.OffPolicy;

/// <summary>The native acting pass against the tensor actor: same actions, same draws from the generator.</summary>
[Collection("TorchGlobalState")]
public class NativeOffPolicyActorTests
{
    [Theory]
    [InlineData("sac", 1, false)]
    [InlineData("sac", 1, true)]
    [InlineData("sac", 9, false)]  // from 8 rows: the transposed-weight product
    [InlineData("td3", 3, false)]
    [InlineData("td3", 12, true)]
    public void Acts_as_the_tensor_actor(string algorithm, int rows, bool deterministic)
    {
        var g = new torch.Generator(4);
        var nets = algorithm == "sac"
            ? OffPolicyNetworkFactory.Sac(3, 2, [64, 48], 2, initialAlpha: 0.5, g, CPU)
            : OffPolicyNetworkFactory.Td3(3, 2, [64, 48], 2, g, CPU);
        var kind = algorithm == "sac" ? OffPolicyActorKind.SquashedGaussian : OffPolicyActorKind.Deterministic;
        var tensorActor = new TensorOffPolicyActor(nets, kind, 2);
        var nativeActor = new NativeOffPolicyActor(nets, kind, 2);
        var rng = new Random(3);
        var obs = Enumerable.Range(0, rows * 3).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        var (expected, actual) = (new float[rows * 2], new float[rows * 2]);
        var (g1, g2) = (new torch.Generator(11), new torch.Generator(11));
        for (int call = 0; call < 2; call++)
        {
            tensorActor.Act(obs, rows, expected, deterministic, g1);
            nativeActor.Act(obs, rows, actual, deterministic, g2);
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-5);
            using (torch.no_grad()) nets.Actor.Data.add_(torch.randn(nets.Actor.Data.shape, generator: g).mul_(0.05.ToScalar())); // weights move between calls
        }
        Assert.Equal(g1.get_state().data<byte>().ToArray(), g2.get_state().data<byte>().ToArray()); // the same draws consumed
        NativeSacStepTests.DisposeAll(nets);
    }
}
