using System.Text;

namespace PolicyGradient.Training.Configuration;

/// <summary>Config keys are the snake_case of option property names (NSteps ↔ n_steps), as in SB3 and the zoo.</summary>
internal static class ConfigNaming
{
    /// <summary>"NSteps" → "n_steps", "GaeLambda" → "gae_lambda", "MaxKL" → "max_kl".</summary>
    public static string ToSnakeCase(string pascal)
    {
        var sb = new StringBuilder(pascal.Length + 8);
        for (int i = 0; i < pascal.Length; i++)
        {
            char c = pascal[i];
            if (char.IsUpper(c))
            {
                bool prevLowerOrDigit = i > 0 && (char.IsLower(pascal[i - 1]) || char.IsDigit(pascal[i - 1]));
                bool acronymEnd = i > 0 && char.IsUpper(pascal[i - 1]) && i + 1 < pascal.Length && char.IsLower(pascal[i + 1]);
                // A single leading capital letter ("N" in NSteps) is its own word as well.
                bool singleLetterWord = i == 1 && char.IsUpper(pascal[0]);
                if (prevLowerOrDigit || acronymEnd || singleLetterWord) sb.Append('_');
                sb.Append(char.ToLowerInvariant(c));
            }
            else sb.Append(c);
        }
        return sb.ToString();
    }
}
