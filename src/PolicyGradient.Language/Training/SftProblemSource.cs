using PolicyGradient.Environments;
using PolicyGradient.Language.Tasks;

namespace PolicyGradient.Language.Training;

/// <summary>
/// Where SFT's batches come from: a fresh stream of training problems (the default), or a fixed pool of
/// <see cref="SftOptions.SftPoolSize"/> distinct training problems drawn once from the seed, which every
/// batch samples uniformly with replacement. Both draw from the trainer's <see cref="Rng"/> only, so the
/// problem order is part of the saved stream state and a resumed run continues exactly; the pool itself is
/// rebuilt from the seed (its own generator, so it does not depend on how far the stream has run).
/// </summary>
internal sealed class SftProblemSource
{
    // Separates the pool's generator from the batch stream's (both are seeded from SftOptions.Seed).
    const long PoolSeedSalt = 0x5F7_9001;

    readonly VerifiableTask _task;
    readonly TaskSample[]? _pool;

    public SftProblemSource(VerifiableTask task, SftOptions options)
    {
        _task = task;
        if (options.SftPoolSize is int size) _pool = DrawPool(task, size, options.Seed ^ PoolSeedSalt);
    }

    /// <summary>The fixed pool, or null for a fresh stream.</summary>
    public IReadOnlyList<TaskSample>? Pool => _pool;

    /// <summary><paramref name="count"/> problems for one step.</summary>
    public TaskSample[] Next(Rng rng, int count)
    {
        if (_pool is null) return _task.SampleTrain(rng, count);
        var batch = new TaskSample[count];
        for (int i = 0; i < count; i++) batch[i] = _pool[rng.NextInt(_pool.Length)];
        return batch;
    }

    /// <summary><paramref name="size"/> distinct training problems (no held-out one); refuses a pool the task cannot fill.</summary>
    static TaskSample[] DrawPool(VerifiableTask task, int size, long seed)
    {
        var rng = new Rng(seed);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pool = new List<TaskSample>(size);
        for (int draws = 0; pool.Count < size; draws++)
        {
            if (draws > 100 * size + 10_000)
                throw new ArgumentException($"sft_pool_size {size}: {task.Id} yielded only {pool.Count} distinct training problems; use a smaller pool or leave the key out");
            var s = task.SampleTrain(rng, 1)[0];
            if (seen.Add(s.Prompt)) pool.Add(s);
        }
        return pool.ToArray();
    }
}
