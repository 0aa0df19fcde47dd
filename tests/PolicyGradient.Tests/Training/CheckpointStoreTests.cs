using System.Text.RegularExpressions;
using PolicyGradient.Algorithms;
using PolicyGradient.Training.Checkpoints;
using PolicyGradient.Training;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Training;

public class CheckpointStoreTests
{
    [Fact]
    public void Round_trip_restores_weights_counters_generator_and_env_state_exactly()
    {
        using var algo = TestRuns.TrainedFake(96);
        using var state = algo.CaptureState();
        string root = Path.Combine(TestRuns.TempDir(), "checkpoints");
        string dir = CheckpointStore.Write(root, "step-96", state, TestRuns.Identity());
        Assert.Equal(["env-state.bin", "manifest.json", "model.safetensors"], Directory.GetFiles(dir).Select(Path.GetFileName).Order());

        var (loaded, manifest) = CheckpointStore.Load(dir, TestRuns.Identity());
        using (loaded)
        {
            Assert.Equal(96, manifest.NumTimesteps);
            Assert.Equal(algo.NumUpdates, manifest.NumUpdates);
            Assert.Equal(TestRuns.Bytes(state.Tensors["policy.weight"]), TestRuns.Bytes(loaded.Tensors["policy.weight"]));
            Assert.Equal(state.EnvironmentState, loaded.EnvironmentState);
            using var copy = new FakeAlgorithm(new FakeOptions(), new AlgorithmContext("CartPole-v1", 99, CPU));
            copy.RestoreState(loaded);
            // Continuing both must give identical weights: everything that matters was restored.
            algo.Learn(192); copy.Learn(192);
            Assert.Equal(TestRuns.Bytes(algo.Weight), TestRuns.Bytes(copy.Weight));
        }
    }

    [Fact]
    public void Manifest_records_format_library_identity_and_every_file_hash()
    {
        var (_, dir) = TestRuns.WriteCheckpoint();
        string json = File.ReadAllText(Path.Combine(dir, "manifest.json"));
        Assert.Contains("\"format_version\": 1", json);
        Assert.Contains("\"algorithm\": \"fake\"", json);
        Assert.Contains("\"env_id\": \"CartPole-v1\"", json);
        Assert.Matches(new Regex("\"model.safetensors\": \\{\\s*\"sha256\": \"[0-9a-f]{64}\",\\s*\"size\": \\d+"), json);
        Assert.Matches(new Regex("\"checksum\": \"[0-9a-f]{64}\"\\s*\\}\\s*$"), json);
    }

    static string LoadError(string dir, CheckpointIdentity? id = null) =>
        Assert.Throws<CheckpointException>(() => CheckpointStore.Load(dir, id ?? TestRuns.Identity()).State.Dispose()).Message;

    [Fact]
    public void Wrong_algorithm_is_rejected() =>
        Assert.Contains("checkpoint is for algorithm 'fake', not 'ppo'", LoadError(TestRuns.WriteCheckpoint().Dir, TestRuns.Identity() with { Algorithm = "ppo" }));

    [Fact]
    public void Wrong_environment_is_rejected() =>
        Assert.Contains("checkpoint is for environment 'CartPole-v1', not 'Acrobot-v1'", LoadError(TestRuns.WriteCheckpoint().Dir, TestRuns.Identity() with { EnvId = "Acrobot-v1" }));

    [Fact]
    public void Wrong_observation_shape_is_rejected() =>
        Assert.Contains("observation space", LoadError(TestRuns.WriteCheckpoint().Dir, TestRuns.Identity() with { ObservationSpace = "Box(6)" }));

    [Fact]
    public void Different_configuration_is_rejected() =>
        Assert.Contains("different configuration", LoadError(TestRuns.WriteCheckpoint().Dir, TestRuns.Identity("ffffffffffffffffffff")));

    [Fact]
    public void Truncated_file_is_rejected()
    {
        var (_, dir) = TestRuns.WriteCheckpoint();
        string model = Path.Combine(dir, "model.safetensors");
        long size = new FileInfo(model).Length;
        using (var fs = new FileStream(model, FileMode.Open)) fs.SetLength(size - 10);
        Assert.EndsWith($"model.safetensors is truncated ({size - 10} of {size} bytes)", LoadError(dir));
    }

    [Fact]
    public void Flipped_byte_is_a_checksum_mismatch()
    {
        var (_, dir) = TestRuns.WriteCheckpoint();
        string env = Path.Combine(dir, "env-state.bin");
        var bytes = File.ReadAllBytes(env);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(env, bytes);
        Assert.Contains("env-state.bin checksum mismatch", LoadError(dir));
    }

    [Fact]
    public void Newer_format_version_is_rejected_before_anything_else()
    {
        var (_, dir) = TestRuns.WriteCheckpoint();
        string path = Path.Combine(dir, "manifest.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"format_version\": 1", "\"format_version\": 2"));
        Assert.Contains("checkpoint format version 2 is newer than this build reads (up to 1)", LoadError(dir));
    }

    [Fact]
    public void Edited_manifest_is_rejected()
    {
        var (_, dir) = TestRuns.WriteCheckpoint();
        string path = Path.Combine(dir, "manifest.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"num_timesteps\": 96", "\"num_timesteps\": 960"));
        Assert.Contains("manifest.json checksum mismatch", LoadError(dir));
    }

    [Theory]
    [InlineData("env-state.bin")]
    [InlineData("model.safetensors")]
    [InlineData("manifest.json")]
    public void Missing_file_is_rejected(string file)
    {
        var (_, dir) = TestRuns.WriteCheckpoint();
        File.Delete(Path.Combine(dir, file));
        Assert.Contains($"missing file {file}", LoadError(dir));
    }

    [Fact]
    public void Latest_complete_skips_temp_folders_and_corrupt_newer_checkpoints_with_a_warning()
    {
        var (root, dir96) = TestRuns.WriteCheckpoint("step-96");
        TestRuns.CopyDir(dir96, Path.Combine(root, "step-200"));
        File.Delete(Path.Combine(root, "step-200", "env-state.bin"));
        Directory.CreateDirectory(Path.Combine(root, ".tmp-step-300-1-abc"));
        var warnings = new List<string>();
        string? latest = CheckpointStore.LatestComplete(Path.GetDirectoryName(root)!, warnings);
        Assert.Equal(dir96, latest);
        Assert.Contains("missing file env-state.bin", Assert.Single(warnings));
    }

    [Fact]
    public void Prune_keeps_the_newest_k_and_removes_leftovers()
    {
        var (root, dir) = TestRuns.WriteCheckpoint("step-96");
        foreach (string n in new[] { "step-10", "step-1000", "step-500", ".tmp-step-7-1-x", "final" }) TestRuns.CopyDir(dir, Path.Combine(root, n));
        CheckpointStore.Prune(root, 2);
        Assert.Equal(["final", "step-1000", "step-500"], Directory.GetDirectories(root).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Failure_during_a_write_leaves_the_previous_checkpoint_intact_and_no_partial_folder()
    {
        var (root, final) = TestRuns.WriteCheckpoint("final");
        byte[] before = File.ReadAllBytes(Path.Combine(final, "model.safetensors"));
        using var algo = TestRuns.TrainedFake(160);
        using var state = algo.CaptureState();
        var e = Assert.Throws<IOException>(() => CheckpointStore.Write(root, "final", state, TestRuns.Identity(), null,
            afterFile: p => { if (p.EndsWith("env-state.bin", StringComparison.Ordinal)) throw new IOException("No space left on device"); }));
        Assert.Contains("could not write checkpoint", e.Message);
        Assert.Contains("No space left on device", e.Message);
        Assert.Equal(["final"], Directory.GetDirectories(root).Select(Path.GetFileName));
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(final, "model.safetensors")));
        CheckpointStore.Verify(final);
    }

    [Fact]
    public void Unwritable_location_gives_a_clear_io_error()
    {
        string file = Path.Combine(TestRuns.TempDir(), "not-a-folder");
        File.WriteAllText(file, "x");
        using var algo = TestRuns.TrainedFake(32);
        using var state = algo.CaptureState();
        var e = Assert.Throws<IOException>(() => CheckpointStore.Write(Path.Combine(file, "checkpoints"), "step-32", state, TestRuns.Identity()));
        Assert.StartsWith($"could not write checkpoint {Path.Combine(file, "checkpoints", "step-32")}", e.Message);
    }
}
