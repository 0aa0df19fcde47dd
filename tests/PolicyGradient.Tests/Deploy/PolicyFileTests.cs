using PolicyGradient.Export;
using PolicyGradient.Inference;
using PolicyGradient.Policies;

namespace PolicyGradient.Tests.Deploy;

/// <summary>PolicyGradient.Inference on hand-made policies with known outputs, and its refusals of bad files.</summary>
public sealed class PolicyFileTests
{
    // obs [2] → hidden (1 unit, activation) → linear head; W and b chosen so the outputs are easy to state.
    static ExportedPolicy Tiny(ExportedHead head, Activation hidden, ExportedNormalization? n = null, int start = 0) => new(
        2, head, 2, start, n,
        [new ExportedLayer(2, 3, hidden, [1, 0, 0, 1, 1, -1], [0, 0, 0.5f]), new ExportedLayer(3, 2, null, [1, 0, 0, 0, 1, 1], [0, 0.25f])],
        head == ExportedHead.DiscreteArgmax ? null : [-1f, -0.5f], head == ExportedHead.DiscreteArgmax ? null : [1f, 0.5f], "tiny");

    [Fact]
    public void ReluNetworkGivesTheHandComputedActions()
    {
        var policy = DeployHelpers.LoadInference(Tiny(ExportedHead.BoxClippedMean, Activation.ReLU));
        var action = new float[2];
        // h = relu([x0, x1, x0 − x1 + 0.5]); head = [h0, h1 + h2 + 0.25]; clipped to [−1, 1] × [−0.5, 0.5].
        policy.Act([0.3f, -0.2f], action);
        Assert.Equal(0.3f, action[0]);
        Assert.Equal(0.5f, action[1]);                 // 0 + 1.0 + 0.25 = 1.25, clipped to 0.5
        policy.Act([-2f, -3f], action);                // h = (0, 0, 1.5), head = (0, 1.75)
        Assert.Equal(0f, action[0]);
        Assert.Equal(0.5f, action[1]);
    }

    [Fact]
    public void DiscreteHeadReturnsStartPlusArgmaxAndTheFirstIndexOnTies()
    {
        // logits = x (identity layer); the action space starts at 3.
        var policy = DeployHelpers.LoadInference(new ExportedPolicy(2, ExportedHead.DiscreteArgmax, 2, 3, null,
            [new ExportedLayer(2, 2, null, [1, 0, 0, 1], [0, 0])], null, null, "argmax"));
        Assert.Equal(3, policy.ActDiscrete([0.3f, 0.1f]));
        Assert.Equal(4, policy.ActDiscrete([0.1f, 0.3f]));
        Assert.Equal(3, policy.ActDiscrete([0.2f, 0.2f]));   // a tie: the first index, as torch.argmax
        var action = new float[1];
        policy.Act([0.1f, 0.3f], action);
        Assert.Equal(4f, action[0]);
    }

    [Fact]
    public void TanhMatchesMathTanhWithin3e7AcrossItsRange()
    {
        // One hidden unit h = tanh(x0), head = h: the clipped-mean head with wide bounds returns tanh(x0).
        var p = new ExportedPolicy(1, ExportedHead.BoxClippedMean, 1, 0, null,
            [new ExportedLayer(1, 1, Activation.Tanh, [1], [0]), new ExportedLayer(1, 1, null, [1], [0])], [-10f], [10f], "tanh");
        var policy = DeployHelpers.LoadInference(p);
        var a = new float[1];
        double worst = 0;
        for (float x = -12f; x <= 12f; x += 0.001f)
        {
            policy.Act([x], a);
            worst = Math.Max(worst, Math.Abs(a[0] - Math.Tanh(x)));
        }
        Assert.True(worst < 3e-7, $"max |tanh error| {worst}");
    }

    [Fact]
    public void NormalizationIsTheTrainersDoubleArithmetic()
    {
        var n = new ExportedNormalization([1.0, -2.0], [Math.Sqrt(4 + 1e-8), Math.Sqrt(0.25 + 1e-8)], 10);
        var p = new ExportedPolicy(2, ExportedHead.BoxClippedMean, 2, 0, n,
            [new ExportedLayer(2, 2, null, [1, 0, 0, 1], [0, 0])], [-100f, -100f], [100f, 100f], "identity");
        var policy = DeployHelpers.LoadInference(p);
        var a = new float[2];
        policy.Act([3.5f, 40f], a);
        Assert.Equal((float)((3.5 - 1.0) / Math.Sqrt(4 + 1e-8)), a[0]);
        Assert.Equal(10f, a[1]);   // (40 + 2)/0.5 = 84, clipped to 10
    }

    [Fact]
    public void SquashedHeadRescalesTanhToTheBounds()
    {
        var p = new ExportedPolicy(1, ExportedHead.BoxSquashed, 1, 0, null, [new ExportedLayer(1, 1, null, [1], [0])], [-2f], [2f], "squash");
        var policy = DeployHelpers.LoadInference(p);
        var a = new float[1];
        policy.Act([0.5f], a);
        Assert.Equal(-2f + 0.5f * (MathF.Tanh(0.5f) + 1f) * 4f, a[0]);
        policy.Act([50f], a);
        Assert.Equal(2f, a[0]);
    }

    [Fact]
    public void ActAllocatesNothing()
    {
        var policy = DeployHelpers.LoadInference(new ExportedPolicy(4, ExportedHead.DiscreteArgmax, 2, 0, null,
            [new ExportedLayer(4, 64, Activation.Tanh, new float[256], new float[64]), new ExportedLayer(64, 64, Activation.Tanh, new float[4096], new float[64]),
             new ExportedLayer(64, 2, null, new float[128], new float[2])], null, null, "zeros"));
        var obs = new float[4];
        var action = new float[1];
        policy.Act(obs, action);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) policy.Act(obs, action);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void BadFilesAndBadSpansAreRefusedWithAClearMessage()
    {
        var notOurs = Assert.Throws<InvalidDataException>(() => PolicyFile.Load(new MemoryStream("hello world, not a policy"u8.ToArray())));
        Assert.Contains("not a .pgpolicy file", notOurs.Message);
        byte[] bytes = DeployHelpers.PgPolicyBytes(Tiny(ExportedHead.BoxClippedMean, Activation.Tanh));
        var truncated = Assert.Throws<InvalidDataException>(() => PolicyFile.Load(new MemoryStream(bytes[..^5])));
        Assert.Contains("ends early", truncated.Message);
        var future = (byte[])bytes.Clone();
        future[8] = 3;
        var version = Assert.Throws<InvalidDataException>(() => PolicyFile.Load(new MemoryStream(future)));
        Assert.Contains("format version 3", version.Message);
        var policy = PolicyFile.Load(new MemoryStream(bytes));
        Assert.Throws<ArgumentException>(() => policy.Act(new float[3], new float[2]));
        Assert.Throws<ArgumentException>(() => policy.Act(new float[2], new float[1]));
        Assert.Throws<InvalidOperationException>(() => policy.ActDiscrete(new float[2]));
    }
}
