using FsCheck.Xunit;
using PolicyGradient.Training.Checkpoints;
using PolicyGradient.Training;

namespace PolicyGradient.Tests.Training;

/// <summary>
/// Random byte mutations and truncations of a checkpoint's files: every one is either rejected with
/// a <see cref="CheckpointException"/> or loads exactly the original contents; nothing else escapes.
/// </summary>
public class CheckpointFuzzTests
{
    static readonly Lazy<string> Original = new(() => TestRuns.WriteCheckpoint().Dir);
    static readonly string[] Files = ["model.safetensors", "env-state.bin", "manifest.json"];

    static void CheckRejectedOrIdentical(string dir)
    {
        CheckpointManifest m;
        TorchSharp.torch.Tensor? w = null;
        byte[] env;
        try
        {
            var (state, manifest) = CheckpointStore.Load(dir, TestRuns.Identity());
            using (state) { w = state.Tensors["policy.weight"].clone(); env = state.EnvironmentState; m = manifest; }
        }
        catch (CheckpointException e)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
            return;
        }
        var (orig, om) = CheckpointStore.Load(Original.Value, TestRuns.Identity());
        using (orig)
        using (w)
        {
            Assert.Equal(TestRuns.Bytes(orig.Tensors["policy.weight"]), TestRuns.Bytes(w));
            Assert.Equal(orig.EnvironmentState, env);
            Assert.Equal(om.NumTimesteps, m.NumTimesteps);
            Assert.Equal(om.Values, m.Values);
        }
    }

    static string Copy()
    {
        string dir = Path.Combine(TestRuns.TempDir(), "checkpoints", "step-96");
        TestRuns.CopyDir(Original.Value, dir);
        return dir;
    }

    [Property(MaxTest = 150)]
    public void Byte_mutations_are_rejected_or_harmless(int fileIndex, int position, byte value)
    {
        string dir = Copy();
        string path = Path.Combine(dir, Files[(fileIndex & int.MaxValue) % Files.Length]);
        var bytes = File.ReadAllBytes(path);
        bytes[(position & int.MaxValue) % bytes.Length] = value;
        File.WriteAllBytes(path, bytes);
        CheckRejectedOrIdentical(dir);
        Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(dir)!)!, true);
    }

    [Property(MaxTest = 60)]
    public void Truncations_are_rejected_or_harmless(int fileIndex, int length)
    {
        string dir = Copy();
        string path = Path.Combine(dir, Files[(fileIndex & int.MaxValue) % Files.Length]);
        long size = new FileInfo(path).Length;
        using (var fs = new FileStream(path, FileMode.Open)) fs.SetLength((length & int.MaxValue) % (size + 1));
        CheckRejectedOrIdentical(dir);
        Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(dir)!)!, true);
    }

    [Property(MaxTest = 40)]
    public void Several_random_mutations_at_once_are_rejected_or_harmless(int seed)
    {
        string dir = Copy();
        var rng = new Random(seed);
        for (int k = 0; k < 1 + rng.Next(8); k++)
        {
            string path = Path.Combine(dir, Files[rng.Next(Files.Length)]);
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length == 0) continue;
            bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
            File.WriteAllBytes(path, bytes);
        }
        CheckRejectedOrIdentical(dir);
        Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(dir)!)!, true);
    }
}
