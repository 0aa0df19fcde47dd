namespace ParityRules;

/// <summary>The rule of the parity task: "1" when a bit string holds an odd number of ones, else "0".</summary>
public static class Parity
{
    /// <summary>The parity digit of <paramref name="bits"/>.</summary>
    public static string Of(string bits) => (bits.Count(c => c == '1') % 2).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
