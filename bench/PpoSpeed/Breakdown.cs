using System.Diagnostics;
using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Environments.Spaces;
using PolicyGradient.Policies;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Where the native PPO's time goes on the zoo CartPole preset, each part timed alone on one core
/// (best wall time of 3 repetitions, after a warm-up, so other processes on the machine inflate it
/// least): env stepping (8 copies with the training wrappers, 12,500 vector steps = 100k
/// transitions), rollout inference (native forward + sampling for 8 observations, 12,500 times) and
/// the network math of one minibatch (forward + backward at B = 256, 7,820 times) with its GFLOP/s.
/// </summary>
static class Breakdown
{
    const int VectorSteps = 12_500, Minibatches = 7_820, Batch = 256;

    static double Best(Action run)
    {
        run(); // warm-up (tiered JIT)
        double best = double.MaxValue;
        for (int r = 0; r < 3; r++)
        {
            var sw = Stopwatch.StartNew();
            run();
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return best;
    }

    public static void Run()
    {
        torch.set_num_threads(1);
        var env = OnPolicyCore.MakeVectorEnv("CartPole-v1", 8, null);
        env.Reset(0);
        var actions = new float[8];
        var rng = new Random(0);
        double envSeconds = Best(() =>
        {
            for (int t = 0; t < VectorSteps; t++)
            {
                for (int i = 0; i < 8; i++) actions[i] = rng.Next(2);
                env.Step(actions);
            }
        });

        torch.random.manual_seed(0);
        var policy = ActorCriticPolicy.Create(new Box(-1, 1, 4), new Discrete(2));
        using var net = new FusedActorCritic(policy, torch.CPU);
        var layout = net.NativeLayout()!;
        var rollout = new NativeRolloutPolicy(net, layout, 8);
        var gen = new torch.Generator(1);
        var obs = new float[8 * 4];
        float[] logp = new float[8], values = new float[8];
        for (int i = 0; i < obs.Length; i++) obs[i] = (float)rng.NextDouble();
        double inferenceSeconds = Best(() =>
        {
            for (int t = 0; t < VectorSteps; t++)
            {
                if (t % 32 == 0) rollout.BeginRollout(gen, 32, 8); // n_steps = 32
                rollout.Act(obs, 8, actions, logp, values);
            }
        });

        var native = new NativeActorCritic(layout, Batch);
        var theta = net.Parameters.Data.detach().data<float>().ToArray();
        var grad = new float[theta.Length];
        var x = new float[Batch * 4];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        var dHead = new float[Batch * 2]; var dValue = new float[Batch];
        Array.Fill(dHead, 1e-3f); Array.Fill(dValue, 1e-3f);
        double mathSeconds = Best(() =>
        {
            for (int i = 0; i < Minibatches; i++) { native.Forward(theta, x, Batch); native.Backward(theta, x, Batch, dHead, dValue, grad); }
        });
        // FLOPs of one forward + backward: 2·B·in·out per product; the forward has one product per
        // layer, the backward two (∂W, ∂X) except for the first layers (no ∂X of the observations).
        long flops = 0;
        foreach (var l in layout.Pi.Concat(layout.Vf).Append(layout.Head).Append(layout.Value))
        {
            long f = 2L * Batch * l.Inputs * l.Outputs;
            flops += l.Inputs == layout.InputSize ? 2 * f : 3 * f;
        }
        Console.WriteLine($"env: {envSeconds:F2} s for {VectorSteps * 8:N0} transitions ({VectorSteps * 8 / envSeconds / 1e6:F2} M steps/s)");
        Console.WriteLine($"rollout inference (native forward + sample, 8 obs): {inferenceSeconds:F2} s for {VectorSteps:N0} calls ({inferenceSeconds / VectorSteps * 1e6:F1} µs each)");
        Console.WriteLine($"minibatch network math (forward + backward, B = {Batch}): {mathSeconds:F2} s for {Minibatches:N0} ({mathSeconds / Minibatches * 1e3:F3} ms each, {flops / 1e6:F1} MFLOP each, {flops * (double)Minibatches / 1e9 / mathSeconds:F1} GFLOP/s)");
    }
}
