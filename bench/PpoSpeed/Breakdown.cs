using System.Diagnostics;
using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Environments.Spaces;
using PolicyGradient.Policies;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Where the native PPO's time goes on the zoo CartPole preset, each part timed alone on one core:
/// env stepping (8 copies, 12,500 vector steps = 100k transitions), rollout inference (native
/// forward + sampling for 8 observations, 12,500 times) and the network math of one minibatch
/// (forward + backward at B = 256, 7,820 times), with the GFLOP/s that math reaches.
/// </summary>
static class Breakdown
{
    static double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    public static void Run()
    {
        torch.set_num_threads(1);
        const int vectorSteps = 12_500, minibatches = 7_820, batch = 256;
        var env = PolicyGradient.Algorithms.OnPolicy.OnPolicyCore.MakeVectorEnv("CartPole-v1", 8, null);
        env.Reset(0);
        var actions = new float[8];
        var rng = new Random(0);
        for (int t = 0; t < 500; t++) env.Step(actions); // warm-up (tiered JIT)
        var sw = Stopwatch.StartNew();
        var cpu = Cpu();
        for (int t = 0; t < vectorSteps; t++)
        {
            for (int i = 0; i < 8; i++) actions[i] = rng.Next(2);
            env.Step(actions);
        }
        double envSeconds = sw.Elapsed.TotalSeconds, envCpu = Cpu() - cpu;

        torch.random.manual_seed(0);
        var policy = ActorCriticPolicy.Create(new Box(-1, 1, 4), new Discrete(2));
        using var net = new FusedActorCritic(policy, torch.CPU);
        var layout = net.NativeLayout()!;
        var rollout = new NativeRolloutPolicy(net, layout, 8);
        var gen = new torch.Generator(1);
        var obs = new float[8 * 4];
        float[] logp = new float[8], values = new float[8];
        for (int i = 0; i < obs.Length; i++) obs[i] = (float)rng.NextDouble();
        rollout.BeginRollout(gen, 500, 8);
        for (int t = 0; t < 500; t++) rollout.Act(obs, 8, actions, logp, values);
        sw.Restart(); cpu = Cpu();
        for (int t = 0; t < vectorSteps; t++)
        {
            if (t % 32 == 0) rollout.BeginRollout(gen, 32, 8); // n_steps = 32
            rollout.Act(obs, 8, actions, logp, values);
        }
        double inferenceSeconds = sw.Elapsed.TotalSeconds, inferenceCpu = Cpu() - cpu;

        var native = new NativeActorCritic(layout, batch);
        var theta = net.Parameters.Data.detach().data<float>().ToArray();
        var grad = new float[theta.Length];
        var x = new float[batch * 4];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        var dHead = new float[batch * 2]; var dValue = new float[batch];
        for (int i = 0; i < dHead.Length; i++) dHead[i] = 1e-3f;
        for (int i = 0; i < batch; i++) dValue[i] = 1e-3f;
        for (int i = 0; i < 200; i++) { native.Forward(theta, x, batch); native.Backward(theta, x, batch, dHead, dValue, grad); } // warm-up (tiered JIT)
        sw.Restart(); cpu = Cpu();
        for (int i = 0; i < minibatches; i++) { native.Forward(theta, x, batch); native.Backward(theta, x, batch, dHead, dValue, grad); }
        double mathSeconds = sw.Elapsed.TotalSeconds, mathCpu = Cpu() - cpu;
        // FLOPs of one forward + backward: 2·B·(in·out) per product; forward 1 product per layer,
        // backward 2 (∂W, ∂X) except the first layers (no ∂X of the observations).
        long forward = 0, backward = 0;
        foreach (var l in layout.Pi.Concat(layout.Vf).Append(layout.Head).Append(layout.Value))
        {
            long f = 2L * batch * l.Inputs * l.Outputs;
            forward += f;
            backward += l.Inputs == layout.InputSize ? f : 2 * f;
        }
        double gflop = (double)(forward + backward) * minibatches / 1e9;
        Console.WriteLine($"CPU seconds: env {envCpu:F2}, inference {inferenceCpu:F2}, minibatch math {mathCpu:F2} ({gflop / mathCpu:F1} GFLOP/s of CPU time)");
        Console.WriteLine($"env: {envSeconds:F2} s for {vectorSteps * 8:N0} transitions ({vectorSteps * 8 / envSeconds / 1e6:F2} M steps/s)");
        Console.WriteLine($"rollout inference (native forward + sample, 8 obs): {inferenceSeconds:F2} s for {vectorSteps:N0} calls ({inferenceSeconds / vectorSteps * 1e6:F1} µs each)");
        Console.WriteLine($"minibatch network math (forward + backward, B = {batch}): {mathSeconds:F2} s for {minibatches:N0} ({mathSeconds / minibatches * 1e3:F3} ms each, {(forward + backward) / 1e6:F1} MFLOP each, {gflop / mathSeconds:F1} GFLOP/s)");
    }
}
