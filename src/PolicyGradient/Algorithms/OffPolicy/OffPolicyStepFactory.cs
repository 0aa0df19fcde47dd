namespace PolicyGradient.Algorithms.OffPolicy;

/// <summary>What a gradient step is built for: the algorithm and its settings.</summary>
/// <param name="Algorithm">"sac", "sac-discrete", "td3" or "ddpg".</param>
/// <param name="Networks">The shared trainable state.</param>
/// <param name="Sac">SAC's settings (sac, sac-discrete), else null.</param>
/// <param name="Td3">TD3's settings (td3, ddpg), else null.</param>
/// <param name="Deterministic">--deterministic: results must not depend on thread timing.</param>
internal sealed record OffPolicyStepRequest(string Algorithm, OffPolicyNetworks Networks, SacStepSettings? Sac, Td3StepSettings? Td3, bool Deterministic);

/// <summary>
/// Chooses the <see cref="IOffPolicyStep"/> of an off-policy algorithm for the backend option. The
/// native kernels plug in through the partial method <see cref="CreateNative"/>, implemented in a
/// Native* file of this folder; without it (or where it declines a setup) auto falls back to the
/// tensor steps and native is an error.
/// </summary>
internal static partial class OffPolicyStepFactory
{
    /// <summary>The step and the backend name ("native" or "libtorch") for <paramref name="backend"/>.</summary>
    /// <exception cref="ArgumentException">backend=native where the native kernels cannot run this setup.</exception>
    public static (IOffPolicyStep Step, string Backend) Create(OffPolicyStepRequest request, ComputeBackend backend, bool onCpu)
    {
        if (backend != ComputeBackend.LibTorch && onCpu)
        {
            IOffPolicyStep? native = null;
            CreateNative(request, ref native);
            if (native is not null) return (native, "native");
        }
        if (backend == ComputeBackend.Native)
            throw new ArgumentException($"backend=native is not available for {request.Algorithm} here (it needs the CPU and the native off-policy kernels); set backend=auto or backend=libtorch");
        return (CreateTensor(request), "libtorch");
    }

    /// <summary>The libtorch step with autograd.</summary>
    public static IOffPolicyStep CreateTensor(OffPolicyStepRequest request) => request.Algorithm switch
    {
        "sac" => new TensorSacStep(request.Networks, request.Sac!),
        "sac-discrete" => new TensorDiscreteSacStep(request.Networks, request.Sac!),
        "td3" or "ddpg" => new TensorTd3Step(request.Networks, request.Td3!),
        _ => throw new ArgumentException($"unknown off-policy algorithm '{request.Algorithm}'"),
    };

    /// <summary>Sets <paramref name="step"/> to the native step for <paramref name="request"/>, or leaves it null where unsupported.</summary>
    static partial void CreateNative(OffPolicyStepRequest request, ref IOffPolicyStep? step);
}
