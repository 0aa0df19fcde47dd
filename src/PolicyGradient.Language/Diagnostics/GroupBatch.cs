using PolicyGradient.Environments;
using PolicyGradient.Language.Generation;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Tasks;
using PolicyGradient.Language.Tokenizers;
using PolicyGradient.Language.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Language.Diagnostics;

/// <summary>
/// One diagnosis batch: P prompts × G responses sampled from the policy (rows p·G + j), their rewards, the greedy
/// response's reward per prompt (ReMax's baseline, when asked), and the per-token log-probabilities of the responses
/// with their gradient graph. <see cref="Rows"/> picks the first g responses of every group, so smaller groups are
/// nested in the larger ones.
/// </summary>
internal sealed class GroupBatch
{
    GroupBatch(int prompts, int groupSize, float[] scores, Tensor mask, Tensor logProbs, Tensor? baselines)
    {
        (Prompts, GroupSize, Scores, Mask, LogProbs, Baselines) = (prompts, groupSize, scores, mask, logProbs, baselines);
        var device = mask.device;
        ScoreTensor = torch.tensor(scores, device: device);
        GroupIds = torch.tensor(Enumerable.Range(0, scores.Length).Select(i => (long)(i / groupSize)).ToArray(), device: device);
    }

    /// <summary>P.</summary>
    public int Prompts { get; }

    /// <summary>G of the sample (the largest group size asked).</summary>
    public int GroupSize { get; }

    /// <summary>Reward per response (NaN: the reward function failed).</summary>
    public float[] Scores { get; }

    /// <summary>[P·G] the rewards as a tensor.</summary>
    public Tensor ScoreTensor { get; }

    /// <summary>[P·G] the prompt index of each row.</summary>
    public Tensor GroupIds { get; }

    /// <summary>[P·G, L] 1 on response tokens.</summary>
    public Tensor Mask { get; }

    /// <summary>[P·G, L] log π(y_t | x, y_&lt;t), 0 on padding, differentiable.</summary>
    public Tensor LogProbs { get; }

    /// <summary>[P·G] the greedy response's reward to each row's prompt, or null.</summary>
    public Tensor? Baselines { get; }

    /// <summary>The row indices of the first <paramref name="groupSize"/> responses of every prompt, group by group.</summary>
    public Tensor Rows(int groupSize)
    {
        if (groupSize < 1 || groupSize > GroupSize) throw new ArgumentException($"group size {groupSize} outside 1..{GroupSize}");
        var rows = new long[Prompts * groupSize];
        for (int p = 0; p < Prompts; p++)
            for (int j = 0; j < groupSize; j++) rows[p * groupSize + j] = p * GroupSize + j;
        return torch.tensor(rows, device: Mask.device);
    }

    /// <summary>Samples a batch: prompts from <paramref name="task"/>'s training split (Rng seed), responses at the temperature (generator seed), scored by <paramref name="reward"/> (default the task's).</summary>
    public static GroupBatch Sample(TransformerPolicy policy, VerifiableTask task, ITokenizer tokenizer, int prompts, int groupSize, int seed,
        double temperature, bool greedy, RewardFunction? reward = null)
    {
        reward ??= task.RewardFunction;
        var device = policy.parameters().First().device;
        var chosen = task.SampleTrain(new Rng(seed), prompts);
        var samples = chosen.SelectMany(p => Enumerable.Repeat(p, groupSize)).ToArray();
        var (prompt, promptMask) = TaskBatch.Prompts(samples, tokenizer, device);
        int maxNew = task.MaxCompletionLength + 1;
        using var generator = new Generator((ulong)seed + 1, device);
        var rollout = Sampler.Generate(policy, prompt, promptMask, tokenizer.EosId, tokenizer.PadId,
            new SamplingOptions { Temperature = temperature, MaxNewTokens = maxNew }, generator, tokenizer);
        var texts = TaskBatch.Decode(rollout.Tokens, tokenizer);
        var scores = samples.Select((s, i) => RewardEvaluation.Evaluate(reward, s.Prompt, texts[i], s).Score).ToArray();
        var (logProbs, _, _) = SequenceLogProbs.Compute(policy, prompt, promptMask, rollout.Tokens, rollout.Mask, temperature);
        Tensor? baselines = null;
        if (greedy)
        {
            var (greedyPrompt, greedyMask) = TaskBatch.Prompts(chosen, tokenizer, device);
            var best = Sampler.Generate(policy, greedyPrompt, greedyMask, tokenizer.EosId, tokenizer.PadId, new SamplingOptions { Greedy = true, MaxNewTokens = maxNew });
            var greedyTexts = TaskBatch.Decode(best.Tokens, tokenizer);
            var perPrompt = chosen.Select((s, p) => RewardEvaluation.Evaluate(reward, s.Prompt, greedyTexts[p], s).Score).ToArray();
            baselines = torch.tensor(Enumerable.Range(0, samples.Length).Select(i => perPrompt[i / groupSize]).ToArray(), device: device);
        }
        return new GroupBatch(prompts, groupSize, scores, rollout.Mask, logProbs, baselines);
    }
}
