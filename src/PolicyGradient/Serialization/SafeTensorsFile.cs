using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Serialization;

/// <summary>
/// Reads and writes the safetensors format (Hugging Face): an 8-byte little-endian header length,
/// a JSON header mapping each name to {dtype, shape, data_offsets}, then the raw little-endian
/// tensor bytes. Loading executes nothing and validates every offset, so a corrupt or hostile file
/// is rejected with a message instead of crashing or running code.
/// </summary>
public static class SafeTensorsFile
{
    /// <summary>Headers larger than this are rejected (the format's own reference limit is 100 MB).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    static readonly Dictionary<ScalarType, (string Name, int Size)> DTypes = new()
    {
        [ScalarType.Float32] = ("F32", 4), [ScalarType.Float64] = ("F64", 8), [ScalarType.Float16] = ("F16", 2),
        [ScalarType.BFloat16] = ("BF16", 2), [ScalarType.Int64] = ("I64", 8), [ScalarType.Int32] = ("I32", 4),
        [ScalarType.Int16] = ("I16", 2), [ScalarType.Int8] = ("I8", 1), [ScalarType.Byte] = ("U8", 1), [ScalarType.Bool] = ("BOOL", 1),
    };

    /// <summary>Serializes named tensors (moved to CPU, made contiguous) with optional string metadata.</summary>
    public static byte[] Serialize(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (k, v) in metadata) meta[k] = v;
            header["__metadata__"] = meta;
        }
        var blobs = new List<byte[]>();
        long offset = 0;
        foreach (var (name, t) in tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!DTypes.TryGetValue(t.dtype, out var dt)) throw new NotSupportedException($"tensor '{name}': dtype {t.dtype} is not supported by safetensors here");
            using var cpu = t.detach().cpu().contiguous();
            byte[] bytes = cpu.bytes.ToArray();
            if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("big-endian hosts are not supported");
            header[name] = new JsonObject
            {
                ["dtype"] = dt.Name,
                ["shape"] = new JsonArray(t.shape.Select(s => (JsonNode)s).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes.Length),
            };
            blobs.Add(bytes);
            offset += bytes.Length;
        }
        byte[] json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int pad = (8 - json.Length % 8) % 8;   // keep the data 8-byte aligned, padding with spaces as the spec allows
        var result = new byte[8 + json.Length + pad + offset];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)(json.Length + pad));
        json.CopyTo(result, 8);
        for (int i = 0; i < pad; i++) result[8 + json.Length + i] = (byte)' ';
        long at = 8 + json.Length + pad;
        foreach (var b in blobs) { b.CopyTo(result, at); at += b.Length; }
        return result;
    }

    /// <summary>Parses a safetensors image into CPU tensors and metadata.</summary>
    /// <exception cref="InvalidDataException">The data is truncated, inconsistent or not safetensors; the message says what.</exception>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Deserialize(ReadOnlySpan<byte> data)
    {
        if (data.Length < 8) throw new InvalidDataException("not a safetensors file: shorter than its 8-byte header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(data);
        if (headerLength > MaxHeaderBytes || (long)headerLength > data.Length - 8)
            throw new InvalidDataException($"safetensors header length {headerLength} exceeds the file ({data.Length} bytes): truncated or not safetensors");
        JsonObject header;
        try
        {
            header = JsonNode.Parse(data.Slice(8, (int)headerLength).ToArray()) as JsonObject
                     ?? throw new InvalidDataException("safetensors header is not a JSON object");
        }
        catch (JsonException e) { throw new InvalidDataException($"safetensors header is not valid JSON: {e.Message}"); }

        var dataStart = 8 + (long)headerLength;
        long dataLength = data.Length - dataStart;
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var ranges = new List<(long Begin, long End, string Name)>();
        try
        {
            foreach (var (name, node) in header)
            {
                if (name == "__metadata__")
                {
                    if (node is not JsonObject meta) throw new InvalidDataException("__metadata__ must be an object of strings");
                    foreach (var (k, v) in meta)
                        metadata[k] = v is JsonValue jv && jv.TryGetValue(out string? s) ? s : throw new InvalidDataException($"metadata '{k}' is not a string");
                    continue;
                }
                if (node is not JsonObject entry) throw new InvalidDataException($"tensor '{name}': entry is not an object");
                string dtypeName = (string?)entry["dtype"] ?? throw new InvalidDataException($"tensor '{name}': missing dtype");
                var dt = DTypes.FirstOrDefault(kv => kv.Value.Name == dtypeName);
                if (dt.Value.Name is null) throw new InvalidDataException($"tensor '{name}': unsupported dtype '{dtypeName}'");
                long[] shape = (entry["shape"] as JsonArray ?? throw new InvalidDataException($"tensor '{name}': missing shape"))
                    .Select(n => n!.GetValue<long>()).ToArray();
                var offs = entry["data_offsets"] as JsonArray ?? throw new InvalidDataException($"tensor '{name}': missing data_offsets");
                if (offs.Count != 2) throw new InvalidDataException($"tensor '{name}': data_offsets must have two entries");
                long begin = offs[0]!.GetValue<long>(), end = offs[1]!.GetValue<long>();
                long count = 1;
                foreach (long d in shape)
                {
                    if (d < 0) throw new InvalidDataException($"tensor '{name}': negative dimension {d}");
                    count = checked(count * d);
                }
                if (begin < 0 || end < begin || end > dataLength)
                    throw new InvalidDataException($"tensor '{name}': data_offsets [{begin}, {end}] outside the {dataLength} data bytes (truncated file?)");
                if (end - begin != checked(count * dt.Value.Size))
                    throw new InvalidDataException($"tensor '{name}': {end - begin} bytes do not match shape [{string.Join(", ", shape)}] of {dtypeName}");
                ranges.Add((begin, end, name));
                var t = torch.empty(shape, dt.Key);
                if (count > 0) data.Slice((int)(dataStart + begin), (int)(end - begin)).CopyTo(t.bytes);
                tensors[name] = t;
            }
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException or NullReferenceException)
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw new InvalidDataException($"safetensors header is malformed: {e.Message}");
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
        ranges.Sort();
        for (int i = 1; i < ranges.Count; i++)
            if (ranges[i].Begin < ranges[i - 1].End)
            {
                foreach (var t in tensors.Values) t.Dispose();
                throw new InvalidDataException($"tensors '{ranges[i - 1].Name}' and '{ranges[i].Name}' overlap");
            }
        return (tensors, metadata);
    }

    /// <summary>Writes a file atomically: to a temporary name in the same folder, flushed to disk, then renamed.</summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        AtomicFile.WriteAllBytes(path, Serialize(tensors, metadata));

    /// <summary>Loads a file (see <see cref="Deserialize"/>).</summary>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Load(string path) =>
        Deserialize(File.ReadAllBytes(path));
}
