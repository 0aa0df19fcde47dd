using PolicyGradient.Environments;

namespace PolicyGradient.Language.Tasks;

/// <summary>
/// A task with a programmatic verifier (RL with verifiable rewards). Problems are drawn from a
/// seeded <see cref="Rng"/>. The held-out split is fixed by a stable hash of the prompt (about one
/// problem in ten), so train and held-out never overlap whatever the seeds.
/// </summary>
public abstract class VerifiableTask
{
    /// <summary>Registry id, e.g. "Addition-v0".</summary>
    public abstract string Id { get; }

    /// <summary>Longest correct completion in characters (sizes generation).</summary>
    public abstract int MaxCompletionLength { get; }

    /// <summary>One random problem (either split).</summary>
    protected abstract TaskSample Generate(Rng rng);

    /// <summary>1 when <paramref name="completion"/> solves the sample, else 0.</summary>
    public abstract float Verify(string completion, TaskSample sample);

    /// <summary>1 when <paramref name="completion"/> has the answer's form (whether or not it is right), else 0.</summary>
    public abstract float FormatReward(string completion, TaskSample sample);

    /// <summary>The task's default reward: the verifier (exact match). Countdown overrides it with TinyZero's 0 / 0.1 / 1.</summary>
    public virtual float Reward(string prompt, string completion, TaskSample sample) => Verify(completion, sample);

    /// <summary>The default reward as a delegate.</summary>
    public RewardFunction RewardFunction => Reward;

    /// <summary>Whether a prompt belongs to the held-out split (FNV-1a hash of the prompt, 1 in 10).</summary>
    public static bool IsHeldOut(string prompt)
    {
        uint h = 2166136261;
        foreach (char c in prompt) { h ^= c; h *= 16777619; }
        return h % 10 == 0;
    }

    /// <summary><paramref name="count"/> training problems (never held-out ones), drawn from <paramref name="rng"/>.</summary>
    public TaskSample[] SampleTrain(Rng rng, int count)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var result = new TaskSample[count];
        for (int i = 0; i < count; i++)
        {
            TaskSample s;
            int attempts = 0;
            do
            {
                s = Generate(rng);
                if (++attempts > 10_000) throw new InvalidOperationException($"{Id}: could not draw a training problem outside the held-out split");
            } while (IsHeldOut(s.Prompt));
            result[i] = s;
        }
        return result;
    }

    /// <summary>
    /// The held-out split: up to <paramref name="count"/> distinct held-out problems drawn with
    /// <paramref name="seed"/> (fewer when the problem space is small).
    /// </summary>
    public IReadOnlyList<TaskSample> HeldOut(int count = 500, long seed = 20240601)
    {
        var rng = new Rng(seed);
        var seen = new HashSet<string>();
        var result = new List<TaskSample>(count);
        for (int attempts = 0; result.Count < count && attempts < 200 * count; attempts++)
        {
            var s = Generate(rng);
            if (IsHeldOut(s.Prompt) && seen.Add(s.Prompt)) result.Add(s);
        }
        return result;
    }
}
