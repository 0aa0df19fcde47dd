using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Estimators;

/// <summary>Shared plumbing of the outcome-reward estimators: validated host copies in, masked token tensors out.</summary>
internal static class OutcomeBatch
{
    static readonly Scalar Zero = 0.ToScalar();

    /// <summary>Scores and group ids as host arrays, after checking the shapes agree with the mask [B, L].</summary>
    public static (double[] Scores, long[] Ids) Read(GroupAdvantageInput input)
    {
        var scores = ReadScores(input.Scores, input.ResponseMask, nameof(input.Scores));
        var ids = input.GroupIds;
        if (ids.dim() != 1 || ids.shape[0] != scores.Length)
            throw new ArgumentException($"GroupIds must have shape [{scores.Length}], got [{string.Join(", ", ids.shape)}]", nameof(input));
        if (ids.is_floating_point()) throw new ArgumentException("GroupIds must be an integer tensor", nameof(input));
        using var cpu = ids.to(ScalarType.Int64).cpu();
        return (scores, cpu.data<long>().ToArray());
    }

    /// <summary>A [B] score tensor as doubles, checked against the mask's batch size.</summary>
    public static double[] ReadScores(Tensor scores, Tensor responseMask, string name)
    {
        if (responseMask.dim() != 2) throw new ArgumentException($"ResponseMask must be [B, L], got [{string.Join(", ", responseMask.shape)}]");
        if (scores.dim() != 1 || scores.shape[0] != responseMask.shape[0])
            throw new ArgumentException($"{name} must have shape [{responseMask.shape[0]}] (one per response), got [{string.Join(", ", scores.shape)}]");
        using var cpu = scores.detach().to(ScalarType.Float64).cpu();
        return cpu.data<double>().ToArray();
    }

    /// <summary>The dtype advantages come back in: the scores' when floating point, else float32.</summary>
    public static ScalarType OutputType(Tensor scores) => scores.is_floating_point() ? scores.dtype : ScalarType.Float32;

    /// <summary>
    /// Broadcasts one advantage per response over its tokens: A[b, t] = a[b] · mask[b, t]; NaN or
    /// infinite per-sample values (invalid samples) become 0.
    /// </summary>
    public static Tensor ToTokens(double[] perSample, Tensor responseMask, ScalarType dtype)
    {
        var clean = perSample.Select(a => double.IsFinite(a) ? a : 0.0).ToArray();
        using var _ = torch.no_grad();
        var a = torch.tensor(clean, ScalarType.Float64, responseMask.device).unsqueeze(-1);
        return (a * Mask(responseMask, ScalarType.Float64)).to(dtype);
    }

    /// <summary>Mask as 0/1 in <paramref name="dtype"/>.</summary>
    public static Tensor Mask(Tensor responseMask, ScalarType dtype) => responseMask.to(dtype).ne(Zero).to(dtype);
}
