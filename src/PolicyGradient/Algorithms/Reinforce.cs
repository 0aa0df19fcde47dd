using System.Globalization;
using System.Runtime.InteropServices;
using PolicyGradient.Interop;
using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Environments.Vector;
using PolicyGradient.Estimators;
using PolicyGradient.Objectives;
using PolicyGradient.Policies;
using PolicyGradient.Optimizers;
using PolicyGradient.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms;

/// <summary>
/// REINFORCE (Williams 1992), the Monte-Carlo policy gradient: ∇J = E[Σ_t ∇log π(a_t|s_t)(G_t − b)],
/// G_t = Σ_k γ^k r_{t+k} to the end of the episode, with no baseline, a running-mean baseline or a
/// learned value baseline (Sutton and Barto 2018 §13.3–13.4). Each update uses the COMPLETED
/// episodes of a fixed-length vectorised rollout: the unfinished tail of each copy has no
/// Monte-Carlo return yet, so it is masked out (no bootstrapping — that would make it actor-critic).
/// </summary>
public sealed class Reinforce : OnPolicyAlgorithm<ReinforceOptions>
{
    NativeRolloutGradient? _native;
    float[] _returns = [], _mask = [], _advantages = [], _rowWeights = [];
    double _runningBaseline;
    bool _baselineStarted;

    /// <summary>REINFORCE on <paramref name="options"/>.NEnvs copies of a registered environment.</summary>
    public Reinforce(string envId, ReinforceOptions? options = null, long seed = 0, Device? device = null) : base(envId, options, seed, device) => Build();

    /// <summary>REINFORCE as the run layer builds it (registry entry "reinforce").</summary>
    public Reinforce(ReinforceOptions options, AlgorithmContext context) : base(options, context) => Build();

    /// <summary>REINFORCE on a vector env you built (its NumEnvs overrides <c>n_envs</c>).</summary>
    public Reinforce(IVectorEnv env, ReinforceOptions? options = null, long seed = 0, Device? device = null) : base(env, options, seed, device) => Build();

    // Adam (PyTorch defaults); the native rollout and update (OnPolicy/NativeRolloutGradient.cs) where they apply.
    void Build() => Initialize(new FlatAdam(Core.Net.Parameters), layout =>
    {
        if (layout is null) return;
        _native = new NativeRolloutGradient(Core, layout);
        int rows = _native.Rows;
        (_returns, _mask, _advantages, _rowWeights) = (new float[rows], new float[rows], new float[rows], new float[rows]);
    });

    /// <inheritdoc />
    public override string Name => "reinforce";

    /// <inheritdoc />
    public override void Learn(long totalTimesteps, ITrainingCallback? callback = null) =>
        Core.Learn(this, totalTimesteps, callback, progressRemaining =>
        {
            double learningRate = Options.LearningRate.Value(progressRemaining);
            return _native is null ? UpdateLibTorch(learningRate) : UpdateNative(learningRate);
        });

    /// <summary>1 for steps whose episode ended inside the rollout (so G_t is a true Monte-Carlo return), else 0; [T, N].</summary>
    internal static Tensor CompletedEpisodeMask(Tensor dones)
    {
        int t = (int)dones.shape[0], n = (int)dones.shape[1];
        var mask = new float[t * n];
        CompletedEpisodeMask(MemoryMarshal.Cast<byte, float>(dones.contiguous().bytes), n, mask);
        return torch.tensor(mask, [t, n]);
    }

    /// <summary>The same mask on spans: <paramref name="dones"/> and <paramref name="mask"/> are [T, N] row-major.</summary>
    internal static void CompletedEpisodeMask(ReadOnlySpan<float> dones, int n, Span<float> mask)
    {
        int t = dones.Length / n;
        for (int j = 0; j < n; j++)
        {
            bool ended = false; // scanning backwards: has an episode end been seen at or after step i?
            for (int i = t - 1; i >= 0; i--)
            {
                if (dones[i * n + j] != 0f) ended = true;
                mask[i * n + j] = ended ? 1f : 0f;
            }
        }
    }

    // The definition: the tensor composition, differentiated by autograd.
    Dictionary<string, double> UpdateLibTorch(double learningRate)
    {
        using var scope = torch.NewDisposeScope();
        var buffer = Core.Buffer;
        int total = buffer.NumSteps * buffer.NumEnvs;
        var device = Core.Device;
        // Monte-Carlo reward-to-go G_t = r_t + γ(1 − done_t)G_{t+1}; the tail after the last episode end is masked.
        var returns = DiscountedReturns.Compute(buffer.Rewards, buffer.Dones, Options.Gamma).view(total).to(device);
        var mask = CompletedEpisodeMask(buffer.Dones).view(total).to(device);
        double validCount = mask.sum().item<float>();
        var metrics = new Dictionary<string, double> { ["learning_rate"] = learningRate, ["valid_fraction"] = validCount / total };
        if (validCount < 2) return metrics; // no episode finished in this rollout: nothing to learn from yet

        var observations = buffer.Observations.view(total, buffer.ObservationSize).to(device);
        var actions = buffer.Actions.view(total, buffer.ActionSize).to(device);
        var weights = Core.Net.Weights();
        var (head, values) = Core.Net.Forward(observations, weights);
        var distribution = Core.Net.Distribution(head, weights, buffer.ActionMasks?.view(total, buffer.ActionMaskSize).to(device));
        var logProbs = distribution.LogProb(actions);
        var entropy = LossAggregation.Aggregate(distribution.Entropy(), mask, LossAggregationMode.TokenMean);

        // The baseline b (variance reduction; it leaves the gradient unbiased).
        using Scalar baseline = _runningBaseline.ToScalar();
        Tensor advantages = Options.Baseline switch
        {
            ReinforceBaseline.None => returns,
            ReinforceBaseline.RunningMean => returns.sub(baseline),
            _ => returns - values.detach(),
        };
        if (Options.Baseline == ReinforceBaseline.RunningMean)
        {
            UpdateRunningBaseline((returns * mask).sum().item<float>() / validCount);
        }
        if (Options.NormalizeAdvantage) advantages = AdvantageNormalization.Normalize(advantages, mask);

        var policyLoss = LossAggregation.Aggregate(PolicyGradientLoss.Compute(logProbs, advantages), mask, LossAggregationMode.TokenMean);
        var loss = policyLoss;
        Tensor? valueLoss = null;
        using Scalar vfCoef = Options.VfCoef.ToScalar(), entCoef = Options.EntCoef.ToScalar();
        if (Options.Baseline == ReinforceBaseline.Value)
        {
            valueLoss = LossAggregation.Aggregate(ValueLoss.Compute(values, returns), mask, LossAggregationMode.TokenMean);
            loss = loss.add(valueLoss.mul(vfCoef), TorchScalars.One);
        }
        if (Options.EntCoef != 0) loss = loss.add(EntropyBonus.Compute(entropy).mul(entCoef), TorchScalars.One);

        Core.Net.Parameters.ZeroGrad();
        loss.backward();
        var gradNorm = Core.Net.Parameters.ClipGradNorm(Options.MaxGradNorm);
        Optimizer.Step(learningRate);

        metrics["policy_loss"] = policyLoss.item<float>();
        metrics["entropy"] = entropy.item<float>();
        metrics["grad_norm"] = gradNorm.item<float>();
        if (valueLoss is not null)
        {
            metrics["value_loss"] = valueLoss.item<float>();
            metrics["explained_variance"] = ExplainedVariance.Compute(buffer.Values.view(total)[mask.to(torch.CPU).to_type(ScalarType.Bool)], returns.cpu()[mask.to(torch.CPU).to_type(ScalarType.Bool)]);
        }
        if (Options.Baseline == ReinforceBaseline.RunningMean) metrics["baseline"] = _runningBaseline;
        return metrics;
    }

    // The same update on the native kernels (masked means as row weights mask/Σmask).
    Dictionary<string, double> UpdateNative(double learningRate)
    {
        var buffer = Core.Buffer;
        int total = _native!.Rows;
        using (torch.NewDisposeScope())
            Floats(DiscountedReturns.Compute(buffer.Rewards, buffer.Dones, Options.Gamma)).CopyTo(_returns);
        CompletedEpisodeMask(Floats(buffer.Dones), buffer.NumEnvs, _mask);
        double validCount = 0, returnSum = 0;
        for (int i = 0; i < total; i++) { validCount += _mask[i]; returnSum += _returns[i] * _mask[i]; }
        var metrics = new Dictionary<string, double> { ["learning_rate"] = learningRate, ["valid_fraction"] = validCount / total };
        if (validCount < 2) return metrics; // no episode finished in this rollout: nothing to learn from yet

        _native.Forward();
        var values = _native.Values;
        for (int i = 0; i < total; i++)
            _advantages[i] = Options.Baseline switch
            {
                ReinforceBaseline.None => _returns[i],
                ReinforceBaseline.RunningMean => (float)(_returns[i] - _runningBaseline),
                _ => _returns[i] - values[i],
            };
        if (Options.Baseline == ReinforceBaseline.RunningMean) UpdateRunningBaseline(returnSum / validCount);
        if (Options.NormalizeAdvantage) NativeAdvantageNormalization.Normalize(_advantages, _mask);
        for (int i = 0; i < total; i++) _rowWeights[i] = (float)(_mask[i] / validCount);
        bool valueBaseline = Options.Baseline == ReinforceBaseline.Value;
        var terms = _native.Backward(_advantages, _returns, _rowWeights, valueBaseline ? Options.VfCoef : 0, Options.EntCoef);
        float gradNorm = NativeAdam.ClipGradNorm(Floats(Core.Net.Parameters.Grad), Options.MaxGradNorm);
        Optimizer.StepNative(learningRate);

        metrics["policy_loss"] = terms.PolicyLoss;
        metrics["entropy"] = terms.Entropy;
        metrics["grad_norm"] = gradNorm;
        if (valueBaseline)
        {
            metrics["value_loss"] = terms.ValueLoss;
            using var scope = torch.NewDisposeScope();
            var valid = torch.tensor(_mask).to_type(ScalarType.Bool);
            metrics["explained_variance"] = ExplainedVariance.Compute(buffer.Values.view(total)[valid], torch.tensor(_returns)[valid]);
        }
        if (Options.Baseline == ReinforceBaseline.RunningMean) metrics["baseline"] = _runningBaseline;
        return metrics;
    }

    void UpdateRunningBaseline(double batchMean)
    {
        _runningBaseline = _baselineStarted ? Options.BaselineMomentum * _runningBaseline + (1 - Options.BaselineMomentum) * batchMean : batchMean;
        _baselineStarted = true;
    }

    static Span<float> Floats(Tensor t) => MemoryMarshal.Cast<byte, float>(t.bytes);

    /// <inheritdoc />
    private protected override void CaptureExtra(TrainingState state)
    {
        state.Values["baseline.running_mean"] = _runningBaseline.ToString("R", CultureInfo.InvariantCulture);
        state.Values["baseline.started"] = _baselineStarted ? "true" : "false";
    }

    /// <inheritdoc />
    private protected override void RestoreExtra(TrainingState state)
    {
        _runningBaseline = double.Parse(OnPolicyCore.RequireValue(state, "baseline.running_mean"), CultureInfo.InvariantCulture);
        _baselineStarted = OnPolicyCore.RequireValue(state, "baseline.started") == "true";
    }
}
