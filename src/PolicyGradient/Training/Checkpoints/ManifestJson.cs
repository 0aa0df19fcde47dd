using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PolicyGradient.Training.Checkpoints;

/// <summary>
/// manifest.json text: indented JSON whose last member, "checksum", is the SHA-256 of the text
/// before it, so any change to the manifest itself (a counter, a file hash) is detected too.
/// </summary>
internal static class ManifestJson
{
    const string ChecksumLead = ",\n  \"checksum\": \"";

    public static string Write(CheckpointManifest m)
    {
        var files = new JsonObject();
        foreach (var (name, (sha, size)) in m.Files.OrderBy(f => f.Key, StringComparer.Ordinal))
            files[name] = new JsonObject { ["sha256"] = sha, ["size"] = size };
        var root = new JsonObject
        {
            ["format_version"] = m.FormatVersion,
            ["library_version"] = m.LibraryVersion,
            ["algorithm"] = m.Identity.Algorithm,
            ["env_id"] = m.Identity.EnvId,
            ["observation_space"] = m.Identity.ObservationSpace,
            ["action_space"] = m.Identity.ActionSpace,
            ["config_hash"] = m.Identity.ConfigHash,
            ["num_timesteps"] = m.NumTimesteps,
            ["num_updates"] = m.NumUpdates,
            ["values"] = Map(m.Values),
            ["run"] = Map(m.Run),
            ["files"] = files,
        };
        string body = root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }).Replace("\r\n", "\n");
        string hash = Sha(body);
        return body[..^2] + ChecksumLead + hash + "\"\n}\n";
    }

    static JsonObject Map(IReadOnlyDictionary<string, string> d)
    {
        var o = new JsonObject();
        foreach (var (k, v) in d.OrderBy(kv => kv.Key, StringComparer.Ordinal)) o[k] = v;
        return o;
    }

    static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>Parses and verifies manifest text; every failure is a <see cref="CheckpointException"/> naming the problem.</summary>
    public static CheckpointManifest Read(string text, string where)
    {
        JsonObject root;
        try { root = JsonNode.Parse(text) as JsonObject ?? throw new CheckpointException($"{where}: manifest.json is not a JSON object"); }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException) { throw new CheckpointException($"{where}: manifest.json is not valid JSON (truncated or corrupted): {e.Message}"); }
        try
        {
            // The version comes first: a newer format may change everything else, including the checksum rule.
            int version = root["format_version"]?.GetValue<int>() ?? throw new CheckpointException($"{where}: manifest.json has no format_version");
            if (version > CheckpointManifest.CurrentFormatVersion)
                throw new CheckpointException($"{where}: checkpoint format version {version} is newer than this build reads (up to {CheckpointManifest.CurrentFormatVersion}); upgrade PolicyGradient.NET");
            if (version < 1) throw new CheckpointException($"{where}: invalid format_version {version}");
            string stored = root["checksum"]?.GetValue<string>() ?? throw new CheckpointException($"{where}: manifest.json has no checksum");
            int at = text.LastIndexOf(ChecksumLead, StringComparison.Ordinal);
            if (at < 0 || Sha(text[..at] + "\n}") != stored || !text.AsSpan(at + ChecksumLead.Length).StartsWith(stored))
                throw new CheckpointException($"{where}: manifest.json checksum mismatch (the manifest was modified or corrupted)");
            string Str(string k) => root[k]?.GetValue<string>() ?? throw new CheckpointException($"{where}: manifest.json has no {k}");
            var files = new Dictionary<string, (string, long)>(StringComparer.Ordinal);
            foreach (var (name, node) in root["files"] as JsonObject ?? throw new CheckpointException($"{where}: manifest.json has no files"))
                files[name] = (node?["sha256"]?.GetValue<string>() ?? throw new CheckpointException($"{where}: file entry {name} has no sha256"),
                               node["size"]?.GetValue<long>() ?? throw new CheckpointException($"{where}: file entry {name} has no size"));
            return new CheckpointManifest
            {
                FormatVersion = version,
                LibraryVersion = Str("library_version"),
                Identity = new CheckpointIdentity(Str("algorithm"), Str("env_id"), Str("observation_space"), Str("action_space"),
                    root["config_hash"]?.GetValue<string>()),
                NumTimesteps = root["num_timesteps"]?.GetValue<long>() ?? throw new CheckpointException($"{where}: manifest.json has no num_timesteps"),
                NumUpdates = root["num_updates"]?.GetValue<int>() ?? throw new CheckpointException($"{where}: manifest.json has no num_updates"),
                Values = ReadMap(root["values"]),
                Run = ReadMap(root["run"]),
                Files = files,
            };
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or JsonException or ArgumentException or OverflowException)
        {
            throw new CheckpointException($"{where}: manifest.json has a field of the wrong type: {e.Message}");
        }
    }

    static Dictionary<string, string> ReadMap(JsonNode? node)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is JsonObject o) foreach (var (k, v) in o) d[k] = v?.GetValue<string>() ?? "";
        return d;
    }
}
