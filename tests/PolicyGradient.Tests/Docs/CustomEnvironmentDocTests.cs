using MyEnvs;
using PolicyGradient.Algorithms;
using PolicyGradient.Environments;
using PolicyGradient.Environments.Checking;
using PolicyGradient.Tests.Training;
using PolicyGradient.Training;

namespace PolicyGradient.Tests.Docs;

/// <summary>
/// docs/custom-environments.md cannot rot: its C# files are tests/Plugins/MyEnvs verbatim (the plug-in
/// the CLI tests load with --env-assembly), and its C# usage snippet is the marked part of the test
/// below, which runs.
/// </summary>
[Collection("TorchGlobalState")]
public class CustomEnvironmentDocTests
{
    static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "PolicyGradient.slnx"))) return d.FullName;
        throw new InvalidOperationException("repository root (PolicyGradient.slnx) not found above " + AppContext.BaseDirectory);
    }

    static string Doc() => File.ReadAllText(Path.Combine(RepoRoot(), "docs", "custom-environments.md")).Replace("\r\n", "\n");

    [Theory]
    [InlineData("Thermostat.cs")]
    [InlineData("MyEnvsPlugin.cs")]
    public void The_page_shows_the_plugin_files_verbatim(string file)
    {
        string code = File.ReadAllText(Path.Combine(RepoRoot(), "tests", "Plugins", "MyEnvs", file)).Replace("\r\n", "\n").TrimEnd();
        Assert.Contains("```csharp\n" + code + "\n```", Doc());
    }

    [Fact]
    public void The_page_shows_the_csharp_usage_that_this_test_runs()
    {
        string source = File.ReadAllText(Path.Combine(RepoRoot(), "tests", "PolicyGradient.Tests", "Docs", "CustomEnvironmentDocTests.cs")).Replace("\r\n", "\n");
        int start = source.IndexOf("// doc:start\n", StringComparison.Ordinal) + "// doc:start\n".Length;
        int end = source.IndexOf("        // doc:end\n", start, StringComparison.Ordinal);
        var lines = source[start..end].TrimEnd('\n').Split('\n').Select(l => l.Length >= 8 ? l[8..] : l.Trim());
        Assert.Contains(string.Join("\n", lines), Doc());
    }

    [Fact]
    public void The_csharp_usage_of_the_page_runs()
    {
        long timesteps = 2048;                                 // the page trains 100,000
        string folder = Path.Combine(TestRuns.TempDir(), "thermostat");
        // doc:start
        new MyEnvsPlugin().Register();                         // or Envs.Register(new EnvSpec("Thermostat-v0", ...)) yourself

        using var env = Envs.Make("Thermostat-v0");
        var report = EnvChecker.Check(env, seed: 0);
        foreach (var finding in report.Errors) Console.WriteLine(finding.Message);

        using var ppo = new Ppo("Thermostat-v0", new PpoOptions { NEnvs = 4, NSteps = 256 }, seed: 0);
        ppo.Learn(timesteps);
        ppo.Save(folder);

        using var model = Ppo.Load(folder);
        var (observation, _) = env.Reset(seed: 1);
        float[] action = model.Predict(observation);          // [power]: 0 off, 1 low, 2 high
        // doc:end

        Assert.True(report.Passed, string.Join("; ", report.Errors.Select(f => f.Message)));
        Assert.Contains(action[0], new[] { 0f, 1f, 2f });
        Assert.Equal(ppo.NumTimesteps, model.NumTimesteps);
        var batch = new float[2 * 32];
        for (int i = 0; i < batch.Length; i++) batch[i] = (i % 2 == 0 ? -8f : 6f) + i * 0.25f;
        Assert.Equal(ppo.Predict(batch, 32), model.Predict(batch, 32));
    }
}
