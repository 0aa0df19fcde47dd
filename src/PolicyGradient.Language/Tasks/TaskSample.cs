namespace PolicyGradient.Language.Tasks;

/// <summary>One problem of a verifiable task.</summary>
/// <param name="Prompt">The text the policy continues (without BOS).</param>
/// <param name="Reference">A correct completion (for supervised warm starts and tests); the verifier
/// may accept others (e.g. any valid Countdown expression).</param>
/// <param name="Numbers">Task data the verifier needs beyond the text (Countdown's numbers and target); empty otherwise.</param>
public sealed record TaskSample(string Prompt, string Reference, IReadOnlyList<int> Numbers)
{
    /// <summary>A sample with no extra data.</summary>
    public TaskSample(string prompt, string reference) : this(prompt, reference, []) { }
}
