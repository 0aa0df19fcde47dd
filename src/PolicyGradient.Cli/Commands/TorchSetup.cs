using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Cli.Commands;

/// <summary>Process-wide libtorch settings from the command line: threads, determinism, device.</summary>
internal static class TorchSetup
{
    /// <summary>The most intra-op threads accepted (libtorch would try to start them all).</summary>
    public const int MaxThreads = 1024;

    /// <summary>Applies --threads / --deterministic and returns the --device.</summary>
    public static Device Apply(int threads, bool deterministic, string device)
    {
        if (threads is < 1 or > MaxThreads) throw new UsageException($"--threads must be between 1 and {MaxThreads}, got {threads}");
        // One intra-op thread is the fastest for small networks (measured; docs/training.md, Threads).
        // Deterministic mode pins one thread (reductions then run in a fixed order); TorchSharp 0.107
        // marks use_deterministic_algorithms as not implemented, and CPU kernels need no more.
        torch.set_num_threads(deterministic ? 1 : threads);
        return device.ToLowerInvariant() switch
        {
            "cpu" => CPU,
            "cuda" or "gpu" when torch.cuda.is_available() => CUDA,
            "cuda" or "gpu" => throw new UsageException("--device cuda: CUDA is not available (this build uses the CPU libtorch package); use --device cpu"),
            _ => throw new UsageException($"--device must be cpu or cuda, got '{device}'"),
        };
    }
}
