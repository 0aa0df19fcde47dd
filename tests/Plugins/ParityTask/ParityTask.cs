using PolicyGradient.Environments;
using PolicyGradient.Language.Runs;
using PolicyGradient.Language.Tasks;

namespace ParityTask;

/// <summary>"0110=" → "0": the parity of a 3-to-6-bit string.</summary>
public sealed class ParityTask : VerifiableTask
{
    /// <inheritdoc />
    public override string Id => "Parity-v0";

    /// <inheritdoc />
    public override int MaxCompletionLength => 1;

    /// <inheritdoc />
    protected override TaskSample Generate(Rng rng)
    {
        var bits = new char[rng.NextInt(3, 7)];
        for (int i = 0; i < bits.Length; i++) bits[i] = rng.NextInt(2) == 1 ? '1' : '0';
        string s = new(bits);
        return new TaskSample(s + "=", ParityRules.Parity.Of(s));
    }

    /// <inheritdoc />
    public override float Verify(string completion, TaskSample sample) => completion.Trim() == sample.Reference ? 1f : 0f;

    /// <inheritdoc />
    public override float FormatReward(string completion, TaskSample sample) => completion.Trim() is "0" or "1" ? 1f : 0f;
}

/// <summary>Registers Parity-v0 for language runs.</summary>
public sealed class ParityPlugin : IPlugin
{
    /// <inheritdoc />
    public void Register() => LanguageTasks.Register("Parity-v0", () => new ParityTask());
}
