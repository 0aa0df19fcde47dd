using System.Diagnostics;
using PolicyGradient.Language.Generation;
using PolicyGradient.Language.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Language.Training;

public sealed partial class GroupTrainer
{
    /// <summary>
    /// Samples GroupSize responses for each of PromptsPerStep prompts and scores them. With dynamic
    /// sampling (DAPO §3.2) groups whose valid rewards are all equal carry no group-relative signal:
    /// they are dropped and more prompts are generated, batch by batch, until PromptsPerStep groups
    /// remain (the surplus is cut, as verl does); after MaxGenerationBatches batches the step fails.
    /// </summary>
    internal RolloutBatch CollectRollouts(Device device)
    {
        int k = _options.GroupSize, n = _options.PromptsPerStep;
        int maxNew = GenerationLimit;
        var sampling = new SamplingOptions { Temperature = _options.Rollout.Temperature, MaxNewTokens = maxNew, StopStrings = _options.Rollout.StopStrings };
        var keptSamples = new List<TaskSample>();
        var keptScores = new List<float>();
        var keptBaselines = new List<float>();
        var keptTensors = new List<(Tensor Tokens, Tensor Mask, Tensor LogProbs, Tensor? Weights)>();
        var allScores = new List<float>();
        int groupsKept = 0, groupsSeen = 0, zeroStd = 0, correct = 0, invalid = 0, batches = 0;
        long sampledTokens = 0;
        var clock = Stopwatch.StartNew();
        _policy.eval();
        while (true)
        {
            batches++;
            // The seam: the trainer's own sampler, or rollout workers (GroupSource).
            var draw = GroupSource.Draw(new GroupDrawContext(n, k, sampling, _rng, _generator, _task, _tokenizer, _policy, _step, device));
            var (samples, rollout) = (draw.Samples, draw.Rollout);
            var prompts = samples.Where((_, i) => i % k == 0).ToArray();
            var texts = TaskBatch.Decode(rollout.Tokens, _tokenizer);
            var lengths = rollout.Mask.sum(1).to(ScalarType.Int32).cpu().data<int>().ToArray();
            sampledTokens += lengths.Sum();
            var scores = new float[samples.Length];
            for (int i = 0; i < samples.Length; i++)
            {
                scores[i] = Score(samples[i], texts[i], lengths[i]);
                if (float.IsNaN(scores[i])) invalid++; else allScores.Add(scores[i]);
                if (_task.Verify(texts[i], samples[i]) == 1f) correct++;
            }
            float[]? baselines = _estimator.NeedsGreedyBaseline ? GreedyBaselines(prompts, device) : null;

            var rows = new List<long>();
            for (int g = 0; g < n; g++)
            {
                groupsSeen++;
                var group = scores.Skip(g * k).Take(k).Where(s => !float.IsNaN(s)).ToArray();
                bool flat = group.Length < 2 || group.All(s => s == group[0]);
                if (flat) zeroStd++;
                if (_options.Rollout.DynamicSampling && (flat || groupsKept >= n)) continue;
                groupsKept++;
                for (int j = 0; j < k; j++)
                {
                    int i = g * k + j;
                    rows.Add(i);
                    keptSamples.Add(samples[i]);
                    keptScores.Add(scores[i]);
                    if (baselines is not null) keptBaselines.Add(baselines[g]);
                }
            }
            if (rows.Count > 0)
            {
                var index = torch.tensor(rows.ToArray(), device: device);
                keptTensors.Add((rollout.Tokens.index_select(0, index), rollout.Mask.index_select(0, index), rollout.LogProbs.index_select(0, index),
                    draw.ImportanceWeights?.index_select(0, index)));
            }
            if (!_options.Rollout.DynamicSampling || groupsKept >= n) break;
            if (batches >= _options.Rollout.MaxGenerationBatches)
                throw new InvalidOperationException(
                    $"dynamic sampling: only {groupsKept} of {n} prompts had responses with different rewards after {batches} generation batches " +
                    $"(max_generation_batches = {_options.Rollout.MaxGenerationBatches}); the reward gives every response to a prompt the same score. " +
                    "Check the reward or the task difficulty, raise max_generation_batches, or set dynamic_sampling to false.");
        }
        double generationSeconds = clock.Elapsed.TotalSeconds;

        var sampleArray = keptSamples.ToArray();
        var (promptTokens, promptTokensMask) = TaskBatch.Prompts(sampleArray, _tokenizer, device);
        double mean = allScores.Count > 0 ? allScores.Average(s => (double)s) : double.NaN;
        double std = allScores.Count > 1 ? Math.Sqrt(allScores.Sum(s => (s - mean) * (s - mean)) / (allScores.Count - 1)) : 0;
        int generated = batches * n * k;
        var stats = new RolloutStats(mean, std, correct / (double)generated, zeroStd / (double)groupsSeen, invalid, batches, generationSeconds, sampledTokens);
        return new RolloutBatch(sampleArray, promptTokens, promptTokensMask,
            torch.cat(keptTensors.Select(t => t.Tokens).ToArray(), 0), torch.cat(keptTensors.Select(t => t.Mask).ToArray(), 0),
            torch.cat(keptTensors.Select(t => t.LogProbs).ToArray(), 0), keptScores.ToArray(),
            _estimator.NeedsGreedyBaseline ? keptBaselines.ToArray() : null, stats)
        {
            ImportanceWeights = keptTensors.Count > 0 && keptTensors.All(t => t.Weights is not null) ? torch.cat(keptTensors.Select(t => t.Weights!).ToArray(), 0) : null,
        };
    }

    /// <summary>Where completions come from (<see cref="IGroupSource"/>): the trainer's sampler unless a cluster replaced it.</summary>
    internal IGroupSource GroupSource { get; set; } = LocalGroupSource.Instance;

    /// <summary>Most tokens generated per response: the expected length plus the overlong buffer.</summary>
    int GenerationLimit => (_options.Rollout.MaxNewTokens ?? _task.MaxCompletionLength + 1) + _options.Rollout.OverlongBufferLength;

    /// <summary>The reward of one response (NaN when the reward throws) plus DAPO's overlong penalty.</summary>
    float Score(TaskSample sample, string text, int length)
    {
        var r = RewardEvaluation.Evaluate(_reward, sample.Prompt, text, sample);
        if (!r.IsValid || _options.Rollout.OverlongBufferLength == 0) return r.Score;
        return (float)(r.Score + OverlongRewardShaping.Penalty(length, GenerationLimit, _options.Rollout.OverlongBufferLength, _options.Rollout.OverlongPenaltyFactor));
    }

    /// <summary>The greedy baseline (ReMax, Li et al. 2023): the reward of the greedy response to each prompt.</summary>
    float[] GreedyBaselines(TaskSample[] prompts, Device device)
    {
        using var scope = torch.NewDisposeScope();
        var (prompt, promptMask) = TaskBatch.Prompts(prompts, _tokenizer, device);
        var greedy = Sampler.Generate(_policy, prompt, promptMask, _tokenizer.EosId, _tokenizer.PadId,
            new SamplingOptions { Greedy = true, MaxNewTokens = GenerationLimit });
        var texts = TaskBatch.Decode(greedy.Tokens, _tokenizer);
        var lengths = greedy.Mask.sum(1).to(ScalarType.Int32).cpu().data<int>().ToArray();
        return prompts.Select((p, i) => Score(p, texts[i], lengths[i])).ToArray();
    }
}
