using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using PolicyGradient.Serialization;
using PolicyGradient.Core;
using static TorchSharp.torch;

namespace PolicyGradient.Training.Checkpoints;

/// <summary>
/// Checkpoint folders: <c>checkpoints/step-&lt;N&gt;/</c> and <c>checkpoints/final/</c>, each holding
/// model.safetensors (every <see cref="TrainingState"/> tensor), env-state.bin and manifest.json.
/// A folder is built under a temporary name, every file flushed to disk (fsync), and only then
/// renamed into place, so a crash at any moment leaves either the previous checkpoints or the new
/// complete one — never a half-written folder under a real name.
/// </summary>
public static class CheckpointStore
{
    /// <summary>Tensor file name.</summary>
    public const string ModelFile = "model.safetensors";
    /// <summary>Environment state file name.</summary>
    public const string EnvStateFile = "env-state.bin";
    /// <summary>Manifest file name.</summary>
    public const string ManifestFile = "manifest.json";
    /// <summary>Name of the last checkpoint of a finished run.</summary>
    public const string FinalName = "final";
    const string TempPrefix = ".tmp-";
    const string OldPrefix = ".old-";

    /// <summary>The checkpoints folder of a run folder.</summary>
    public static string Folder(string runDir) => Path.Combine(runDir, "checkpoints");

    /// <summary>"step-N" for a periodic checkpoint.</summary>
    public static string StepName(long timesteps) => "step-" + timesteps.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Writes a checkpoint atomically as <paramref name="checkpointsDir"/>/<paramref name="name"/>,
    /// replacing an existing one of that name only once the new one is complete.
    /// </summary>
    /// <returns>The checkpoint folder.</returns>
    /// <exception cref="IOException">The folder is unwritable or the disk is full; the message names the path. Earlier checkpoints are untouched.</exception>
    public static string Write(string checkpointsDir, string name, TrainingState state, CheckpointIdentity identity,
        IReadOnlyDictionary<string, string>? runState = null) => Write(checkpointsDir, name, state, identity, runState, afterFile: null);

    /// <summary><see cref="Write(string, string, TrainingState, CheckpointIdentity, IReadOnlyDictionary{string, string}?)"/> with a hook called after each file is written (tests inject disk failures through it).</summary>
    internal static string Write(string checkpointsDir, string name, TrainingState state, CheckpointIdentity identity,
        IReadOnlyDictionary<string, string>? runState, Action<string>? afterFile) =>
        WritePrepared(checkpointsDir, name, Prepare(state, identity, runState), afterFile);

    /// <summary>A checkpoint serialized in memory: its files' bytes and manifest, independent of the live algorithm.</summary>
    internal sealed record Prepared(byte[] Model, byte[] Env, IReadOnlyDictionary<string, byte[]> Files, CheckpointManifest Manifest);

    /// <summary>safetensors metadata of model.safetensors: "format: pt" makes the file readable by Hugging Face loaders.</summary>
    static readonly Dictionary<string, string> ModelMetadata = new() { ["format"] = "pt" };

    /// <summary>Serializes <paramref name="state"/> (tensors to safetensors bytes) and builds the manifest; no disk access.</summary>
    internal static Prepared Prepare(TrainingState state, CheckpointIdentity identity, IReadOnlyDictionary<string, string>? runState)
    {
        byte[] model = SafeTensorsFile.Serialize(state.Tensors, ModelMetadata);
        byte[] env = state.EnvironmentState;
        var files = new Dictionary<string, (string, long)>
        {
            [ModelFile] = (Sha256(model), model.LongLength),
            [EnvStateFile] = (Sha256(env), env.LongLength),
        };
        foreach (var (name, bytes) in state.Files)
        {
            if (!IsDataFileName(name) || files.ContainsKey(name))
                throw new ArgumentException($"checkpoint file name '{name}' is not allowed (flat names only, not {ModelFile}, {EnvStateFile} or {ManifestFile})");
            files[name] = (Sha256(bytes), bytes.LongLength);
        }
        var manifest = new CheckpointManifest
        {
            LibraryVersion = LibraryVersion,
            Identity = identity,
            NumTimesteps = ReadCounter(state, "num_timesteps"),
            NumUpdates = (int)ReadCounter(state, "num_updates"),
            Values = new Dictionary<string, string>(state.Values),
            Run = new Dictionary<string, string>(runState ?? new Dictionary<string, string>()),
            Files = files,
        };
        return new Prepared(model, env, new Dictionary<string, byte[]>(state.Files, StringComparer.Ordinal), manifest);
    }

    /// <summary>Writes a prepared checkpoint atomically (temporary folder, fsync every file, rename); safe on any thread.</summary>
    internal static string WritePrepared(string checkpointsDir, string name, Prepared prepared, Action<string>? afterFile = null)
    {
        string target = Path.Combine(checkpointsDir, name);
        string tmp = Path.Combine(checkpointsDir, $"{TempPrefix}{name}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(checkpointsDir);
            Directory.CreateDirectory(tmp);
            WriteDurably(Path.Combine(tmp, ModelFile), prepared.Model, afterFile);
            WriteDurably(Path.Combine(tmp, EnvStateFile), prepared.Env, afterFile);
            foreach (var (file, bytes) in prepared.Files.OrderBy(f => f.Key, StringComparer.Ordinal))
                WriteDurably(Path.Combine(tmp, file), bytes, afterFile);
            // The manifest goes last: a folder with a valid manifest has all its data.
            WriteDurably(Path.Combine(tmp, ManifestFile), System.Text.Encoding.UTF8.GetBytes(ManifestJson.Write(prepared.Manifest)), afterFile);
            return MoveIntoPlace(checkpointsDir, name, tmp, target);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(tmp);
            throw new IOException($"could not write checkpoint {target}: {e.Message} (earlier checkpoints are intact)", e);
        }
    }

    /// <summary>Renames the complete temporary folder to its name; an existing folder of that name is replaced.</summary>
    static string MoveIntoPlace(string checkpointsDir, string name, string tmp, string target)
    {
        if (Directory.Exists(target))
        {
            string old = Path.Combine(checkpointsDir, $"{OldPrefix}{name}-{Guid.NewGuid():N}");
            Directory.Move(target, old);
            Directory.Move(tmp, target);
            Directory.Delete(old, recursive: true);
        }
        else Directory.Move(tmp, target);
        return target;
    }

    static long ReadCounter(TrainingState state, string key) =>
        state.Values.TryGetValue(key, out string? s) && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : 0;

    static void WriteDurably(string path, byte[] bytes, Action<string>? afterFile)
    {
        using (var fs = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            fs.Write(bytes);
            fs.Flush(flushToDisk: true);
        }
        afterFile?.Invoke(path);
    }

    static void TryDelete(string dir)
    {
        try { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>Deletes all but the newest <paramref name="keep"/> step-N folders and leftovers of interrupted writes.</summary>
    public static void Prune(string checkpointsDir, int keep)
    {
        if (!Directory.Exists(checkpointsDir)) return;
        foreach (string dir in Directory.GetDirectories(checkpointsDir))
        {
            string n = Path.GetFileName(dir);
            if (n.StartsWith(TempPrefix, StringComparison.Ordinal) || n.StartsWith(OldPrefix, StringComparison.Ordinal)) TryDelete(dir);
        }
        foreach (string dir in StepFolders(checkpointsDir).Skip(keep)) TryDelete(dir);
    }

    /// <summary>step-N folders, newest (largest N) first.</summary>
    static IEnumerable<string> StepFolders(string checkpointsDir) =>
        Directory.GetDirectories(checkpointsDir)
            .Select(d => (d, n: Path.GetFileName(d)))
            .Where(t => t.n.StartsWith("step-", StringComparison.Ordinal) && long.TryParse(t.n[5..], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .OrderByDescending(t => long.Parse(t.n[5..], CultureInfo.InvariantCulture))
            .Select(t => t.d);

    /// <summary>
    /// Checks a checkpoint folder without loading tensors: manifest present, parseable, not from a
    /// newer format, its own checksum right, every file present with the recorded size and SHA-256.
    /// </summary>
    /// <exception cref="CheckpointException">What is wrong, precisely.</exception>
    public static CheckpointManifest Verify(string dir)
    {
        if (!Directory.Exists(dir)) throw new CheckpointException($"{dir}: no such checkpoint folder");
        string manifestPath = Path.Combine(dir, ManifestFile);
        if (!File.Exists(manifestPath)) throw new CheckpointException($"{dir}: missing file {ManifestFile} (incomplete checkpoint)");
        string text;
        try { text = File.ReadAllText(manifestPath); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new CheckpointException($"{dir}: cannot read {ManifestFile}: {e.Message}"); }
        var m = ManifestJson.Read(text, dir);
        foreach (string required in new[] { ModelFile, EnvStateFile })
            if (!m.Files.ContainsKey(required)) throw new CheckpointException($"{dir}: manifest.json does not list {required}");
        foreach (var (name, (sha, size)) in m.Files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            if (!IsFlatName(name)) throw new CheckpointException($"{dir}: manifest.json lists an invalid file name '{name}'");
            string path = Path.Combine(dir, name);
            if (!File.Exists(path)) throw new CheckpointException($"{dir}: missing file {name}");
            long actual = new FileInfo(path).Length;
            if (actual < size) throw new CheckpointException($"{dir}: {name} is truncated ({actual} of {size} bytes)");
            if (actual != size) throw new CheckpointException($"{dir}: {name} has {actual} bytes but the manifest records {size}");
            if (Sha256(File.ReadAllBytes(path)) != sha) throw new CheckpointException($"{dir}: {name} checksum mismatch (SHA-256 differs from the manifest; the file is corrupted)");
        }
        return m;
    }

    /// <summary>Verifies and loads a checkpoint, and checks it belongs to <paramref name="expected"/> (when given).</summary>
    /// <exception cref="CheckpointException">Corrupt, incomplete, newer, or for another algorithm/env/spaces/configuration.</exception>
    public static (TrainingState State, CheckpointManifest Manifest) Load(string dir, CheckpointIdentity? expected = null)
    {
        var m = Verify(dir);
        if (expected is not null) CheckIdentity(dir, m.Identity, expected);
        Dictionary<string, Tensor> tensors;
        try { tensors = SafeTensorsFile.Load(Path.Combine(dir, ModelFile)).Tensors; }
        catch (InvalidDataException e) { throw new CheckpointException($"{dir}: {ModelFile} is not a valid safetensors file: {e.Message}", e); }
        var state = new TrainingState { EnvironmentState = File.ReadAllBytes(Path.Combine(dir, EnvStateFile)) };
        foreach (var (k, t) in tensors) state.Tensors[k] = t;
        foreach (var (k, v) in m.Values) state.Values[k] = v;
        foreach (string name in m.Files.Keys.Where(IsDataFileName).Order(StringComparer.Ordinal))
            state.Files[name] = File.ReadAllBytes(Path.Combine(dir, name));
        return (state, m);
    }

    internal static void CheckIdentity(string dir, CheckpointIdentity got, CheckpointIdentity want)
    {
        if (!string.Equals(got.Algorithm, want.Algorithm, StringComparison.OrdinalIgnoreCase))
            throw new CheckpointException($"{dir}: checkpoint is for algorithm '{got.Algorithm}', not '{want.Algorithm}'");
        if (got.EnvId != want.EnvId)
            throw new CheckpointException($"{dir}: checkpoint is for environment '{got.EnvId}', not '{want.EnvId}'");
        if (got.ObservationSpace != want.ObservationSpace)
            throw new CheckpointException($"{dir}: checkpoint's observation space {got.ObservationSpace} does not match the environment's {want.ObservationSpace}");
        if (got.ActionSpace != want.ActionSpace)
            throw new CheckpointException($"{dir}: checkpoint's action space {got.ActionSpace} does not match the environment's {want.ActionSpace}");
        if (!want.AcceptsConfigHash(got.ConfigHash))
            throw new CheckpointException($"{dir}: checkpoint was written with a different configuration (config hash {got.ConfigHash![..12]}… vs {want.ConfigHash![..12]}…); restore it with the run's own config.yaml");
    }

    /// <summary>
    /// The newest checkpoint of a run that verifies (by timesteps; `final` wins a tie), skipping
    /// temporary folders and any that fail verification (each reported in <paramref name="warnings"/>).
    /// </summary>
    /// <returns>The folder, or null when there is none.</returns>
    public static string? LatestComplete(string runDir, List<string>? warnings = null)
    {
        string dir = Folder(runDir);
        if (!Directory.Exists(dir)) return null;
        var candidates = new List<(string Dir, long Steps, bool Final)>();
        foreach (string d in StepFolders(dir)) candidates.Add((d, long.Parse(Path.GetFileName(d)[5..], CultureInfo.InvariantCulture), false));
        string final = Path.Combine(dir, FinalName);
        if (Directory.Exists(final))
        {
            long steps = long.MaxValue;
            try { steps = Verify(final).NumTimesteps; } catch (CheckpointException) { }
            candidates.Add((final, steps, true));
        }
        foreach (var c in candidates.OrderByDescending(c => c.Steps).ThenByDescending(c => c.Final))
        {
            try { Verify(c.Dir); return c.Dir; }
            catch (CheckpointException e) { warnings?.Add($"skipping checkpoint: {e.Message}"); }
        }
        return null;
    }

    static bool IsFlatName(string name) => name.Length > 0 && !name.Contains('/') && !name.Contains('\\') && !name.StartsWith('.');

    /// <summary>A name <see cref="TrainingState.Files"/> may use: flat, and none of the checkpoint's own files.</summary>
    static bool IsDataFileName(string name) => IsFlatName(name) && name is not (ModelFile or EnvStateFile or ManifestFile);

    static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>This library's version (manifest's library_version).</summary>
    public static string LibraryVersion { get; } =
        typeof(CheckpointStore).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
