using System.Globalization;
using System.Text;

namespace PolicyGradient.Language.Runs;

/// <summary>
/// progress.csv of a language run: step, wall_seconds, the trainer's metrics, heldout_accuracy
/// (empty on steps without an evaluation). Each row is written whole and flushed; a resume first
/// drops the rows after its checkpoint.
/// </summary>
internal sealed class LanguageProgressCsv : IDisposable
{
    readonly FileStream _stream;

    public LanguageProgressCsv(string path, IReadOnlyList<string> metricNames)
    {
        bool fresh = !File.Exists(path) || new FileInfo(path).Length == 0;
        _stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        if (fresh) Write(string.Join(',', ["step", "wall_seconds", .. metricNames, "heldout_accuracy"]) + "\n");
    }

    public void Append(int step, double wallSeconds, IReadOnlyList<double> values, double? heldOutAccuracy)
    {
        var sb = new StringBuilder();
        sb.Append(step.ToString(CultureInfo.InvariantCulture)).Append(',').Append(wallSeconds.ToString("0.###", CultureInfo.InvariantCulture));
        foreach (double v in values) sb.Append(',').Append(v.ToString("R", CultureInfo.InvariantCulture));
        sb.Append(',').Append(heldOutAccuracy is double a ? a.ToString("R", CultureInfo.InvariantCulture) : "").Append('\n');
        Write(sb.ToString());
    }

    void Write(string text)
    {
        _stream.Write(Encoding.UTF8.GetBytes(text));
        _stream.Flush();
    }

    public void Dispose() => _stream.Dispose();

    /// <summary>Keeps the header and the rows of steps ≤ <paramref name="maxStep"/> (a torn last row goes too); returns the last kept wall_seconds.</summary>
    public static double TruncateForResume(string path, int maxStep)
    {
        if (!File.Exists(path)) return 0;
        var lines = File.ReadAllText(path).Split('\n');
        var kept = new List<string> { lines[0] };
        int columns = lines[0].Split(',').Length;
        double wall = 0;
        foreach (string line in lines.Skip(1))
        {
            var cells = line.Split(',');
            if (cells.Length != columns || !int.TryParse(cells[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int step) || step > maxStep) continue;
            kept.Add(line);
            _ = double.TryParse(cells[1], NumberStyles.Float, CultureInfo.InvariantCulture, out wall);
        }
        PolicyGradient.Serialization.AtomicFile.WriteAllText(path, string.Join('\n', kept) + "\n");
        return wall;
    }
}
