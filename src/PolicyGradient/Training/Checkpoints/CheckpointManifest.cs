using PolicyGradient.Core;

namespace PolicyGradient.Training.Checkpoints;

/// <summary>The contents of a checkpoint's manifest.json.</summary>
public sealed record CheckpointManifest
{
    /// <summary>Format version this build writes; loading accepts versions up to it.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>Format version of the checkpoint layout.</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>Version of the library that wrote it.</summary>
    public string LibraryVersion { get; init; } = "";

    /// <summary>Algorithm, env, spaces and config hash.</summary>
    public required CheckpointIdentity Identity { get; init; }

    /// <summary>Environment steps at the checkpoint.</summary>
    public long NumTimesteps { get; init; }

    /// <summary>Updates at the checkpoint.</summary>
    public int NumUpdates { get; init; }

    /// <summary>The algorithm's scalar values (<see cref="TrainingState.Values"/>).</summary>
    public IReadOnlyDictionary<string, string> Values { get; init; } = new Dictionary<string, string>();

    /// <summary>The run layer's own state (episode window, wall time, last checkpoint step).</summary>
    public IReadOnlyDictionary<string, string> Run { get; init; } = new Dictionary<string, string>();

    /// <summary>SHA-256 (hex) and size of every data file, by file name.</summary>
    public IReadOnlyDictionary<string, (string Sha256, long Size)> Files { get; init; } = new Dictionary<string, (string, long)>();
}
