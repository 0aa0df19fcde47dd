namespace PolicyGradient.Estimators;

/// <summary>
/// A KL penalty by name, as verl's <c>kl_penalty</c> / <c>kl_loss_type</c> strings: an estimator
/// (<see cref="KlEstimator"/>) and whether its gradient is replaced by k2's (the straight-through
/// "+" variants, e.g. "k3+"). Names: k1 (= "kl"), abs, k2 (= "mse"), k3 (= "low_var_kl"), each
/// optionally followed by "+"; "k2+" is k2.
/// </summary>
/// <param name="Estimator">Which estimator gives the value.</param>
/// <param name="StraightThrough">Whether the gradient is k2's (value of <paramref name="Estimator"/>).</param>
public readonly record struct KlPenaltyKind(KlEstimator Estimator, bool StraightThrough = false)
{
    /// <summary>The accepted names, for messages.</summary>
    public const string KnownNames = "k1, abs, k2, k3 (aliases kl, mse, low_var_kl), each optionally with a trailing '+' (value of the estimator, gradient of k2)";

    /// <summary>Parses a name such as "k3" or "k3+" (case-insensitive).</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the known ones.</exception>
    public static KlPenaltyKind Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var n = name.Trim().ToLowerInvariant();
        bool plus = n.EndsWith('+');
        if (plus) n = n[..^1];
        KlEstimator? e = n switch
        {
            "k1" or "kl" => KlEstimator.K1,
            "abs" => KlEstimator.Abs,
            "k2" or "mse" => KlEstimator.K2,
            "k3" or "low_var_kl" => KlEstimator.K3,
            _ => null,
        };
        if (e is null) throw new ArgumentException($"unknown KL estimator '{name}'; known: {KnownNames}", nameof(name));
        return new KlPenaltyKind(e.Value, plus && e != KlEstimator.K2);
    }

    /// <summary>The canonical name ("k1", "abs", "k2", "k3", with "+" when straight-through).</summary>
    public override string ToString() => Estimator.ToString().ToLowerInvariant() + (StraightThrough ? "+" : "");
}
