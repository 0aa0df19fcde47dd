using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using PolicyGradient.Language.Runs;
using PolicyGradient.Language.Serialization;
using PolicyGradient.Language.Tokenizers;
using PolicyGradient.Language.Training;
using PolicyGradient.Tests.Training;
using PolicyGradient.Training;

namespace PolicyGradient.Tests.Cli;

/// <summary>`pg train|resume|eval` on language-model runs, in process (tiny models, a few steps).</summary>
[Collection("Console")]
public class LanguageCommandsTests
{
    static (int Code, string Out, string Err) Pg(params string[] args) => PgInProcess.Run(args);

    static readonly string[] Tiny =
        ["--set", "model.layers=1", "--set", "model.width=16", "--set", "model.heads=2", "--set", "eval_problems=10", "--set", "task.digits=1", "--quiet", "--deterministic"];

    [Fact]
    public void Unknown_task_exits_2_with_the_closest_ids()
    {
        var r = Pg("train", "grpo", "Additon-v0");
        Assert.Equal(2, r.Code);
        Assert.Contains("unknown task 'Additon-v0'; did you mean 'Addition-v0'", r.Err);
    }

    [Fact]
    public void Unknown_key_exits_2_naming_the_closest_key()
    {
        var r = Pg(["train", "sft", "Addition-v0", "--set", "batch_sise=8", "--out", Path.Combine(TestRuns.TempDir(), "x"), .. Tiny]);
        Assert.Equal(2, r.Code);
        Assert.Contains("batch_sise: unknown key (from --set); did you mean 'batch_size'?", r.Err);
        Assert.Equal(2, Pg("train", "sft", "Addition-v0", "--timesteps", "5").Code);   // language runs count steps
    }

    [Fact]
    public void Sft_then_grpo_from_it_then_eval_json_and_resume()
    {
        string root = TestRuns.TempDir(), sft = Path.Combine(root, "sft"), grpo = Path.Combine(root, "grpo");
        var t = Pg(["train", "sft", "Addition-v0", "--steps", "4", "--set", "batch_size=8", "--out", sft, .. Tiny]);
        Assert.True(t.Code == 0, t.Err);
        Assert.Contains("[sft Addition-v0] step 4/4", t.Out);
        Assert.Contains("done: 4 steps", t.Out);

        var g = Pg(["train", "grpo", "Addition-v0", "--init", sft, "--steps", "2", "--checkpoint-every", "1",
            "--set", "prompts_per_step=2", "--set", "group_size=2", "--set", "eval_problems=10", "--set", "task.digits=1", "--out", grpo, "--quiet"]);
        Assert.True(g.Code == 0, g.Err);
        Assert.Contains("from " + Path.Combine(sft, "checkpoints", "final"), g.Err);

        var e = Pg("eval", grpo, "--json");
        Assert.Equal(0, e.Code);
        Assert.Matches(new Regex(@"^\{""accuracy"":[0-9.E+-]+,""pass_at_k"":null,""k"":null,""problems"":\d+\}\r?\n$"), e.Out);
        using var json = JsonDocument.Parse(e.Out);
        var task = LanguageTasks.Create("Addition-v0", new Dictionary<string, object> { ["digits"] = 1L });
        using var policy = HfCheckpoint.Load(Path.Combine(grpo, "checkpoints", "final"));
        var problems = task.HeldOut(500);
        Assert.Equal(problems.Count, json.RootElement.GetProperty("problems").GetInt32());
        Assert.Equal(TaskEvaluation.GreedyAccuracy(policy, task, new CharTokenizer(), problems), json.RootElement.GetProperty("accuracy").GetDouble(), 12);

        var k = Pg("eval", Path.Combine(grpo, "checkpoints", "final"), "--samples", "3", "--problems", "5", "--json");
        Assert.Equal(0, k.Code);
        Assert.Matches(new Regex(@"^\{""accuracy"":[0-9.E+-]+,""pass_at_k"":[0-9.E+-]+,""k"":3,""problems"":5\}\r?\n$"), k.Out);

        var hf = Pg("eval", sft, "--split", "train", "--problems", "7");
        Assert.Equal(0, hf.Code);
        Assert.Contains("on 7 train problems", hf.Out);

        var resume = Pg("resume", grpo, "--steps", "3", "--quiet");
        Assert.True(resume.Code == 0, resume.Err);
        Assert.Contains("done: 3 steps", resume.Out);
        Assert.Equal(4, File.ReadAllLines(Path.Combine(grpo, "progress.csv")).Length);

        string bare = Path.Combine(root, "bare");   // a plain Hugging Face folder: no run configuration, so --task is needed
        Directory.CreateDirectory(bare);
        foreach (string f in new[] { "config.json", "model.safetensors" }) File.Copy(Path.Combine(sft, "checkpoints", "final", f), Path.Combine(bare, f));
        var noTask = Pg("eval", bare);
        Assert.Equal(2, noTask.Code);
        Assert.Contains("--task", noTask.Err);
        var withTask = Pg("eval", bare, "--task", "Addition-v0", "--problems", "3", "--json");
        Assert.Equal(0, withTask.Code);
        Assert.Contains("\"problems\":3}", withTask.Out);

        string empty = Path.Combine(root, "empty");
        Directory.CreateDirectory(empty);
        Assert.Equal(2, Pg("train", "grpo", "Addition-v0", "--init", empty).Code);
    }
}
