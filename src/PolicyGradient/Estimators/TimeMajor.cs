using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Estimators;

/// <summary>
/// Helpers for [T, N] rollouts: the backward recursions run on the CPU over a flat float array
/// (T·N scalar steps are far cheaper than T small tensor ops) and come back as one tensor.
/// </summary>
internal static class TimeMajor
{
    public static (int T, int N) Shape(Tensor x, string name)
    {
        if (x.dim() == 1) return ((int)x.shape[0], 1);
        if (x.dim() != 2) throw new ArgumentException($"{name} must be [T, N] (time-major), got shape [{string.Join(", ", x.shape)}]", name);
        return ((int)x.shape[0], (int)x.shape[1]);
    }

    public static void Require(Tensor x, int t, int n, string name)
    {
        if (x.numel() != (long)t * n)
            throw new ArgumentException($"{name} must be [{t}, {n}] like rewards, got shape [{string.Join(", ", x.shape)}]", name);
    }

    public static float[] ToArray(Tensor x)
    {
        var cpu = x.detach();
        if (cpu.device_type != DeviceType.CPU) cpu = cpu.cpu();
        if (cpu.dtype != ScalarType.Float32) cpu = cpu.to_type(ScalarType.Float32);
        return cpu.contiguous().data<float>().ToArray();
    }

    public static Tensor FromArray(float[] values, int t, int n, Tensor like)
    {
        long[] shape = like.dim() == 1 ? [t] : [t, n];
        var result = torch.tensor(values, shape);
        if (like.dtype != ScalarType.Float32) result = result.to_type(like.dtype);
        return like.device_type == DeviceType.CPU ? result : result.to(like.device);
    }
}
