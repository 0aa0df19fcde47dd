using System.Runtime.InteropServices;
using PolicyGradient.Environments;
using TorchSharp;

namespace PolicyGradient.Language.Training;

/// <summary>
/// The files a language trainer's resumable state is kept in: optimizer.bin (TorchSharp's own
/// tensor format for optimizer state: plain numbers, nothing executed on load) and the seeded
/// generators' states as bytes.
/// </summary>
internal static class TrainerStateFiles
{
    public const string OptimizerFile = "optimizer.bin";

    public static void SaveOptimizer(torch.optim.Optimizer optimizer, string dir, string file = OptimizerFile)
    {
        using var stream = File.Create(Path.Combine(dir, file));
        using var writer = new BinaryWriter(stream);
        ((TorchSharp.Modules.OptimizerHelper)optimizer).save_state_dict(writer);
    }

    public static void LoadOptimizer(torch.optim.Optimizer optimizer, string dir, string file = OptimizerFile)
    {
        string path = Path.Combine(dir, file);
        if (!File.Exists(path)) throw new InvalidDataException($"{dir}: missing {file} (not a resumable checkpoint)");
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        ((TorchSharp.Modules.OptimizerHelper)optimizer).load_state_dict(reader);
    }

    public static byte[] RngBytes(Rng rng) => MemoryMarshal.AsBytes(rng.GetState().AsSpan()).ToArray();

    public static void SetRng(Rng rng, byte[] bytes)
    {
        if (bytes.Length != 48) throw new InvalidDataException($"random stream state has {bytes.Length} bytes, expected 48");
        rng.SetState(MemoryMarshal.Cast<byte, ulong>(bytes));
    }
}
