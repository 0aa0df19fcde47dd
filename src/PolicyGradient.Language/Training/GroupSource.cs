using PolicyGradient.Environments;
using PolicyGradient.Language.Generation;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Tasks;
using PolicyGradient.Language.Tokenizers;
using static TorchSharp.torch;

namespace PolicyGradient.Language.Training;

/// <summary>
/// Where the group trainer's completions come from: its own sampler (<see cref="LocalGroupSource"/>) or
/// rollout workers on a cluster (PolicyGradient.Distributed). The update is the same either way; a
/// source whose completions were sampled by an older policy returns the current policy's log-probs as
/// π_old and the per-token truncated importance weights that correct for the difference.
/// </summary>
internal interface IGroupSource : IDisposable
{
    /// <summary>One generation batch: prompts with GroupSize completions each.</summary>
    GroupDraw Draw(GroupDrawContext context);

    /// <summary>What the last draw measured, as extra progress columns (workers, policy lag, dropped batches); empty locally.</summary>
    IReadOnlyDictionary<string, double> Metrics { get; }
}

/// <summary>The trainer's pieces a source may use for one draw (the local source uses them all).</summary>
/// <param name="Prompts">Prompts to draw (PromptsPerStep).</param>
/// <param name="GroupSize">Completions per prompt.</param>
/// <param name="Sampling">How to sample.</param>
/// <param name="Rng">The trainer's checkpointed prompt stream.</param>
/// <param name="Generator">The trainer's checkpointed sampling generator.</param>
/// <param name="Task">The task prompts come from.</param>
/// <param name="Tokenizer">The policy's tokenizer.</param>
/// <param name="Policy">The policy being trained (its current weights).</param>
/// <param name="Version">The policy version: the trainer's step count.</param>
/// <param name="Device">Where the batch's tensors go.</param>
internal sealed record GroupDrawContext(int Prompts, int GroupSize, SamplingOptions Sampling, Rng Rng, Generator Generator,
    VerifiableTask Task, ITokenizer Tokenizer, TransformerPolicy Policy, long Version, Device Device);

/// <summary>One generation batch: rows grouped by prompt (GroupSize consecutive rows per prompt).</summary>
/// <param name="Samples">[B] the problem each row answers.</param>
/// <param name="Prompt">[B, P] left-padded prompt tokens.</param>
/// <param name="PromptMask">[B, P] prompt mask.</param>
/// <param name="Rollout">Completions; their log-probs are π_old of the update.</param>
/// <param name="ImportanceWeights">[B, C] per-token weights the advantages are multiplied by (stale completions), or null (on-policy).</param>
internal sealed record GroupDraw(TaskSample[] Samples, Tensor Prompt, Tensor PromptMask, GenerationResult Rollout, Tensor? ImportanceWeights = null);

/// <summary>The trainer's own sampler: draws prompts from the trainer's stream and generates with its generator.</summary>
internal sealed class LocalGroupSource : IGroupSource
{
    /// <summary>The one instance (stateless).</summary>
    public static LocalGroupSource Instance { get; } = new();

    /// <inheritdoc />
    public GroupDraw Draw(GroupDrawContext c)
    {
        var prompts = c.Task.SampleTrain(c.Rng, c.Prompts);
        var samples = prompts.SelectMany(p => Enumerable.Repeat(p, c.GroupSize)).ToArray();
        var (prompt, promptMask) = TaskBatch.Prompts(samples, c.Tokenizer, c.Device);
        var rollout = Sampler.Generate(c.Policy, prompt, promptMask, c.Tokenizer.EosId, c.Tokenizer.PadId, c.Sampling, c.Generator, c.Tokenizer);
        return new GroupDraw(samples, prompt, promptMask, rollout);
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Metrics { get; } = new Dictionary<string, double>();

    /// <inheritdoc />
    public void Dispose() { }
}
