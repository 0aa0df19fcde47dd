using PolicyGradient.Algorithms;
using PolicyGradient.Algorithms.OffPolicy;
using PolicyGradient.Buffers;
using TorchSharp;
using static PolicyGradient.Tests.Algorithms.OffPolicy.NativeOffPolicyTestNetworks;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Algorithms.OffPolicy;

/// <summary>Whole native steps against the tensor steps (the definition): weights, Adam moments and targets after several steps.</summary>
[Collection("TorchGlobalState")]
public class NativeVsTensorStepTests
{
    const int Batch = 32;
    const double Lr = 1e-3, Tolerance = 1e-5;

    static OffPolicyNetworks Make(string algorithm, int critics)
    {
        var g = new torch.Generator(17);
        var nets = algorithm switch
        {
            "sac" => OffPolicyNetworkFactory.Sac(3, 2, [40, 24], critics, initialAlpha: 0.5, g, CPU),
            "sac-discrete" => OffPolicyNetworkFactory.DiscreteSac(4, 3, [40, 24], critics, initialAlpha: 0.3, g, CPU),
            _ => OffPolicyNetworkFactory.Td3(3, 2, [40, 24], critics, g, CPU),
        };
        using (torch.no_grad()) // targets differ from the online networks, so a mix-up shows
            nets.CriticTarget.Data.add_(torch.randn(nets.CriticTarget.Data.shape, generator: g).mul_(0.05.ToScalar()));
        return nets;
    }

    [Theory]
    [InlineData("sac", 2)]
    [InlineData("sac-discrete", 2)]
    [InlineData("td3", 2)]
    [InlineData("ddpg", 1)]
    [InlineData("sac", 1)]            // n_critics 1
    [InlineData("sac-discrete", 1)]
    public void Native_steps_end_where_the_tensor_steps_end(string algorithm, int critics)
    {
        using var scope = torch.NewDisposeScope();
        var tensorNets = Make(algorithm, critics);
        var nativeNets = Make(algorithm, critics);
        var sac = new SacStepSettings(0.05, algorithm == "sac" ? -2.0 : 0.5, null, 1);
        var td3 = new Td3StepSettings(0.05, algorithm == "ddpg" ? 1 : 2, algorithm == "ddpg" ? 0.0 : 0.2, 0.5);
        var tensorRequest = new OffPolicyStepRequest(algorithm, tensorNets, algorithm.StartsWith("sac") ? sac : null, algorithm.StartsWith("sac") ? null : td3, true);
        var nativeRequest = tensorRequest with { Networks = nativeNets };
        var (tensorStep, tensorBackend) = OffPolicyStepFactory.Create(tensorRequest, ComputeBackend.LibTorch, onCpu: true);
        var (nativeStep, nativeBackend) = OffPolicyStepFactory.Create(nativeRequest, ComputeBackend.Auto, onCpu: true);
        Assert.Equal(("libtorch", "native"), (tensorBackend, nativeBackend));
        bool discrete = algorithm == "sac-discrete";
        using var batch = StepReference.Batch(Batch, discrete ? 4 : 3, discrete ? 1 : 2, discrete, actions: 3);
        var gen = new torch.Generator(8);
        for (int k = 1; k <= 3; k++)
        {
            var noise = algorithm switch { "sac" => torch.randn([2, Batch, 2], generator: gen), "sac-discrete" => torch.empty(0), _ => torch.randn([Batch, 2], generator: gen) };
            var expected = tensorStep.Step(batch, noise, k, Lr);
            var actual = nativeStep.Step(batch, noise, k, Lr);
            Assert.Equal(expected.CriticLoss, actual.CriticLoss, 1e-4);
            Assert.Equal(expected.MeanQ, actual.MeanQ, 1e-4);
            if (double.IsNaN(expected.ActorLoss)) Assert.True(double.IsNaN(actual.ActorLoss));
            else Assert.Equal(expected.ActorLoss, actual.ActorLoss, 1e-4);
            if (!double.IsNaN(expected.Alpha)) Assert.Equal(expected.Alpha, actual.Alpha, 1e-6);
            if (!double.IsNaN(expected.Entropy)) Assert.Equal(expected.Entropy, actual.Entropy, 1e-4);
        }
        void Same(Tensor? expected, Tensor? actual, string what)
        {
            if (expected is null) return;
            double diff = expected.sub(actual!).abs().max().item<float>();
            Assert.True(diff < Tolerance, $"{what}: max |native − tensor| = {diff:E2}");
        }
        Same(tensorNets.Actor.Data, nativeNets.Actor.Data, "actor");
        Same(tensorNets.Critic.Data, nativeNets.Critic.Data, "critics");
        Same(tensorNets.CriticTarget.Data, nativeNets.CriticTarget.Data, "critic targets");
        Same(tensorNets.ActorTarget?.Data, nativeNets.ActorTarget?.Data, "actor target");
        Same(tensorNets.LogAlpha?.Data, nativeNets.LogAlpha?.Data, "log α");
        Same(tensorNets.CriticOptimizer.ExpAvg, nativeNets.CriticOptimizer.ExpAvg, "critic Adam m");
        Same(tensorNets.ActorOptimizer.ExpAvgSq, nativeNets.ActorOptimizer.ExpAvgSq, "actor Adam v");
        Assert.Equal(tensorNets.ActorOptimizer.Steps, nativeNets.ActorOptimizer.Steps);
        (tensorStep as IDisposable)?.Dispose();
        (nativeStep as IDisposable)?.Dispose();
        NativeSacStepTests.DisposeAll(tensorNets);
        NativeSacStepTests.DisposeAll(nativeNets);
    }

    [Fact]
    public void A_native_step_reads_weights_written_between_steps()
    {
        using var scope = torch.NewDisposeScope();
        var tensorNets = Make("sac", 2);
        var nativeNets = Make("sac", 2);
        var settings = new SacStepSettings(0.05, -2.0, null, 1);
        using var tensorStep = new TensorSacStep(tensorNets, settings);
        using var nativeStep = new NativeOffPolicyStep(new OffPolicyStepRequest("sac", nativeNets, settings, null, true), 2);
        using var batch = StepReference.Batch(Batch, 3, 2, discrete: false);
        var noise = torch.randn([2, Batch, 2], generator: new torch.Generator(8));
        nativeStep.Step(batch, noise, 1, Lr); // the native caches now hold weights that are about to be overwritten
        using (torch.no_grad()) // as a checkpoint load does: every buffer and optimizer state from the other run
        {
            foreach (var (from, to) in new[] { (tensorNets.Actor, nativeNets.Actor), (tensorNets.Critic, nativeNets.Critic), (tensorNets.CriticTarget, nativeNets.CriticTarget), (tensorNets.LogAlpha!, nativeNets.LogAlpha!) })
                to.Data.copy_(from.Data);
            foreach (var (from, to) in new[] { (tensorNets.ActorOptimizer, nativeNets.ActorOptimizer), (tensorNets.CriticOptimizer, nativeNets.CriticOptimizer), (tensorNets.AlphaOptimizer!, nativeNets.AlphaOptimizer!) })
            {
                to.ExpAvg.copy_(from.ExpAvg); to.ExpAvgSq.copy_(from.ExpAvgSq); to.Steps = from.Steps;
            }
        }
        tensorStep.Step(batch, noise, 1, Lr);
        nativeStep.Step(batch, noise, 1, Lr);
        double diff = tensorNets.Actor.Data.sub(nativeNets.Actor.Data).abs().max().item<float>();
        Assert.True(diff < Tolerance, $"actor after the step: max |native − tensor| = {diff:E2}");
        diff = tensorNets.Critic.Data.sub(nativeNets.Critic.Data).abs().max().item<float>();
        Assert.True(diff < Tolerance, $"critics after the step: max |native − tensor| = {diff:E2}");
        NativeSacStepTests.DisposeAll(tensorNets);
        NativeSacStepTests.DisposeAll(nativeNets);
    }

    [Fact]
    public void Backend_libtorch_keeps_the_tensor_step_and_native_picks_the_native_one()
    {
        var nets = Make("sac", 2);
        var request = new OffPolicyStepRequest("sac", nets, new SacStepSettings(0.005, -2, null, 1), null, false);
        var (libtorch, name) = OffPolicyStepFactory.Create(request, ComputeBackend.LibTorch, onCpu: true);
        Assert.IsType<TensorSacStep>(libtorch);
        Assert.Equal("libtorch", name);
        var (native, nativeName) = OffPolicyStepFactory.Create(request, ComputeBackend.Native, onCpu: true);
        Assert.IsType<NativeOffPolicyStep>(native);
        Assert.Equal("native", nativeName);
        (libtorch as IDisposable)?.Dispose();
        (native as IDisposable)?.Dispose();
        NativeSacStepTests.DisposeAll(nets);
    }
}
