using PolicyGradient.Training;
using PolicyGradient.Training.Callbacks;
using PolicyGradient.Core;

namespace PolicyGradient.Tests.Training;

public class ProgressCsvTests
{
    static UpdateMetrics M(int update, params (string, double)[] values)
    {
        var m = new UpdateMetrics { Timesteps = update * 10, Updates = update, WallSeconds = update * 0.5 };
        foreach (var (k, v) in values) m.Values[k] = v;
        return m;
    }

    [Fact]
    public void Rows_have_the_standard_columns_then_extra_keys_alphabetically()
    {
        string path = Path.Combine(TestRuns.TempDir(), "progress.csv");
        var cb = new ProgressCsvCallback(path);
        cb.OnUpdateEnd(null!, M(1, ("policy_loss", 0.5), ("zeta", 1), ("alpha", 2)));
        cb.OnUpdateEnd(null!, M(2, ("policy_loss", 0.25)));
        cb.Dispose();
        var lines = File.ReadAllLines(path);
        Assert.Equal(string.Join(',', ProgressCsvCallback.StandardColumns) + ",alpha,zeta", lines[0]);
        Assert.Equal("10,1,0.5,,,,0.5,,,,,,,,,,2,1", lines[1]);
        Assert.Equal("20,2,1,,,,0.25,,,,,,,,,,,", lines[2]);
    }

    [Fact]
    public void A_new_metric_key_widens_the_header_and_pads_old_rows()
    {
        string path = Path.Combine(TestRuns.TempDir(), "progress.csv");
        var cb = new ProgressCsvCallback(path);
        cb.OnUpdateEnd(null!, M(1));
        cb.OnUpdateEnd(null!, M(2, ("late_key", 7)));
        cb.Dispose();
        var lines = File.ReadAllLines(path);
        Assert.EndsWith(",late_key", lines[0]);
        Assert.All(lines, l => Assert.Equal(lines[0].Count(c => c == ','), l.Count(c => c == ',')));
        Assert.EndsWith(",7", lines[2]);
    }

    [Fact]
    public void Resume_truncation_drops_rows_after_the_checkpoint_and_a_torn_last_row()
    {
        string path = Path.Combine(TestRuns.TempDir(), "progress.csv");
        var cb = new ProgressCsvCallback(path);
        for (int u = 1; u <= 10; u++) cb.OnUpdateEnd(null!, M(u, ("policy_loss", u)));
        cb.Dispose();
        File.AppendAllText(path, "110,11,5.5,,,");   // a row torn by kill -9
        ProgressCsvCallback.TruncateForResume(path, 6);
        var lines = File.ReadAllLines(path);
        Assert.Equal(7, lines.Length);
        Assert.StartsWith("60,6,", lines[^1]);
        Assert.EndsWith("\n", File.ReadAllText(path));

        // Appending after truncation continues the same columns.
        var again = new ProgressCsvCallback(path);
        again.OnUpdateEnd(null!, M(7, ("policy_loss", 7)));
        again.Dispose();
        Assert.StartsWith("70,7,", File.ReadAllLines(path)[^1]);
        Assert.Equal(8, File.ReadAllLines(path).Length);
    }

    [Fact]
    public void A_torn_header_leaves_no_file() 
    {
        string path = Path.Combine(TestRuns.TempDir(), "progress.csv");
        File.WriteAllText(path, "timesteps,upd");
        ProgressCsvCallback.TruncateForResume(path, 3);
        Assert.False(File.Exists(path));
    }
}
