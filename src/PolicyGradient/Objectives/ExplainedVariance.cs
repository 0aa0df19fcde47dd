using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Objectives;

/// <summary>
/// Explained variance of the critic, 1 − Var[y − ŷ] / Var[y] (SB3's explained_variance): 1 is a
/// perfect fit, 0 no better than a constant, negative worse. NaN when Var[y] = 0 (as SB3).
/// </summary>
public static class ExplainedVariance
{
    /// <summary>Explained variance of <paramref name="predicted"/> for <paramref name="target"/> (flattened).</summary>
    public static double Compute(Tensor predicted, Tensor target)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var y = target.detach().flatten().to_type(ScalarType.Float64);
        var yhat = predicted.detach().flatten().to_type(ScalarType.Float64);
        double varY = y.var(unbiased: false).item<double>();
        if (varY == 0) return double.NaN;
        return 1.0 - (y - yhat).var(unbiased: false).item<double>() / varY;
    }
}
