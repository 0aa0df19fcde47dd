using System.Globalization;
using System.Text;
using PolicyGradient.Algorithms;
using PolicyGradient.Serialization;
using PolicyGradient.Core;

namespace PolicyGradient.Training.Callbacks;

/// <summary>
/// progress.csv: one row per update — timesteps, updates, wall seconds, the standard metrics in a
/// fixed order, then any other metric keys in alphabetical order. Each row is written whole with
/// one write and flushed, so a killed process leaves at most one torn last row, which
/// <see cref="TruncateForResume"/> removes along with rows newer than the checkpoint.
/// </summary>
public sealed class ProgressCsvCallback : ITrainingCallback, IDisposable
{
    /// <summary>Columns every file has, in this order (missing values are empty).</summary>
    public static readonly string[] StandardColumns =
    [
        "timesteps", "updates", "wall_seconds", "episode_return_mean", "episode_length_mean", "eval_return_mean",
        "policy_loss", "value_loss", "entropy", "approx_kl", "clip_fraction", "explained_variance",
        "learning_rate", "clip_range", "grad_norm", "sps",
    ];

    readonly string _path;
    readonly double _wallOffset;
    List<string> _columns;
    FileStream? _stream;

    /// <summary>Appends to <paramref name="path"/> (keeping its header when it exists); wall seconds are offset by the time before a resume.</summary>
    public ProgressCsvCallback(string path, double wallSecondsOffset = 0)
    {
        _path = path;
        _wallOffset = wallSecondsOffset;
        _columns = File.Exists(path) && ReadHeader(path) is { Count: > 0 } h ? h : [.. StandardColumns];
    }

    static List<string>? ReadHeader(string path)
    {
        using var reader = new StreamReader(path);
        return reader.ReadLine()?.Split(',').ToList();
    }

    /// <inheritdoc />
    public bool OnUpdateEnd(IAlgorithm algorithm, UpdateMetrics metrics)
    {
        var extras = metrics.Values.Keys.Where(k => !_columns.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (extras.Count > 0 || _stream is null && !File.Exists(_path))
        {
            // A new metric key: rewrite the file once with the wider header (old rows get empty cells).
            _stream?.Dispose(); _stream = null;
            var old = File.Exists(_path) ? File.ReadAllLines(_path).Skip(1).Where(l => l.Length > 0).ToList() : [];
            int oldCount = _columns.Count;
            _columns.AddRange(extras);
            var sb = new StringBuilder().Append(string.Join(',', _columns)).Append('\n');
            foreach (string row in old) sb.Append(row).Append(',', _columns.Count - oldCount).Append('\n');
            AtomicFile.WriteAllText(_path, sb.ToString());
        }
        _stream ??= new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read);
        var line = new StringBuilder();
        for (int i = 0; i < _columns.Count; i++)
        {
            if (i > 0) line.Append(',');
            string c = _columns[i];
            line.Append(c switch
            {
                "timesteps" => metrics.Timesteps.ToString(CultureInfo.InvariantCulture),
                "updates" => metrics.Updates.ToString(CultureInfo.InvariantCulture),
                "wall_seconds" => (metrics.WallSeconds + _wallOffset).ToString("0.###", CultureInfo.InvariantCulture),
                _ => metrics.Values.TryGetValue(c, out double v) ? v.ToString("R", CultureInfo.InvariantCulture) : "",
            });
        }
        line.Append('\n');
        _stream.Write(Encoding.UTF8.GetBytes(line.ToString()));
        _stream.Flush();
        return true;
    }

    /// <inheritdoc />
    public void OnTrainingEnd(IAlgorithm algorithm) => Dispose();

    /// <inheritdoc />
    public void Dispose() { _stream?.Dispose(); _stream = null; }

    /// <summary>
    /// Keeps the header and the complete rows with updates ≤ <paramref name="maxUpdates"/> (the
    /// checkpoint being resumed), dropping a torn last row and rows the resumed run will write again.
    /// </summary>
    public static void TruncateForResume(string path, int maxUpdates)
    {
        if (!File.Exists(path)) return;
        string text = File.ReadAllText(path);
        var lines = text.Split('\n');
        if (!text.Contains('\n') || lines[0].Length == 0) { File.Delete(path); return; }   // not even a whole header
        var header = lines[0].Split(',');
        int updatesCol = Array.IndexOf(header, "updates");
        var sb = new StringBuilder().Append(lines[0]).Append('\n');
        // The element after the last '\n' is "" or a torn row: never kept.
        for (int i = 1; i < lines.Length - 1; i++)
        {
            var cells = lines[i].Split(',');
            if (cells.Length != header.Length) continue;
            if (updatesCol >= 0 && (!int.TryParse(cells[updatesCol], NumberStyles.Integer, CultureInfo.InvariantCulture, out int u) || u > maxUpdates)) continue;
            sb.Append(lines[i]).Append('\n');
        }
        AtomicFile.WriteAllText(path, sb.ToString());
    }
}
