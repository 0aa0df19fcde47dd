using System.Diagnostics;
using PolicyGradient.Algorithms.OffPolicy;
using PolicyGradient.Buffers;
using PolicyGradient.Optimizers;
using PolicyGradient.Policies;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Per-update cost of SAC's native step at SAC-Pendulum sizes (obs 3, act 1, 256-256 ReLU, twin critics,
/// batch 256), by phase, against the FLOP count of the update's matrix products, on 1 and 2 threads;
/// plus replay sampling (ReplayBuffer.Sample and the step's noise draw). `PpoSpeed offpolicy [updates]`.
/// </summary>
static class OffPolicySpeed
{
    const int Obs = 3, Act = 1, Batch = 256;
    static readonly int[] Hidden = [256, 256];

    public static void Run(int updates)
    {
        torch.set_num_threads(1);
        var actor = MlpLayout.Create(Obs, Hidden, 2 * Act, Activation.ReLU);
        var critic = MlpLayout.Create(Obs + Act, Hidden, 1, Activation.ReLU);
        var (flops, phases) = SacFlops(actor, critic, Batch);
        Console.WriteLine($"SAC update, obs {Obs}, act {Act}, {string.Join("-", Hidden)} ReLU, twin critics, batch {Batch}: {flops / 1e6:F1} MFLOP in matrix products per update");
        Console.WriteLine("  (the update as SB3 computes it; the native step back-propagates dQ/da only through the twin that is the min of each row, about a quarter of the actor phase less)");
        foreach (var (name, f) in phases) Console.WriteLine($"  {name,-12} {f / 1e6,7:F1} MFLOP");
        foreach (int threads in new[] { 1, 2 }) Measure(actor, critic, threads, updates, flops);
        MeasureTensor(actor, critic, Math.Max(20, updates / 20), flops);
        MeasureSampling(updates);
        MeasureActing(actor, updates);
    }

    // One env step's action (rows 1, as Pendulum's single env) through the tensor and the native actor.
    static void MeasureActing(MlpLayout layout, int calls)
    {
        var gen = new Generator(3);
        var actor = Init(gen, layout);
        var critic = Init(gen, MlpLayout.Create(Obs + Act, Hidden, 1, Activation.ReLU));
        var nets = new OffPolicyNetworks(layout, actor, new FlatAdam(actor), [MlpLayout.Create(Obs + Act, Hidden, 1, Activation.ReLU)], critic, new FlatAdam(critic), critic);
        var obs = new float[Obs]; var action = new float[Act];
        foreach (var (name, act) in new (string, IOffPolicyActor)[] { ("tensor", new TensorOffPolicyActor(nets, OffPolicyActorKind.SquashedGaussian, Act)), ("native", new NativeOffPolicyActor(nets, OffPolicyActorKind.SquashedGaussian, Act)) })
        {
            for (int i = 0; i < 200; i++) act.Act(obs, 1, action, false, gen);
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < calls; i++) act.Act(obs, 1, action, false, gen);
            Console.WriteLine($"acting (1 row, sampled): {name} actor {sw.Elapsed.TotalMicroseconds / calls:F0} us per env step");
        }
    }

    // Multiply-adds ×2 of every product (the elementwise work, Adam and Polyak are O(parameters), < 1%).
    static (double Total, (string, double)[] Phases) SacFlops(MlpLayout actor, MlpLayout critic, int b)
    {
        static double Macs(MlpLayout l) => l.Layers.Sum(x => (double)x.Inputs * x.Outputs);
        // ∂X of every layer above the first, plus the act columns of the first (∂Q/∂a) where asked.
        static double InputMacs(MlpLayout l, int firstColumns) =>
            l.Layers.Skip(1).Sum(x => (double)x.Inputs * x.Outputs) + (double)firstColumns * l.Layers[0].Outputs;
        var phases = new (string, double)[]
        {
            ("policy", 2.0 * 2 * b * Macs(actor)),                                  // actor on s and s'
            ("target", 2.0 * 2 * b * Macs(critic)),                                 // target twins on (s', ã')
            ("critic", 2 * (2.0 * b * Macs(critic) + 2.0 * b * Macs(critic) + 2.0 * b * InputMacs(critic, 0))), // fwd, ∂W, ∂X
            ("actor", 2 * (2.0 * b * Macs(critic) + 2.0 * b * InputMacs(critic, Act)) // twins on (s, ã), ∂Q/∂ã
                + 2.0 * b * Macs(actor) + 2.0 * b * InputMacs(actor, 0)),          // actor ∂W, ∂X
        };
        return (phases.Sum(p => p.Item2), phases);
    }

    static FlatParameters Init(Generator gen, params MlpLayout[] layouts)
    {
        var tensors = new List<(string, Tensor)>();
        foreach (var l in layouts)
            foreach (var layer in l.Layers)
            {
                using var bound = (1.0 / Math.Sqrt(layer.Inputs)).ToScalar();
                using var two = 2.0.ToScalar();
                tensors.Add(("w", torch.rand(new long[] { layer.Outputs, layer.Inputs }, generator: gen).mul_(two).sub_(TorchScalarsOne).mul_(bound)));
                tensors.Add(("b", torch.rand(new long[] { layer.Outputs }, generator: gen).mul_(two).sub_(TorchScalarsOne).mul_(bound)));
            }
        var flat = new FlatParameters(tensors);
        foreach (var (_, t) in tensors) t.Dispose();
        return flat;
    }

    static readonly Scalar TorchScalarsOne = 1.0.ToScalar();

    static void Measure(MlpLayout actorLayout, MlpLayout c1, int threads, int updates, double flops)
    {
        var gen = new Generator(1);
        var c2 = c1.Next();
        var actor = Init(gen, actorLayout);
        var critic = Init(gen, c1, c2);
        var target = new FlatParameters([("target", critic.Data.detach())]);
        var logAlpha = new FlatParameters([("log_alpha", torch.zeros(1))]);
        var nets = new OffPolicyNetworks(actorLayout, actor, new FlatAdam(actor), [c1, c2], critic, new FlatAdam(critic), target,
            LogAlpha: logAlpha, AlphaOptimizer: new FlatAdam(logAlpha));
        using var batch = new ReplayBatch(Batch, Obs, Act);
        batch.Observations.copy_(torch.randn(Batch, Obs)); batch.NextObservations.copy_(torch.randn(Batch, Obs));
        batch.Actions.copy_(torch.rand(Batch, Act)); batch.Rewards.copy_(torch.randn(Batch)); batch.Discounts.fill_(0.99);
        using var noise = torch.randn(2, Batch, Act);
        using var step = new NativeSacStep(nets, new SacStepSettings(0.005, -Act, null, 1), Batch, threads);
        for (int i = 1; i <= 100; i++) step.Step(batch, noise, i, 3e-4); // warm-up (tier-1 JIT, caches)
        var profile = new NativeStepProfile();
        step.Profile = profile;
        var sw = Stopwatch.StartNew();
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        for (int i = 1; i <= updates; i++) step.Step(batch, noise, 100 + i, 3e-4);
        double us = sw.Elapsed.TotalMicroseconds / updates;
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMicroseconds / updates;
        Console.WriteLine($"native SAC step, {threads} thread(s): {us:F0} us/update ({flops / us / 1e3:F1} GFLOP/s), CPU {cpu:F0} us/update; 20k updates = {us * 20000 / 1e6:F1} s");
        for (int p = 0; p < NativeStepProfile.Phases.Length; p++)
            Console.WriteLine($"  {NativeStepProfile.Phases[p],-12} {profile.MicrosecondsPerStep(p),7:F0} us");
    }

    // The libtorch step (autograd through the tensor objectives) on the same sizes, 1 intra-op thread.
    static void MeasureTensor(MlpLayout actorLayout, MlpLayout c1, int updates, double flops)
    {
        var gen = new Generator(1);
        var actor = Init(gen, actorLayout);
        var critic = Init(gen, c1, c1.Next());
        var target = new FlatParameters([("target", critic.Data.detach())]);
        var logAlpha = new FlatParameters([("log_alpha", torch.zeros(1))]);
        var nets = new OffPolicyNetworks(actorLayout, actor, new FlatAdam(actor), [c1, c1.Next()], critic, new FlatAdam(critic), target,
            LogAlpha: logAlpha, AlphaOptimizer: new FlatAdam(logAlpha));
        using var batch = new ReplayBatch(Batch, Obs, Act);
        batch.Observations.copy_(torch.randn(Batch, Obs)); batch.NextObservations.copy_(torch.randn(Batch, Obs));
        batch.Actions.copy_(torch.rand(Batch, Act)); batch.Rewards.copy_(torch.randn(Batch)); batch.Discounts.fill_(0.99);
        using var noise = torch.randn(2, Batch, Act);
        using var step = new TensorSacStep(nets, new SacStepSettings(0.005, -Act, null, 1));
        for (int i = 1; i <= 10; i++) step.Step(batch, noise, i, 3e-4);
        var sw = Stopwatch.StartNew();
        for (int i = 1; i <= updates; i++) step.Step(batch, noise, 10 + i, 3e-4);
        double us = sw.Elapsed.TotalMicroseconds / updates;
        Console.WriteLine($"libtorch SAC step (TensorSacStep, {torch.get_num_threads()} thread): {us:F0} us/update ({flops / us / 1e3:F1} GFLOP/s)");
    }

    static void MeasureSampling(int updates)
    {
        using var buffer = new ReplayBuffer(20_000, 1, Obs, Act);
        var gen = new Generator(2);
        var obs = new float[Obs]; var act = new float[Act]; var reward = new float[1]; var next = new float[Obs];
        var rng = new Random(1);
        for (int i = 0; i < 20_000; i++)
        {
            for (int j = 0; j < Obs; j++) { obs[j] = (float)rng.NextDouble(); next[j] = (float)rng.NextDouble(); }
            buffer.Add(obs, act, reward, next, next, [false], [i % 200 == 199]);
        }
        using var batch = buffer.CreateBatch(Batch);
        for (int i = 0; i < 100; i++) buffer.Sample(batch, gen);
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < updates; i++) buffer.Sample(batch, gen);
        double sample = sw.Elapsed.TotalMicroseconds / updates;
        sw.Restart();
        for (int i = 0; i < updates; i++) using (var n = torch.randn(new long[] { 2, Batch, Act }, generator: gen)) { }
        double noise = sw.Elapsed.TotalMicroseconds / updates;
        Console.WriteLine($"sampling: replay Sample {sample:F0} us, noise draw [2, {Batch}, {Act}] {noise:F0} us per update");
    }
}
