using TorchSharp;
using PolicyGradient.Language.Tokenizers;
using static TorchSharp.torch;

namespace PolicyGradient.Language.Generation;

/// <summary>
/// Stop-string matching on decoded text during generation (as Hugging Face's StopStringCriteria and
/// vLLM's stop do): each row keeps its generated ids on the host, and after each step a live row whose
/// decoded completion now contains a stop string is finished. Matching the text rather than token ids
/// catches a stop string however the tokenizer split it.
/// </summary>
public sealed class StopStringMatcher
{
    readonly IReadOnlyList<string> _stops;
    readonly ITokenizer _tokenizer;
    readonly List<int>[] _rows;

    internal StopStringMatcher(IReadOnlyList<string> stops, ITokenizer tokenizer, int batch, int capacity)
    {
        _stops = stops;
        _tokenizer = tokenizer;
        _rows = Enumerable.Range(0, batch).Select(_ => new List<int>(capacity)).ToArray();
    }

    /// <summary>Appends this step's tokens [B] of the live rows; returns [B] bool, true where a live row's text now contains a stop string.</summary>
    internal Tensor Append(Tensor next, Tensor alive)
    {
        var ids = next.cpu().data<long>().ToArray();
        var live = alive.cpu().data<bool>().ToArray();
        var hit = new bool[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            if (!live[i]) continue;
            _rows[i].Add((int)ids[i]);
            hit[i] = IndexOf(_tokenizer.Decode(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_rows[i])), _stops) >= 0;
        }
        return torch.tensor(hit, device: next.device);
    }

    /// <summary>
    /// <paramref name="text"/> up to (not including) its first stop string, or all of it when none occurs:
    /// the completion text Hugging Face and vLLM return by default.
    /// </summary>
    public static string Truncate(string text, IReadOnlyList<string> stops)
    {
        ArgumentNullException.ThrowIfNull(text);
        int at = IndexOf(text, stops);
        return at < 0 ? text : text[..at];
    }

    /// <summary>Position of the earliest occurrence of any stop string, −1 if none (ordinal match).</summary>
    static int IndexOf(string text, IReadOnlyList<string> stops)
    {
        int first = -1;
        foreach (var s in stops)
        {
            int at = text.IndexOf(s, StringComparison.Ordinal);
            if (at >= 0 && (first < 0 || at < first)) first = at;
        }
        return first;
    }
}
