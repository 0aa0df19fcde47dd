using PolicyGradient.Algorithms;
using PolicyGradient.Core;
using PolicyGradient.Export;
using PolicyGradient.Training;

namespace PolicyGradient.Tests.Deploy;

/// <summary>One trained policy of the Deploy tests: the algorithm, its env, its saved run folder and its export.</summary>
public sealed record TrainedPolicy(string Name, string EnvId, IAlgorithm Algorithm, string RunDir, ExportedPolicy Exported);

/// <summary>
/// Trains the Deploy tests' policies once (short runs: the policies need not be good, the exported
/// actions must match): PPO on CartPole (with observation normalization), Pendulum (Box, clipped mean)
/// and InventoryLostSales; SAC on Pendulum (squashed head) and on CartPole (discrete SAC). Each is saved
/// as a run folder for the CLI tests.
/// </summary>
public sealed class DeployFixture : IDisposable
{
    readonly string _root = Path.Combine(Path.GetTempPath(), "pg-deploy-" + Guid.NewGuid().ToString("N"));

    public DeployFixture()
    {
        Directory.CreateDirectory(_root);
        var onPolicy = new PpoOptions { NEnvs = 2, NSteps = 128, BatchSize = 64, NEpochs = 2 };
        Policies = new[]
        {
            Train("ppo-cartpole", "CartPole-v1", () => new Ppo("CartPole-v1", onPolicy with { NormalizeObservations = true }, seed: 3), 1024),
            Train("ppo-pendulum", "Pendulum-v1", () => new Ppo("Pendulum-v1", onPolicy with { NormalizeObservations = true }, seed: 4), 512),
            Train("ppo-inventory", "InventoryLostSales-v0", () => new Ppo("InventoryLostSales-v0", onPolicy, seed: 5), 512),
            Train("sac-pendulum", "Pendulum-v1", () => new Sac("Pendulum-v1", new SacOptions { NetArch = [32, 32], BatchSize = 16, LearningStarts = 50, LogInterval = 50 }, seed: 6), 150),
            Train("sac-cartpole", "CartPole-v1", () => new Sac("CartPole-v1", new SacOptions { NetArch = [16], BatchSize = 8, LearningStarts = 10, LogInterval = 20 }, seed: 7), 60),
        }.ToDictionary(p => p.Name);
    }

    public IReadOnlyDictionary<string, TrainedPolicy> Policies { get; }

    TrainedPolicy Train(string name, string envId, Func<IAlgorithm> make, long steps)
    {
        var algorithm = make();
        algorithm.Learn(steps);
        string dir = algorithm.Save(Path.Combine(_root, name));
        return new TrainedPolicy(name, envId, algorithm, dir, PolicyExport.FromAlgorithm(algorithm));
    }

    /// <summary>A fresh scratch folder under the fixture's root.</summary>
    public string Scratch(string name)
    {
        string dir = Path.Combine(_root, "scratch", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public void Dispose()
    {
        foreach (var p in Policies.Values) p.Algorithm.Dispose();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
