namespace PolicyGradient.Distributed;

/// <summary>What a language worker grain builds: the run's task and the policy's architecture.</summary>
[GenerateSerializer, Immutable]
public sealed record LanguageWorkerSetup
{
    /// <summary>The learner's protocol version; a worker of another version refuses (<see cref="DistributedProtocol"/>).</summary>
    [Id(0)] public string Protocol { get; init; } = "";
    /// <summary>The run's config.yaml (task id and task options).</summary>
    [Id(1)] public string RunConfigYaml { get; init; } = "";
    /// <summary>The policy's <c>TransformerConfig</c> as JSON (an --init checkpoint may differ from the config's model).</summary>
    [Id(2)] public string ModelJson { get; init; } = "";
    /// <summary>Seed of the worker's own prompt stream and sampling generator (async mode).</summary>
    [Id(3)] public long Seed { get; init; }
}

/// <summary>
/// One request for completions. Sync: <see cref="PromptTokens"/> are rows [<see cref="FirstRow"/>,
/// FirstRow + Rows) of the learner's left-padded prompt batch of <see cref="TotalRows"/> rows, sampled with
/// the learner's generator state so the rows equal the local run's. Async: no prompts; the worker draws
/// <see cref="Prompts"/> prompts from its own stream and samples <see cref="GroupSize"/> completions each.
/// <see cref="Weights"/> travel only when <see cref="Version"/> is new to the worker (empty: keep the weights it has).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LanguageRequest
{
    /// <summary>Policy version of the weights to act with (the learner's step count).</summary>
    [Id(0)] public long Version { get; init; }
    /// <summary>θ as one blob (the parameters in module order), or empty.</summary>
    [Id(1)] public float[] Weights { get; init; } = [];
    /// <summary>Softmax temperature.</summary>
    [Id(2)] public double Temperature { get; init; } = 1.0;
    /// <summary>Most tokens per completion.</summary>
    [Id(3)] public int MaxNewTokens { get; init; }
    /// <summary>Stop strings.</summary>
    [Id(4)] public string[] StopStrings { get; init; } = [];
    /// <summary>Sync: prompt token ids [Rows × PromptLength], row-major.</summary>
    [Id(5)] public long[] PromptTokens { get; init; } = [];
    /// <summary>Sync: prompt mask, same shape.</summary>
    [Id(6)] public long[] PromptMask { get; init; } = [];
    /// <summary>Sync: this worker's rows.</summary>
    [Id(7)] public int Rows { get; init; }
    /// <summary>Sync: the batch's padded prompt length.</summary>
    [Id(8)] public int PromptLength { get; init; }
    /// <summary>Sync: rows of the whole batch (the sampling noise is drawn for all of them).</summary>
    [Id(9)] public int TotalRows { get; init; }
    /// <summary>Sync: index of this worker's first row in the batch.</summary>
    [Id(10)] public int FirstRow { get; init; }
    /// <summary>Sync: the learner's sampling generator state before the batch.</summary>
    [Id(11)] public byte[] GeneratorState { get; init; } = [];
    /// <summary>Async: prompts to draw.</summary>
    [Id(12)] public int Prompts { get; init; }
    /// <summary>Async: completions per prompt.</summary>
    [Id(13)] public int GroupSize { get; init; }
}

/// <summary>A worker's completions (arrays row-major, [Rows × Columns]).</summary>
[GenerateSerializer, Immutable]
public sealed record LanguageSlice
{
    /// <summary>Version of the weights that sampled.</summary>
    [Id(0)] public long Version { get; init; }
    /// <summary>Rows.</summary>
    [Id(1)] public int Rows { get; init; }
    /// <summary>Columns (max_new_tokens).</summary>
    [Id(2)] public int Columns { get; init; }
    /// <summary>Token ids.</summary>
    [Id(3)] public long[] Tokens { get; init; } = [];
    /// <summary>Response mask.</summary>
    [Id(4)] public float[] Mask { get; init; } = [];
    /// <summary>The sampler's log-probs (the behaviour policy μ).</summary>
    [Id(5)] public float[] LogProbs { get; init; } = [];
    /// <summary>Sync: the generator state after this worker's sampling steps.</summary>
    [Id(6)] public byte[] GeneratorState { get; init; } = [];
    /// <summary>Sync: sampling steps taken (the slice with the most leaves the generator where the local run's does).</summary>
    [Id(7)] public int Draws { get; init; }
    /// <summary>Async: the problems each row answers (prompt, reference, numbers).</summary>
    [Id(8)] public SampleMessage[] Samples { get; init; } = [];
    /// <summary>Seconds the worker spent sampling (no messaging).</summary>
    [Id(9)] public double ComputeSeconds { get; init; }
}

/// <summary>A task problem on the wire (<c>TaskSample</c>).</summary>
[GenerateSerializer, Immutable]
public sealed record SampleMessage([property: Id(0)] string Prompt, [property: Id(1)] string Reference, [property: Id(2)] int[] Numbers);
