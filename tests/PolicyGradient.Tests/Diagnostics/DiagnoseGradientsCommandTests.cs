using System.Text.Json;
using PolicyGradient.Tests.Cli;

namespace PolicyGradient.Tests.Diagnostics;

/// <summary>`pg diagnose gradients` through the CLI: JSON lines, CSV, and bad input.</summary>
[Collection("TorchGlobalState")]
public class DiagnoseGradientsCommandTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("pg-diagnose-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string TrainedRun()
    {
        string run = Path.Combine(_dir, "ppo");
        var (code, _, err) = PgInProcess.Run("train", "ppo", "CartPole-v1", "--timesteps", "512", "--set", "n_envs=2", "--set", "n_steps=128", "--quiet", "--out", run);
        Assert.True(code == 0, err);
        return run;
    }

    [Fact]
    public void Json_prints_one_object_per_estimator_with_the_documented_keys_and_csv_and_plot_are_written()
    {
        string run = TrainedRun(), csv = Path.Combine(_dir, "d.csv"), png = Path.Combine(_dir, "d.png");
        var (code, output, err) = PgInProcess.Run("diagnose", "gradients", run, "--estimators", "mc,mc-value,gae:0.95",
            "--batches", "3", "--batch-size", "100", "--reference-batches", "2", "--json", "--csv", csv, "--plot", png);
        Assert.True(code == 0, err);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal("mc", first.RootElement.GetProperty("estimator").GetString());
        foreach (string key in new[] { "total_variance", "total_variance_low", "total_variance_high", "gsnr", "cosine_to_reference", "cosine_low", "cosine_high", "mse_to_reference" })
            Assert.True(first.RootElement.GetProperty(key).GetDouble() is var v && double.IsFinite(v), key);
        Assert.InRange(first.RootElement.GetProperty("cosine_low").GetDouble(), -1, first.RootElement.GetProperty("cosine_high").GetDouble());
        var table = File.ReadAllLines(csv);
        Assert.StartsWith("estimator,total_variance,", table[0]);
        Assert.Equal(4, table.Length);
        Assert.True(new FileInfo(png).Length > 1000, "the plot was not written");
    }

    [Fact]
    public void Bad_estimators_too_few_batches_and_off_policy_runs_exit_2_with_one_clear_line()
    {
        string run = TrainedRun();
        var (code, _, err) = PgInProcess.Run("diagnose", "gradients", run, "--estimators", "mc,reinforce");
        Assert.Equal(2, code);
        Assert.Contains("unknown estimator 'reinforce' (accepted: mc, mc-mean", err);
        (code, _, err) = PgInProcess.Run("diagnose", "gradients", run, "--batches", "1");
        Assert.Equal(2, code);
        Assert.Contains("--batches must be at least 2", err);
        (code, _, err) = PgInProcess.Run("diagnose", "gradients", run, "--bootstrap", "-1");
        Assert.Equal(2, code);
        Assert.Contains("--bootstrap must be at least 0", err);

        string sac = Path.Combine(_dir, "sac");
        Assert.Equal(0, PgInProcess.Run("train", "sac", "Pendulum-v1", "--timesteps", "300", "--set", "learning_starts=100", "--set", "net_arch=[8]", "--quiet", "--out", sac).Code);
        (code, _, err) = PgInProcess.Run("diagnose", "gradients", sac);
        Assert.Equal(2, code);
        Assert.Contains("gradient diagnosis needs an on-policy run", err);
    }
}
