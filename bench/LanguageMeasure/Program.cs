// Measurements quoted in docs/language.md and docs/results-language.md (not a test, not a benchmark harness):
//   dotnet run -c Release --project bench/LanguageMeasure -- kv
//       KV-cache sampler vs recomputing the whole prefix at every step (32 prompts, 64 greedy tokens).
//   dotnet run -c Release --project bench/LanguageMeasure -- sft key=value ...
//       SFT from scratch; held-out greedy accuracy every `eval` steps; checkpoints saved at the steps in `save`
//       (folder `out`/step<N>) and at the end (folder `out`).
//       keys: task=add|countdown digits=3 layers=4 width=128 heads=4 pos=learned|rotary mlp=gelu|swiglu norm=layer|rms
//             steps=1200 batch=64 lr=1e-3 seed=0 eval=100 save=600,800 out=<dir> heldout=300 model_seed=1
//   dotnet run -c Release --project bench/LanguageMeasure -- rl init=<sft dir> key=value ...
//       GRPO-family run from a checkpoint; held-out greedy accuracy every `eval` steps.
//       keys: task=add|countdown digits=3 algo=grpo|drgrpo|dapo|rloo|reinforcepp|gspo|... steps=100 prompts=16 group=8
//             lr=1e-4 temp=1.0 epochs=1 kl=0 clip_low=<algo> clip_high=<algo> grad=1.0 seed=2 eval=25 heldout=300
//             random=1 (uniform random reward: the negative control) out=<dir to save the final policy>
//   dotnet run -c Release --project bench/LanguageMeasure -- eval init=<dir>[,<dir>...] task=add heldout=1000
//       Held-out greedy accuracy of saved checkpoints.
//   dotnet run -c Release --project bench/LanguageMeasure -- add <digits> <sft steps> <grpo steps> [grpo lr] [sft checkpoint dir] [random]
//       The first measurement (docs/language.md): SFT warm start then GRPO on Addition-v0.
// Every run prints the machine's load average at start and end (the 2-core machine is shared).
using System.Diagnostics;
using System.Globalization;
using PolicyGradient.Language.Generation;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Serialization;
using PolicyGradient.Language.Tasks;
using PolicyGradient.Language.Tokenizers;
using PolicyGradient.Language.Training;
using PolicyGradient.Training;
using TorchSharp;
using static TorchSharp.torch;

torch.set_num_threads(1);
var mode = args.Length > 0 ? args[0] : "kv";
var tok = new CharTokenizer();
var inv = CultureInfo.InvariantCulture;
var kv = args.Skip(1).Where(a => a.Contains('=')).Select(a => a.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
string S(string key, string d) => kv.TryGetValue(key, out var v) ? v : d;
int I(string key, int d) => kv.TryGetValue(key, out var v) ? int.Parse(v, inv) : d;
double D(string key, double d) => kv.TryGetValue(key, out var v) ? double.Parse(v, inv) : d;
string Load() => File.ReadAllText("/proc/loadavg").Split(' ').Take(3).Aggregate((a, b) => a + " " + b) + $", process CPU {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:F0} s";
VerifiableTask MakeTask() => S("task", "add") switch
{
    "add" => ArithmeticTask.Addition(I("digits", 3)),
    "countdown" => new CountdownTask(),
    var t => throw new ArgumentException($"unknown task {t}"),
};

if (mode == "kv") Kv();
else if (mode == "sft") Sft();
else if (mode == "rl") Rl();
else if (mode == "eval") Eval();
else Add();

void Sft()
{
    Console.WriteLine($"sft {string.Join(' ', args.Skip(1))}; load {Load()}");
    var task = MakeTask();
    var config = new TransformerConfig
    {
        VocabularySize = tok.VocabularySize, Layers = I("layers", 4), Width = I("width", 128), Heads = I("heads", 4),
        MaxPositions = I("maxpos", 48),
        Positions = S("pos", "learned") == "rotary" ? PositionKind.Rotary : PositionKind.Learned,
        Mlp = S("mlp", "gelu") == "swiglu" ? MlpKind.SwiGlu : MlpKind.Gelu,
        Norm = S("norm", "layer") == "rms" ? NormKind.RmsNorm : NormKind.LayerNorm,
        Bias = S("bias", "1") == "1",
    };
    var model = new TransformerPolicy(config, I("model_seed", 1));
    var heldOut = task.HeldOut(I("heldout", 300));
    int evalEvery = I("eval", 100);
    var saves = S("save", "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToHashSet();
    string? outDir = kv.GetValueOrDefault("out");
    var options = new SftOptions { Steps = I("steps", 1200), BatchSize = I("batch", 64), LearningRate = D("lr", 1e-3), Seed = I("seed", 0) };
    Console.WriteLine($"params {model.ParameterCount}; {config}");
    var wall = Stopwatch.StartNew();
    double evalSeconds = 0;
    long tokens = 0;
    var refs = task.SampleTrain(new PolicyGradient.Environments.Rng(options.Seed), 512);
    double meanTokens = refs.Average(s => tok.Encode(s.Prompt).Length + 1 + tok.Encode(s.Reference).Length + 1);
    SupervisedFineTuning.Train(model, task, tok, options, (s, l) =>
    {
        int done = s + 1;
        if (done % evalEvery == 0 || saves.Contains(done))
        {
            var ev = Stopwatch.StartNew();
            double acc = TaskEvaluation.GreedyAccuracy(model, task, tok, heldOut);
            evalSeconds += ev.Elapsed.TotalSeconds;
            Console.WriteLine($"sft step {done} loss {l:F4} held-out {acc:P1} train-time {wall.Elapsed.TotalSeconds - evalSeconds:F0} s (eval {evalSeconds:F0} s) load {Load()}");
            if (saves.Contains(done) && outDir is not null) HfCheckpoint.Save(model, Path.Combine(outDir, $"step{done}"));
        }
    });
    double train = wall.Elapsed.TotalSeconds - evalSeconds;
    var e = Stopwatch.StartNew();
    double final = TaskEvaluation.GreedyAccuracy(model, task, tok, heldOut);
    if (outDir is not null) HfCheckpoint.Save(model, outDir);
    Console.WriteLine($"SFT done: {options.Steps} steps, train {train:F0} s, final held-out greedy {final:P1} (eval {e.Elapsed.TotalSeconds:F1} s); " +
        $"≈{options.Steps * options.BatchSize * meanTokens / train:F0} tok/s (prompt+completion), load {Load()}");
}

void Rl()
{
    Console.WriteLine($"rl {string.Join(' ', args.Skip(1))}; load {Load()}");
    var task = MakeTask();
    var model = HfCheckpoint.Load(S("init", "/tmp/pg-sft"));
    var heldOut = task.HeldOut(I("heldout", 300));
    bool random = S("random", "0") == "1";
    var noise = new PolicyGradient.Environments.Rng(123);
    var baseOptions = new GroupTrainerOptions
    {
        Steps = I("steps", 100), PromptsPerStep = I("prompts", 16), GroupSize = I("group", 8), LearningRate = D("lr", 1e-4),
        Rollout = new() { Temperature = D("temp", 1.0) }, Epochs = I("epochs", 1), Kl = new() { Coefficient = D("kl", 0) }, MaxGradNorm = D("grad", 1.0), Seed = I("seed", 2),
        Reward = random ? (_, _, _) => (float)noise.NextDouble() : null,
    };
    var options = LanguageAlgorithms.Options(S("algo", "grpo"), baseOptions);
    if (kv.ContainsKey("clip_low")) options = options with { Clip = options.Clip with { Low = D("clip_low", 0.2) } };
    if (kv.ContainsKey("clip_high")) options = options with { Clip = options.Clip with { High = D("clip_high", 0.2) } };
    Console.WriteLine($"{options with { Reward = null }}");
    var wall = Stopwatch.StartNew();
    double evalSeconds = 0;
    var ev = Stopwatch.StartNew();
    double start = TaskEvaluation.GreedyAccuracy(model, task, tok, heldOut);
    evalSeconds += ev.Elapsed.TotalSeconds;
    Console.WriteLine($"start: held-out greedy {start:P1} (eval {evalSeconds:F1} s){(random ? " (random-reward control)" : "")}");
    var trainer = new GroupTrainer(model, task, tok, options);
    double gen = 0, train = 0, reward0 = double.NaN, rewardWindow = 0; long toks = 0, seqTokens = 0;
    int evalEvery = I("eval", 25), window = 0;
    var recent = new Queue<double>();
    for (int i = 0; i < options.Steps; i++)
    {
        var m = trainer.Step();
        gen += m.GenerationSeconds; train += m.TrainingSeconds; toks += m.GeneratedTokens;
        if (double.IsNaN(reward0)) reward0 = m.RewardMean;
        recent.Enqueue(m.RewardMean); if (recent.Count > 10) recent.Dequeue();
        rewardWindow += m.RewardMean; window++;
        if ((i + 1) % evalEvery == 0 || i == options.Steps - 1)
        {
            ev.Restart();
            double acc = TaskEvaluation.GreedyAccuracy(model, task, tok, heldOut);
            evalSeconds += ev.Elapsed.TotalSeconds;
            Console.WriteLine($"step {i + 1} held-out {acc:P1} | reward(mean of last {window}) {rewardWindow / window:F3} acc {m.Accuracy:F3} zero-std {m.ZeroStdGroupFraction:F2} " +
                $"entropy {m.Entropy:F3} clip {m.ClipFraction:F3} gradnorm {m.GradNorm:F2} len {m.ResponseLength:F1} | rl-time {wall.Elapsed.TotalSeconds - evalSeconds:F0} s load {Load()}");
            rewardWindow = 0; window = 0;
        }
    }
    double rlTime = wall.Elapsed.TotalSeconds - evalSeconds;
    ev.Restart();
    double final = TaskEvaluation.GreedyAccuracy(model, task, tok, heldOut);
    if (kv.TryGetValue("out", out var outDir)) HfCheckpoint.Save(model, outDir);
    Console.WriteLine($"RL done ({options.Estimator}/{options.Loss}/{options.Aggregation}): {options.Steps} steps, rl time {rlTime:F0} s (gen {gen:F0} s, train {train:F0} s), " +
        $"held-out greedy {start:P1} -> {final:P1}, reward first step {reward0:F3} last-10 mean {recent.Average():F3}; generation {toks / gen:F0} tok/s, training {toks / train:F0} tok/s " +
        $"(completion tokens); load {Load()}");
}

void Eval()
{
    var task = MakeTask();
    foreach (var dir in S("init", "/tmp/pg-sft").Split(','))
    {
        var sw = Stopwatch.StartNew();
        var n = I("heldout", 1000);
        double acc = TaskEvaluation.GreedyAccuracy(HfCheckpoint.Load(dir), task, tok, task.HeldOut(n));
        Console.WriteLine($"{dir}: held-out greedy {acc:P1} on {n} problems ({sw.Elapsed.TotalSeconds:F1} s)");
    }
}

void Kv()
{
    var model = new TransformerPolicy(new TransformerConfig { VocabularySize = tok.VocabularySize, Layers = 4, Width = 128, Heads = 4, MaxPositions = 128 }, 1);
    Console.WriteLine($"params {model.ParameterCount}");
    var prompts = Enumerable.Range(0, 32).Select(i => new[] { 1, 4 + i % 10, 5, 13, 6, 7, 8, 17 }).ToArray();
    var (p, m) = PromptBatch.LeftPad(prompts, 0);
    var opts = new SamplingOptions { MaxNewTokens = 64, Greedy = true, StopAtEos = false };
    for (int rep = 0; rep < 3; rep++)
    {
        using var scope = torch.NewDisposeScope();
        var sw = Stopwatch.StartNew();
        var r = Sampler.Generate(model, p, m, tok.EosId, tok.PadId, opts);
        double cached = sw.Elapsed.TotalSeconds;
        sw.Restart();
        Tensor seq = p, mask = m;
        using (torch.no_grad())
            for (int t = 0; t < 64; t++)
            {
                var next = model.Forward(seq, mask).Logits.select(1, -1).argmax(-1).unsqueeze(1);
                seq = torch.cat([seq, next], 1); mask = torch.cat([mask, torch.ones_like(next)], 1);
            }
        double full = sw.Elapsed.TotalSeconds;
        bool same = seq.narrow(1, 8, 64).eq(r.Tokens).all().item<bool>();
        Console.WriteLine($"B=32 P=8 C=64: kv-cache {cached:F3} s ({32 * 64 / cached:F0} tok/s), full recompute {full:F3} s ({32 * 64 / full:F0} tok/s), speed-up {full / cached:F1}x, same tokens {same}");
    }
}

void Add()
{
    int digits = int.Parse(args[1]); int sftSteps = int.Parse(args[2]); int rlSteps = int.Parse(args[3]);
    var task = ArithmeticTask.Addition(digits);
    double lr = args.Length > 4 ? double.Parse(args[4], inv) : 5e-5;
    string? dir = args.Length > 5 ? args[5] : null;
    var model = new TransformerPolicy(new TransformerConfig { VocabularySize = tok.VocabularySize, Layers = 4, Width = 128, Heads = 4, MaxPositions = 32 }, 1);
    var heldOut = task.HeldOut(300);
    var sw = Stopwatch.StartNew();
    if (dir is not null && File.Exists(Path.Combine(dir, "config.json")))
    {
        model = HfCheckpoint.Load(dir);
        Console.WriteLine($"loaded the SFT checkpoint {dir} (the next line's step count and time do not apply)");
    }
    else
    {
        SupervisedFineTuning.Train(model, task, tok, new SftOptions { Steps = sftSteps, BatchSize = 64, LearningRate = 1e-3 },
            (s, l) => { if (s % 100 == 0) Console.WriteLine($"sft step {s} loss {l:F4} t={sw.Elapsed.TotalSeconds:F0}s"); });
        if (dir is not null) HfCheckpoint.Save(model, dir);
    }
    double sftAcc = TaskEvaluation.GreedyAccuracy(model, task, tok, heldOut);
    Console.WriteLine($"params {model.ParameterCount}; after SFT ({sftSteps} steps, {sw.Elapsed.TotalSeconds:F0} s): held-out greedy accuracy {sftAcc:P1}");
    sw.Restart();
    bool random = args.Length > 6 && args[6] == "random";
    var noise = new PolicyGradient.Environments.Rng(123);
    var trainer = new GroupTrainer(model, task, tok, new GroupTrainerOptions
    {
        PromptsPerStep = 16, GroupSize = 8, LearningRate = lr, Seed = 2,
        Reward = random ? (_, _, _) => (float)noise.NextDouble() : null,
    });
    Console.WriteLine($"params {model.ParameterCount}; start: held-out greedy accuracy {TaskEvaluation.GreedyAccuracy(model, task, tok, heldOut):P1}{(random ? " (random-reward control)" : "")}");
    double gen = 0, train = 0; long toks = 0;
    for (int i = 0; i < rlSteps; i++)
    {
        var mt = trainer.Step();
        gen += mt.GenerationSeconds; train += mt.TrainingSeconds; toks += mt.GeneratedTokens;
        if (i % 10 == 0) Console.WriteLine($"grpo step {i} reward {mt.RewardMean:F3} acc {mt.Accuracy:F3} zero-std {mt.ZeroStdGroupFraction:F2} clip {mt.ClipFraction:F3} gradnorm {mt.GradNorm:F3}");
    }
    double rlAcc = TaskEvaluation.GreedyAccuracy(model, task, tok, heldOut);
    Console.WriteLine($"after GRPO ({rlSteps} steps, lr {lr}, {sw.Elapsed.TotalSeconds:F0} s): held-out greedy accuracy {rlAcc:P1}; generation {toks / gen:F0} tok/s, training {toks / train:F0} tok/s");
}
