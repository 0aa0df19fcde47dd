// Measurements quoted in docs/language.md (not a test, not a benchmark harness):
//   dotnet run -c Release --project bench/LanguageMeasure -- kv
//       KV-cache sampler vs recomputing the whole prefix at every step (32 prompts, 64 greedy tokens).
//   dotnet run -c Release --project bench/LanguageMeasure -- add <digits> <sft steps> <grpo steps> [grpo lr] [sft checkpoint dir] [random]
//       SFT warm start then GRPO on Addition-v0, held-out greedy accuracy before and after. With a checkpoint
//       folder, SFT is loaded from it when present (HfCheckpoint) and saved to it otherwise. "random" replaces the
//       reward by a seeded uniform random number (negative control).
using System.Diagnostics;
using PolicyGradient.Language.Generation;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Tasks;
using PolicyGradient.Language.Tokenizers;
using PolicyGradient.Language.Training;
using TorchSharp;
using static TorchSharp.torch;

torch.set_num_threads(1);
var mode = args.Length > 0 ? args[0] : "kv";
var tok = new CharTokenizer();
if (mode == "kv")
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
else
{
    int digits = int.Parse(args[1]); int sftSteps = int.Parse(args[2]); int rlSteps = int.Parse(args[3]);
    var task = ArithmeticTask.Addition(digits);
    double lr = args.Length > 4 ? double.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 5e-5;
    string? dir = args.Length > 5 ? args[5] : null;
    var model = new TransformerPolicy(new TransformerConfig { VocabularySize = tok.VocabularySize, Layers = 4, Width = 128, Heads = 4, MaxPositions = 32 }, 1);
    var heldOut = task.HeldOut(300);
    var sw = Stopwatch.StartNew();
    if (dir is not null && File.Exists(Path.Combine(dir, "config.json")))
    {
        model = PolicyGradient.Language.Serialization.HfCheckpoint.Load(dir);
        Console.WriteLine($"loaded the SFT checkpoint {dir} (the next line's step count and time do not apply)");
    }
    else
    {
        SupervisedFineTuning.Train(model, task, tok, new SftOptions { Steps = sftSteps, BatchSize = 64, LearningRate = 1e-3 },
            (s, l) => { if (s % 100 == 0) Console.WriteLine($"sft step {s} loss {l:F4} t={sw.Elapsed.TotalSeconds:F0}s"); });
        if (dir is not null) PolicyGradient.Language.Serialization.HfCheckpoint.Save(model, dir);
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
