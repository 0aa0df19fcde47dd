using PolicyGradient.Language.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Distributed;

/// <summary>A language policy's parameters as one float blob (module order, tied weights once): the weight broadcast.</summary>
internal static class WeightBlob
{
    /// <summary>θ of <paramref name="policy"/> as one float32 array.</summary>
    /// <exception cref="ArgumentException">A parameter that is not float32.</exception>
    public static float[] Read(TransformerPolicy policy)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var parameters = policy.parameters().ToArray();
        if (parameters.FirstOrDefault(p => p.dtype != ScalarType.Float32) is { } other)
            throw new ArgumentException($"rollout workers take float32 policies; this policy has a {other.dtype} parameter");
        return torch.cat(parameters.Select(p => p.detach().reshape(-1).cpu()).ToArray(), 0).data<float>().ToArray();
    }

    /// <summary>Copies <paramref name="blob"/> (from <see cref="Read"/>) into <paramref name="policy"/>'s parameters.</summary>
    /// <exception cref="ArgumentException">The blob's size is not the policy's parameter count.</exception>
    public static void Write(TransformerPolicy policy, float[] blob)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var parameters = policy.parameters().ToArray();
        long count = parameters.Sum(p => p.numel());
        if (count != blob.Length)
            throw new ArgumentException($"the weight blob has {blob.Length} floats, the worker's policy {count} parameters; learner and worker disagree on the model");
        var flat = torch.tensor(blob);
        long offset = 0;
        foreach (var p in parameters)
        {
            p.copy_(flat.narrow(0, offset, p.numel()).view(p.shape));
            offset += p.numel();
        }
    }
}
