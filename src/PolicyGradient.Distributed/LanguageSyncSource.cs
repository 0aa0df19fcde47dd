using PolicyGradient.Language.Generation;
using PolicyGradient.Language.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Distributed;

/// <summary>
/// The group trainer's completions from language workers, sync mode: the learner draws the step's
/// prompts from its own stream (as a local run does), splits the padded batch into contiguous row
/// ranges (worker p takes the groups [p·G/W, (p+1)·G/W)), sends each worker θ, its rows and the
/// generator state, and waits for all. The workers sample their rows as the local sampler samples
/// them in the whole batch (<see cref="LanguageRowSampler"/>); the learner puts the rows back in order
/// and continues its generator from the worker that sampled longest, so the run equals the local one
/// bit for bit. A worker whose silo dies is re-created (<see cref="WorkerPool"/>) and its request sent again.
/// </summary>
internal sealed class LanguageSyncSource(WorkerPool pool, IGrainFactory grains) : IGroupSource
{
    readonly Dictionary<string, double> _metrics = new() { ["workers"] = pool.Count, ["policy_lag_mean"] = 0, ["policy_lag_max"] = 0, ["dropped_batches"] = 0 };

    public IReadOnlyDictionary<string, double> Metrics => _metrics;

    public GroupDraw Draw(GroupDrawContext c)
    {
        var prompts = c.Task.SampleTrain(c.Rng, c.Prompts);
        var samples = prompts.SelectMany(p => Enumerable.Repeat(p, c.GroupSize)).ToArray();
        var (prompt, promptMask) = TaskBatch.Prompts(samples, c.Tokenizer, c.Device);
        int total = samples.Length, length = (int)prompt.shape[1];
        var tokens = prompt.cpu().data<long>().ToArray();
        var mask = promptMask.cpu().data<long>().ToArray();
        var theta = WeightBlob.Read(c.Policy);
        var state = c.Generator.get_state().cpu().data<byte>().ToArray();
        var requests = Enumerable.Range(0, pool.Count).Select(p =>
        {
            int first = p * c.Prompts / pool.Count * c.GroupSize, end = (p + 1) * c.Prompts / pool.Count * c.GroupSize;
            return new LanguageRequest
            {
                Version = c.Version, Weights = theta, Temperature = c.Sampling.Temperature, MaxNewTokens = c.Sampling.MaxNewTokens,
                StopStrings = [.. c.Sampling.StopStrings], PromptTokens = tokens[(first * length)..(end * length)], PromptMask = mask[(first * length)..(end * length)],
                Rows = end - first, PromptLength = length, TotalRows = total, FirstRow = first, GeneratorState = state,
            };
        }).Where(r => r.Rows > 0).ToArray();
        var slices = Task.WhenAll(requests.Select((r, p) => Call(p, r))).GetAwaiter().GetResult();
        // The worker that drew most often drew as often as the local sampler: its generator state is the local run's.
        c.Generator.set_state(torch.tensor(slices.MaxBy(s => s.Draws)!.GeneratorState));
        return new GroupDraw(samples, prompt, promptMask, new GenerationResult(prompt, promptMask,
            LanguageSlices.Tokens(slices, c.Device), LanguageSlices.Mask(slices, c.Device), LanguageSlices.LogProbs(slices, c.Device)));
    }

    /// <summary>The request on worker p; when p's silo is declared dead (or the call fails), p is re-created and the request sent again.</summary>
    async Task<LanguageSlice> Call(int p, LanguageRequest request)
    {
        while (true)
        {
            int generation = pool.Generation(p);
            try { return await pool.Guard(p, "Generate", w => Worker(w).Generate(request)); }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                await Task.Run(() => pool.Recreate(p, generation, e));   // throws once replacements run out
            }
        }
    }

    // The language worker under the key of the pool's worker (Guard passes the one current when the call is sent).
    ILanguageWorkerGrain Worker(IRolloutWorkerGrain w) => grains.GetGrain<ILanguageWorkerGrain>(w.GetPrimaryKeyString());

    public void Dispose() => LanguageClusterSource.Stop(pool, grains);
}
