using System.Diagnostics;
using PolicyGradient.Environments;
using PolicyGradient.Language.Generation;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Tasks;
using PolicyGradient.Language.Tokenizers;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Language.Training;

/// <summary>
/// Supervised fine-tuning one step at a time (the stepper behind <see cref="SupervisedFineTuning"/>
/// and the <c>pg train sft</c> runs): minimize L = −Σ_t m_t log π(y_t | x, y_&lt;t) / Σ_t m_t over a batch
/// of reference completions. Its whole state (AdamW moments, the problem stream, the step counter)
/// can be saved and restored, so a resumed run continues exactly where it stopped.
/// </summary>
public sealed class SftTrainer
{
    readonly TransformerPolicy _policy;
    readonly VerifiableTask _task;
    readonly ITokenizer _tokenizer;
    readonly SftOptions _options;
    readonly optim.Optimizer _optimizer;
    readonly Rng _rng;
    readonly Device _device;
    int _step;

    /// <summary>A trainer that updates <paramref name="policy"/> in place.</summary>
    public SftTrainer(TransformerPolicy policy, VerifiableTask task, ITokenizer tokenizer, SftOptions options)
    {
        _policy = policy; _task = task; _tokenizer = tokenizer; _options = options;
        _rng = new Rng(options.Seed);
        _device = policy.parameters().First().device;
        _optimizer = optim.AdamW(policy.parameters(), options.LearningRate, weight_decay: options.WeightDecay);
    }

    /// <summary>Steps taken so far.</summary>
    public int StepsDone => _step;

    /// <summary>One batch of reference completions → cross-entropy → clipped AdamW step.</summary>
    public SftStepMetrics Step() => Interop.ScalarLifetimeGuard.Run(StepUnguarded);

    SftStepMetrics StepUnguarded()
    {
        using var scope = torch.NewDisposeScope();
        var clock = Stopwatch.StartNew();
        _policy.train();
        var samples = _task.SampleTrain(_rng, _options.BatchSize);
        var (prompt, promptMask) = TaskBatch.Prompts(samples, _tokenizer, _device);
        var (target, targetMask) = TaskBatch.References(samples, _tokenizer, _device);
        var (logProbs, _, _) = SequenceLogProbs.Compute(_policy, prompt, promptMask, target, targetMask);
        var tokens = targetMask.sum();
        var loss = -logProbs.sum() / tokens;
        _optimizer.zero_grad();
        loss.backward();
        double gradNorm = nn.utils.clip_grad_norm_(_policy.parameters(), _options.MaxGradNorm);
        _optimizer.step();
        return new SftStepMetrics(_step++, loss.item<float>(), gradNorm, (long)tokens.item<float>(), clock.Elapsed.TotalSeconds);
    }

    /// <summary>Writes the optimizer state (optimizer.bin) into <paramref name="dir"/>; returns the problem stream's state and the step.</summary>
    internal (byte[] StreamState, int Step) SaveState(string dir)
    {
        TrainerStateFiles.SaveOptimizer(_optimizer, dir);
        return (TrainerStateFiles.RngBytes(_rng), _step);
    }

    /// <summary>Restores what <see cref="SaveState"/> wrote.</summary>
    internal void LoadState(string dir, byte[] streamState, int step)
    {
        TrainerStateFiles.LoadOptimizer(_optimizer, dir);
        TrainerStateFiles.SetRng(_rng, streamState);
        _step = step;
    }
}
