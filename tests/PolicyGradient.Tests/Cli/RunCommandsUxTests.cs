using PolicyGradient.Tests.Training;

namespace PolicyGradient.Tests.Cli;

/// <summary>
/// `pg train|eval|resume|plot` in process: refused runs leave no folder, options for the other kind of
/// run are refused, a finished run says it is complete, plot writes the format its name asks for.
/// </summary>
[Collection("Console")]
public class RunCommandsUxTests
{
    static RunCommandsUxTests() => TestRuns.EnsureRegistered();

    static (int Code, string Out, string Err) Pg(params string[] args) => PgInProcess.Run(args);

    static readonly string[] TinySft =
        ["--steps", "2", "--set", "batch_size=4", "--set", "model.layers=1", "--set", "model.width=16", "--set", "model.heads=2",
         "--set", "eval_problems=5", "--set", "task.digits=1", "--quiet", "--deterministic"];

    static string TrainFake(string dir)
    {
        var r = Pg("train", "fake", "CartPole-v1", "--out", dir, "--timesteps", "128", "--quiet");
        Assert.True(r.Code == 0, r.Err);
        return dir;
    }

    [Fact]
    public void A_run_refused_after_resolving_its_options_leaves_no_folder()
    {
        string root = TestRuns.TempDir();
        string native = Path.Combine(root, "native");
        var r = Pg("train", "ppo", "CartPole-v1", "--set", "backend=native", "--set", "policy.activation=gelu", "--out", native, "--quiet");
        Assert.Equal(2, r.Code);
        Assert.Contains("backend=native needs", r.Err);
        Assert.DoesNotContain("pg: training", r.Err);
        Assert.False(Directory.Exists(native));

        string kwargs = Path.Combine(root, "kwargs");
        var k = Pg("train", "ppo", "CartPole-v1", "--set", "env_kwargs={no_such_kwarg: 1}", "--out", kwargs, "--quiet");
        Assert.Equal(2, k.Code);
        Assert.False(Directory.Exists(kwargs));

        string task = Path.Combine(root, "task");
        var t = Pg(["train", "sft", "Addition-v0", "--out", task, .. TinySft, "--set", "task.digits=0"]);
        Assert.Equal(2, t.Code);
        Assert.False(Directory.Exists(task));

        string positions = Path.Combine(root, "positions");   // the model cannot hold prompt + answer: found before the first step
        var p = Pg(["train", "sft", "Addition-v0", "--out", positions, .. TinySft, "--set", "model.max_positions=4"]);
        Assert.Equal(2, p.Code);
        Assert.Contains("model.max_positions: 4 is too few for Addition-v0", p.Err);
        Assert.False(Directory.Exists(positions));

        string init = Path.Combine(root, "init");   // init given through --set is checked too
        var i = Pg(["train", "grpo", "Addition-v0", "--out", init, "--set", $"init={root}", "--steps", "1", "--quiet"]);
        Assert.Equal(2, i.Code);
        Assert.StartsWith("pg: error: init: ", i.Err);
        Assert.False(Directory.Exists(init));
    }

    [Fact]
    public void Every_language_preset_passes_the_preflight()
    {
        foreach (var (algorithm, task) in PolicyGradient.Language.Runs.LanguagePresets.All)
        {
            if (task == PolicyGradient.Language.Runs.LanguagePresets.AnyTask) continue;
            var algorithms = algorithm == PolicyGradient.Language.Runs.LanguagePresets.AnyRl ? PolicyGradient.Language.Training.LanguageAlgorithms.Names : [algorithm];
            foreach (string a in algorithms)
                PolicyGradient.Cli.Commands.RunPreflight.Language(PolicyGradient.Language.Runs.LanguageRunConfig.Resolve(a, task, null, []));
        }
    }

    [Fact]
    public void Options_for_the_other_kind_of_run_are_refused_and_another_task_warns()
    {
        string root = TestRuns.TempDir();
        string classic = TrainFake(Path.Combine(root, "classic"));
        string sft = Path.Combine(root, "sft");
        var s = Pg(["train", "sft", "Addition-v0", "--out", sft, .. TinySft]);
        Assert.True(s.Code == 0, s.Err);

        var e1 = Pg("eval", sft, "--episodes", "10", "--deterministic");
        Assert.Equal(2, e1.Code);
        Assert.Contains("--episodes, --deterministic are for environment runs", e1.Err);
        var e2 = Pg("eval", classic, "--samples", "8", "--split", "train");
        Assert.Equal(2, e2.Code);
        Assert.Contains("--split, --samples are for language-model runs", e2.Err);
        var e3 = Pg("resume", classic, "--steps", "10");
        Assert.Equal(2, e3.Code);
        Assert.Contains("--steps is for language-model runs", e3.Err);
        Assert.Equal("", e1.Out + e2.Out + e3.Out);

        var other = Pg("eval", sft, "--task", "Sort-v0", "--problems", "3", "--json");
        Assert.Equal(0, other.Code);
        Assert.Contains("pg: warning: --task Sort-v0", other.Err);
        Assert.Contains("was trained on Addition-v0", other.Err);
        Assert.Contains("\"problems\":3", other.Out);
    }

    [Fact]
    public void Resume_of_a_finished_run_says_it_is_complete_and_how_to_extend_it()
    {
        string dir = TrainFake(Path.Combine(TestRuns.TempDir(), "run"));
        var done = Pg("resume", dir, "--quiet");
        Assert.Equal(0, done.Code);
        Assert.Contains("the run is complete", done.Out);
        Assert.Contains($"pg resume {dir} --timesteps ", done.Out);
        Assert.DoesNotContain("pg: resuming", done.Err);

        var smaller = Pg("resume", dir, "--timesteps", "64", "--quiet");
        Assert.Equal(2, smaller.Code);
        Assert.Contains("--timesteps 64 is not beyond", smaller.Err);

        var more = Pg("resume", dir, "--timesteps", "256", "--quiet");
        Assert.True(more.Code == 0, more.Err);
        Assert.Contains("done: 256 steps", more.Out);
    }

    [Fact]
    public void Plot_writes_the_format_its_file_name_asks_for_and_names_the_file_it_cannot_write()
    {
        string root = TestRuns.TempDir();
        string dir = TrainFake(Path.Combine(root, "run"));
        string jpg = Path.Combine(root, "curve.jpg"), svg = Path.Combine(root, "curve.svg"), png = Path.Combine(root, "curve.png");
        Assert.Equal(0, Pg("plot", dir, "--out", jpg).Code);
        Assert.Equal(0, Pg("plot", dir, "--out", svg).Code);
        Assert.Equal(0, Pg("plot", dir, "--out", png).Code);
        Assert.Equal(new byte[] { 0xFF, 0xD8, 0xFF }, File.ReadAllBytes(jpg)[..3]);
        Assert.Contains("<svg", File.ReadAllText(svg));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(png)[..4]);

        var gif = Pg("plot", dir, "--out", Path.Combine(root, "curve.gif"));
        Assert.Equal(2, gif.Code);
        Assert.Contains("use a .png, .jpg or .svg", gif.Err);

        var proc = Pg("plot", dir, "--out", "/proc/pg-test.png");
        Assert.Equal(2, proc.Code);
        Assert.Contains("cannot write /proc/pg-test.png", proc.Err);
        Assert.DoesNotContain(".pg-test.png.", proc.Err);   // not the hidden temporary file
        Assert.Equal(["curve.jpg", "curve.png", "curve.svg", "run"], Directory.EnumerateFileSystemEntries(root).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
