using System.Diagnostics;
using System.Text.Json;
using PolicyGradient.Environments;
using PolicyGradient.Language.Generation;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Runs;
using PolicyGradient.Language.Tasks;
using PolicyGradient.Language.Tokenizers;
using PolicyGradient.Language.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Distributed;

/// <summary>
/// The language rollout worker (<see cref="ILanguageWorkerGrain"/>): the run's task, a CPU copy of the
/// policy and, for async mode, its own seeded prompt stream and generator. Orleans runs one call at a
/// time per activation, so it needs no lock.
/// </summary>
[Orleans.Placement.RandomPlacement]
internal sealed class LanguageWorkerGrain : Grain, ILanguageWorkerGrain
{
    TransformerPolicy? _policy;
    VerifiableTask? _task;
    Rng? _prompts;
    Generator? _generator;
    long _version = -1;
    long _seed;
    readonly CharTokenizer _tokenizer = new();

    public Task<WorkerInfo> Start(LanguageWorkerSetup setup)
    {
        if (setup.Protocol != DistributedProtocol.Version)
            throw new InvalidOperationException($"version mismatch: the learner runs PolicyGradient.Distributed {setup.Protocol}, this silo runs {DistributedProtocol.Version}; run the same pg build on every machine");
        Release();
        // One intra-op thread, as a learner's --deterministic (and the default --threads): sync equals the local run
        // bit for bit, and workers use more cores by running more of them.
        torch.set_num_threads(1);
        string path = Path.Combine(Path.GetTempPath(), $"pg-worker-{Guid.NewGuid():N}.yaml");
        try
        {
            File.WriteAllText(path, setup.RunConfigYaml);
            var config = LanguageRunConfig.FromRunConfig(path);
            _task = LanguageTasks.Create(config.TaskId, config.Run.Task);
        }
        finally { File.Delete(path); }
        var model = JsonSerializer.Deserialize<TransformerConfig>(setup.ModelJson)
            ?? throw new ArgumentException("the learner sent no model configuration");
        _policy = new TransformerPolicy(model, 0);
        _policy.eval();
        _seed = setup.Seed;
        _version = -1;
        return Task.FromResult(new WorkerInfo(RuntimeIdentity, DistributedProtocol.Version));
    }

    public Task<LanguageSlice> Generate(LanguageRequest request)
    {
        var policy = _policy ?? throw new InvalidOperationException($"worker {this.GetPrimaryKeyString()} was not started (its silo may have restarted); start the run again");
        if (request.Weights.Length > 0) { WeightBlob.Write(policy, request.Weights); _version = request.Version; }
        else if (_version < 0) throw new InvalidOperationException($"worker {this.GetPrimaryKeyString()} has no weights yet; the learner sends them with its first request");
        long start = Stopwatch.GetTimestamp();
        var slice = request.Rows > 0 ? Sync(policy, request) : Async(policy, request);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        ReportThroughput(slice, seconds);
        return Task.FromResult(slice with { Version = _version, ComputeSeconds = seconds });
    }

    /// <summary>Tells the worker directory (<c>pg cluster status</c>) this worker's version and its generated tokens per second; one-way.</summary>
    void ReportThroughput(LanguageSlice slice, double seconds)
    {
        int tokens = 0;
        foreach (float m in slice.Mask) if (m > 0) tokens++;
        double rate = tokens / Math.Max(seconds, 1e-9);
        _ = Directory.Report(new WorkerStatus(this.GetPrimaryKeyString(), RuntimeIdentity, _version, rate, DateTime.UtcNow) { EnvStepsPerSecond = rate, Unit = "tokens" });
    }

    SamplingOptions Sampling(LanguageRequest r) => new() { Temperature = r.Temperature, MaxNewTokens = r.MaxNewTokens, StopStrings = r.StopStrings };

    /// <summary>Rows of the learner's batch, sampled with the learner's generator state (<see cref="LanguageRowSampler"/>).</summary>
    LanguageSlice Sync(TransformerPolicy policy, LanguageRequest r)
    {
        using var scope = torch.NewDisposeScope();
        long[] shape = [r.Rows, r.PromptLength];
        var prompt = torch.tensor(r.PromptTokens, shape);
        var promptMask = torch.tensor(r.PromptMask, shape);
        using var generator = new Generator(0);
        generator.set_state(torch.tensor(r.GeneratorState));
        var (tokens, mask, logProbs, draws) = LanguageRowSampler.Generate(policy, prompt, promptMask, r.TotalRows, r.FirstRow, _tokenizer, Sampling(r), generator);
        return new LanguageSlice
        {
            Rows = r.Rows, Columns = r.MaxNewTokens, Tokens = tokens.data<long>().ToArray(), Mask = mask.data<float>().ToArray(),
            LogProbs = logProbs.data<float>().ToArray(), GeneratorState = generator.get_state().data<byte>().ToArray(), Draws = draws,
        };
    }

    /// <summary>Prompts from the worker's own stream, sampled with its own generator and the weights it holds.</summary>
    LanguageSlice Async(TransformerPolicy policy, LanguageRequest r)
    {
        if (_prompts is null)
        {
            // The stream starts at the learner's version of the first request: a fresh run's (version 0) is the seed's, a
            // resumed run's workers draw new prompts instead of the ones the run began with.
            long seed = _seed + StreamStride * r.Version;
            (_prompts, _generator) = (new Rng(seed), new Generator((ulong)seed + 1));
        }
        using var scope = torch.NewDisposeScope();
        var samples = _task!.SampleTrain(_prompts, r.Prompts).SelectMany(p => Enumerable.Repeat(p, r.GroupSize)).ToArray();
        var (prompt, promptMask) = TaskBatch.Prompts(samples, _tokenizer);
        var g = Sampler.Generate(policy, prompt, promptMask, _tokenizer.EosId, _tokenizer.PadId, Sampling(r), _generator!, _tokenizer);
        return new LanguageSlice
        {
            Rows = samples.Length, Columns = r.MaxNewTokens, Tokens = g.Tokens.data<long>().ToArray(), Mask = g.Mask.data<float>().ToArray(),
            LogProbs = g.LogProbs.data<float>().ToArray(), Samples = samples.Select(s => new SampleMessage(s.Prompt, s.Reference, [.. s.Numbers])).ToArray(),
        };
    }

    /// <summary>Seed distance of the prompt streams of consecutive learner versions (a prime).</summary>
    const long StreamStride = 1_000_003;

    IWorkerDirectoryGrain Directory => GrainFactory.GetGrain<IWorkerDirectoryGrain>(0);

    public Task Stop()
    {
        if (_policy is not null) _ = Directory.Remove(this.GetPrimaryKeyString());
        Release();
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    void Release()
    {
        _policy?.Dispose();
        _generator?.Dispose();
        (_policy, _generator, _task, _prompts) = (null, null, null, null);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Release();
        return Task.CompletedTask;
    }
}
