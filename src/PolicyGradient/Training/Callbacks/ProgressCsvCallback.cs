using System.Globalization;
using System.Text;
using PolicyGradient.Algorithms;
using PolicyGradient.Serialization;
using PolicyGradient.Core;

namespace PolicyGradient.Training.Callbacks;

/// <summary>
/// progress.csv: one row per update — the progress counter, updates, wall seconds, the standard
/// metrics in a fixed order, then any other metric keys in alphabetical order. Environment runs use
/// <see cref="StandardColumns"/>; a language run gives its own (step, wall_seconds, the trainer's
/// metrics, heldout_accuracy), the progress counter then being its "step" column. Each row is written whole with
/// one write and flushed, so a killed process leaves at most one torn last row, which
/// <see cref="TruncateForResume(string, string, long)"/> removes along with rows newer than the checkpoint.
/// </summary>
public sealed class ProgressCsvCallback : IRunCallback, IDisposable
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
    readonly string _progressColumn;
    readonly IReadOnlyDictionary<string, string> _constants;
    List<string> _columns;
    FileStream? _stream;

    /// <summary>Appends to <paramref name="path"/> (keeping its header when it exists); wall seconds are offset by the time before a resume.</summary>
    public ProgressCsvCallback(string path, double wallSecondsOffset = 0) : this(path, wallSecondsOffset, StandardColumns, "timesteps") { }

    /// <summary>A progress file with its own leading columns.</summary>
    /// <param name="path">progress.csv; appended to, keeping its header when it exists.</param>
    /// <param name="wallSecondsOffset">Wall seconds before a resume.</param>
    /// <param name="columns">Columns every row has, in this order (a new metric key adds a column after them).</param>
    /// <param name="progressColumn">The column of the progress counter (<see cref="UpdateMetrics.Timesteps"/>): "timesteps" or "step".</param>
    /// <param name="constants">Text columns with the same value in every row (e.g. "backend"), placed after <paramref name="columns"/>.</param>
    public ProgressCsvCallback(string path, double wallSecondsOffset, IReadOnlyList<string> columns, string progressColumn,
        IReadOnlyDictionary<string, string>? constants = null)
    {
        _path = path;
        _wallOffset = wallSecondsOffset;
        _progressColumn = progressColumn;
        _constants = constants ?? new Dictionary<string, string>();
        _columns = File.Exists(path) && ReadHeader(path) is { Count: > 0 } h ? h : [.. columns, .. _constants.Keys];
    }

    static List<string>? ReadHeader(string path)
    {
        using var reader = new StreamReader(path);
        return reader.ReadLine()?.Split(',').ToList();
    }

    /// <inheritdoc />
    public bool OnUpdateEnd(ILearner learner, UpdateMetrics metrics)
    {
        var extras = metrics.Values.Keys.Where(k => !_columns.Contains(k) && !_constants.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
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
                _ when c == _progressColumn => metrics.Timesteps.ToString(CultureInfo.InvariantCulture),
                _ when _constants.TryGetValue(c, out string? text) => text,
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
    public void OnTrainingEnd(ILearner learner) => Dispose();

    /// <inheritdoc />
    public void Dispose() { _stream?.Dispose(); _stream = null; }

    /// <summary>
    /// Keeps the header and the complete rows with updates ≤ <paramref name="maxUpdates"/> (the
    /// checkpoint being resumed), dropping a torn last row and rows the resumed run will write again.
    /// </summary>
    public static void TruncateForResume(string path, int maxUpdates) => TruncateForResume(path, "updates", maxUpdates);

    /// <summary>
    /// Keeps the header and the complete rows whose <paramref name="column"/> is ≤ <paramref name="max"/>
    /// (the checkpoint being resumed), dropping a torn last row and rows the resumed run will write again.
    /// </summary>
    public static void TruncateForResume(string path, string column, long max)
    {
        if (!File.Exists(path)) return;
        string text = File.ReadAllText(path);
        var lines = text.Split('\n');
        if (!text.Contains('\n') || lines[0].Length == 0) { File.Delete(path); return; }   // not even a whole header
        var header = lines[0].Split(',');
        int updatesCol = Array.IndexOf(header, column);
        var sb = new StringBuilder().Append(lines[0]).Append('\n');
        // The element after the last '\n' is "" or a torn row: never kept.
        for (int i = 1; i < lines.Length - 1; i++)
        {
            var cells = lines[i].Split(',');
            if (cells.Length != header.Length) continue;
            if (updatesCol >= 0 && (!long.TryParse(cells[updatesCol], NumberStyles.Integer, CultureInfo.InvariantCulture, out long u) || u > max)) continue;
            sb.Append(lines[i]).Append('\n');
        }
        AtomicFile.WriteAllText(path, sb.ToString());
    }
}
