using PolicyGradient.Algorithms;
using PolicyGradient.Environments;
using PolicyGradient.Training;
using PolicyGradient.Training.Checkpoints;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Training;

/// <summary>Shared helpers: temp folders, the fake algorithm, a checkpoint to corrupt.</summary>
internal static class TestRuns
{
    static TestRuns() => FakeAlgorithm.Register();

    public static void EnsureRegistered() { }

    public static string TempDir()
    {
        string d = Path.Combine(Path.GetTempPath(), "pg-runlayer-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }

    public static CheckpointIdentity Identity(string? hash = "abc123abc123abc123")
    {
        using var env = Envs.Make("CartPole-v1");
        return new CheckpointIdentity(FakeAlgorithm.RegisteredName, "CartPole-v1", env.ObservationSpace.ToString(), env.ActionSpace.ToString(), hash);
    }

    /// <summary>A fake algorithm trained for a few updates.</summary>
    public static FakeAlgorithm TrainedFake(long steps = 96, long seed = 1)
    {
        EnsureRegistered();
        var algo = new FakeAlgorithm(new FakeOptions(), new AlgorithmContext("CartPole-v1", seed, CPU));
        algo.Learn(steps);
        return algo;
    }

    /// <summary>Writes one checkpoint of a trained fake into a fresh folder; returns (checkpointsDir, checkpointDir).</summary>
    public static (string CheckpointsDir, string Dir) WriteCheckpoint(string name = "step-96")
    {
        using var algo = TrainedFake();
        using var state = algo.CaptureState();
        string root = Path.Combine(TempDir(), "checkpoints");
        string dir = CheckpointStore.Write(root, name, state, Identity(), new Dictionary<string, string> { ["episode_window"] = "1,1" });
        return (root, dir);
    }

    public static void CopyDir(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
    }

    public static byte[] Bytes(Tensor t) => t.cpu().contiguous().bytes.ToArray();
}
