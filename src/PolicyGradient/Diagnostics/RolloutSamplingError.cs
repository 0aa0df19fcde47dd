using System.Runtime.InteropServices;
using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Policies;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Diagnostics;

/// <summary>
/// The <see cref="SamplingError"/> of an on-policy run's rollout against the policy that collected it:
/// one batched tensor forward over the buffer's T·N observations (either backend, no gradient, no random
/// numbers drawn, so the run's results are unchanged) gives π(·|s_t), then the pure function. Logged by
/// every on-policy run as the progress.csv column <see cref="Metric"/>.
/// </summary>
internal static class RolloutSamplingError
{
    /// <summary>The metric key (progress.csv column; TensorBoard shows it as train/sampling_error).</summary>
    public const string Metric = "sampling_error";

    /// <summary>
    /// D_KL(π_D ‖ π) of the rollout in <paramref name="core"/>'s buffer under its current weights; null for
    /// MultiDiscrete and MultiBinary action spaces (not defined here).
    /// </summary>
    public static double? Measure(OnPolicyCore core)
    {
        var kind = core.Net.Policy.ActionKind;
        if (kind is not (ActionKind.Discrete or ActionKind.Box)) return null;
        var buffer = core.Buffer;
        int rows = buffer.NumSteps * buffer.NumEnvs;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var observations = buffer.Observations.reshape(rows, buffer.ObservationSize).to(core.Device);
        var weights = core.Net.Weights();
        var (head, _) = core.Net.Forward(observations, weights);
        var actions = Floats(buffer.Actions.reshape(rows * buffer.ActionSize));
        if (kind == ActionKind.Box)
        {
            var gaussian = (DiagGaussian)core.Net.Distribution(head, weights);
            return SamplingError.Gaussian(actions, Floats(gaussian.Mean), Floats(gaussian.LogStd), buffer.ActionSize);
        }
        var masks = buffer.ActionMasks?.reshape(rows, buffer.ActionMaskSize).to(core.Device);
        var categorical = (Categorical)core.Net.Distribution(head, weights, masks);
        var probabilities = Floats(categorical.Probs);
        int actionCount = (int)head.shape[1];
        var taken = new int[rows];
        for (int t = 0; t < rows; t++)
        {
            taken[t] = (int)actions[t];
            // A sample whose float probability underflowed to 0 (or a row of a stale async batch): no finite error to log.
            if (probabilities[t * actionCount + taken[t]] <= 0) return null;
        }
        return SamplingError.Categorical(probabilities, taken, actionCount);
    }

    // A CPU float32 contiguous copy's values (a view when it already is one).
    static float[] Floats(Tensor t)
    {
        var c = t.device_type == DeviceType.CPU ? t : t.cpu();
        if (c.dtype != ScalarType.Float32) c = c.to_type(ScalarType.Float32);
        if (!c.is_contiguous()) c = c.contiguous();
        return MemoryMarshal.Cast<byte, float>(c.bytes).ToArray();
    }
}
