using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PolicyGradient.Objectives;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms.OnPolicy;

/// <summary>What one TRPO policy step did, on either backend: the surrogate before and after, the KL after, whether the line search accepted a step, its fraction and evaluations, the old policy's mean entropy.</summary>
internal readonly record struct TrustRegionStepResult(double OldObjective, double Objective, double Kl, bool Accepted, double Fraction, int Evaluations, double Entropy);

/// <summary>
/// TRPO's policy step (<see cref="Trpo"/>; Schulman et al. 2015) on <see cref="NativeActorCritic"/>:
/// the surrogate L(θ) = mean(A·exp(log π_θ − log π_old)) and its gradient g, the natural-gradient
/// direction s = (F + λI)⁻¹g by conjugate gradient, the step β = √(2δ/sᵀFs) and the backtracking line
/// search on the surrogate and mean KL(π_old ‖ π_θ) — the same steps as the tensor path, whose Fisher
/// products come from double backward through the mean KL.
/// <para>Fisher-vector products without second derivatives: at θ_old the Hessian of the mean KL is
/// F = (1/B) Σ_i J_iᵀ M_i J_i (the term with ∂KL/∂head vanishes there), with J_i = ∂head_i/∂θ
/// (forward mode: <see cref="NativeActorCritic.HeadTangent"/>; transpose: its backward) and M_i the
/// Fisher of the head: categorical diag(p) − ppᵀ; Gaussian 1/σ² on the mean and 2 on each log σ.</para>
/// </summary>
internal sealed class NativeTrustRegionStep
{
    readonly OnPolicyCore _core;
    readonly NativeActorCritic _net;
    readonly int _total, _k, _count;
    readonly float[] _oldHead, _oldLogStd, _probs, _logSums, _tangent, _u, _zeroValue, _dLogStd, _theta0;
    readonly float[] _g, _x, _r, _p, _ap, _fv;

    /// <summary>Scratch for <paramref name="core"/>'s rollout.</summary>
    public NativeTrustRegionStep(OnPolicyCore core, ActorCriticLayout layout)
    {
        _core = core;
        _total = core.Buffer.NumSteps * core.Buffer.NumEnvs;
        _k = layout.Head.Outputs;
        _count = layout.ParameterCount;
        _net = new NativeActorCritic(layout, _total);
        (_oldHead, _probs, _tangent, _u) = (new float[_total * _k], new float[_total * _k], new float[_total * _k], new float[_total * _k]);
        (_oldLogStd, _dLogStd, _logSums, _zeroValue) = (new float[_k], new float[_k], new float[_total], new float[_total]);
        _theta0 = new float[_count];
        (_g, _x, _r, _p, _ap, _fv) = (new float[_count], new float[_count], new float[_count], new float[_count], new float[_count], new float[_count]);
    }

    static Span<float> Floats(Tensor t) => MemoryMarshal.Cast<byte, float>(t.bytes);
    ActorCriticLayout Layout => _net.Layout;
    ReadOnlySpan<float> Observations => Floats(_core.Buffer.Observations);

    /// <summary>One trust-region step on θ (the flat buffer) for the given advantages [T·N].</summary>
    public TrustRegionStepResult Run(float[] advantages, TrpoOptions options)
    {
        Span<float> theta = Floats(_core.Net.Parameters.Data);
        theta.CopyTo(_theta0);
        _net.Forward(theta, Observations, _total);
        _net.Head(_total).CopyTo(_oldHead);
        if (Layout.Gaussian) theta.Slice(Layout.LogStdOffset, _k).CopyTo(_oldLogStd);
        double oldObjective = SurrogateGradient(theta, advantages, out double entropy);

        // s = (F + λI)⁻¹g, then the largest step along s with ½β²sᵀFs = δ.
        ConjugateGradient(theta, options.CgDamping, options.CgMaxSteps);
        FisherVector(theta, _x, options.CgDamping, _fv);
        double sFs = Dot(_x, _fv);
        double maxStep = sFs > 0 ? Math.Sqrt(2 * options.TargetKl / sFs) : 0;

        double lastObjective = oldObjective, lastKl = 0;
        (double, double) Evaluate(double fraction)
        {
            Span<float> t = Floats(_core.Net.Parameters.Data);
            float step = (float)(fraction * maxStep);
            for (int i = 0; i < _count; i++) t[i] = _theta0[i] + step * _x[i];
            (lastObjective, lastKl) = ObjectiveAndKl(t, advantages);
            return (lastObjective, lastKl);
        }
        var (accepted, fraction, evaluations) = NaturalGradient.BacktrackingLineSearch(
            Evaluate, oldObjective, options.TargetKl, options.LineSearchShrinkingFactor, options.LineSearchMaxIter);
        if (!accepted) _theta0.CopyTo(Floats(_core.Net.Parameters.Data));
        return new TrustRegionStepResult(oldObjective, lastObjective, lastKl, accepted, fraction, evaluations, entropy);
    }

    // L at θ_old (ratio from the rollout's log π_old) and g = ∂L/∂θ into _g; the old policy's mean entropy.
    double SurrogateGradient(ReadOnlySpan<float> theta, ReadOnlySpan<float> advantages, out double entropy)
    {
        ReadOnlySpan<float> actions = Floats(_core.Buffer.Actions), oldLogProbs = Floats(_core.Buffer.LogProbs);
        float invB = 1f / _total;
        double objective = 0, h = 0;
        Array.Clear(_dLogStd);
        var logStd = Layout.Gaussian ? theta.Slice(Layout.LogStdOffset, _k) : ReadOnlySpan<float>.Empty;
        float gaussianEntropy = Layout.Gaussian ? NativeDistribution.GaussianEntropy(logStd) : 0;
        for (int i = 0; i < _total; i++)
        {
            var z = _oldHead.AsSpan(i * _k, _k);
            var dz = _u.AsSpan(i * _k, _k);
            float logProb, rowEntropy = gaussianEntropy, logSum = 0;
            if (!Layout.Gaussian) logProb = NativeDistribution.CategoricalLogProb(z, (int)actions[i], dz, out rowEntropy, out logSum);
            else logProb = NativeDistribution.GaussianLogProb(z, actions.Slice(i * _k, _k), logStd);
            float ratio = MathF.Exp(logProb - oldLogProbs[i]), g = advantages[i] * ratio * invB;
            objective += advantages[i] * ratio;
            h += rowEntropy;
            if (!Layout.Gaussian) NativeDistribution.CategoricalGradient(z, (int)actions[i], logSum, rowEntropy, g, 0f, dz);
            else NativeDistribution.GaussianGradient(z, actions.Slice(i * _k, _k), logStd, g, dz, _dLogStd);
        }
        _net.Backward(theta, Observations, _total, _u, _zeroValue, _g);
        if (Layout.Gaussian) _dLogStd.CopyTo(_g.AsSpan(Layout.LogStdOffset, _k));
        entropy = h / _total;
        return objective / _total;
    }

    // (F + λI)·v into result, at θ_old (the caches of the first forward are intact until the line search).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void FisherVector(ReadOnlySpan<float> theta, ReadOnlySpan<float> v, double damping, Span<float> result)
    {
        _net.HeadTangent(theta, v, Observations, _total, _tangent);
        float invB = 1f / _total;
        for (int i = 0; i < _total; i++)
        {
            var jv = _tangent.AsSpan(i * _k, _k);
            var u = _u.AsSpan(i * _k, _k);
            if (Layout.Gaussian)
                for (int j = 0; j < _k; j++) u[j] = jv[j] * MathF.Exp(-2f * _oldLogStd[j]) * invB; // 1/σ² on the mean
            else
            {
                var z = _oldHead.AsSpan(i * _k, _k);
                NativeDistribution.CategoricalLogProb(z, 0, u, out _, out _); // u ← p
                float pjv = 0;
                for (int j = 0; j < _k; j++) pjv += u[j] * jv[j];
                for (int j = 0; j < _k; j++) u[j] = u[j] * (jv[j] - pjv) * invB; // (diag(p) − ppᵀ)·Jv
            }
        }
        _net.Backward(theta, Observations, _total, _u, _zeroValue, result);
        if (Layout.Gaussian)
            for (int j = 0; j < _k; j++) result[Layout.LogStdOffset + j] = 2f * v[Layout.LogStdOffset + j];
        float d = (float)damping;
        for (int i = 0; i < _count; i++) result[i] += d * v[i];
    }

    // Conjugate gradient for (F + λI)x = g (as NaturalGradient.ConjugateGradient: x₀ = 0, residual tolerance 1e-10).
    void ConjugateGradient(ReadOnlySpan<float> theta, double damping, int maxSteps)
    {
        Array.Clear(_x);
        _g.CopyTo(_r, 0);
        _g.CopyTo(_p, 0);
        double rr = Dot(_r, _r);
        for (int step = 0; step < maxSteps && rr >= 1e-10; step++)
        {
            FisherVector(theta, _p, damping, _ap);
            double pap = Dot(_p, _ap);
            if (!(pap > 0)) break; // not positive definite along p (numerically): keep the current x
            float alpha = (float)(rr / pap);
            for (int i = 0; i < _count; i++) { _x[i] += alpha * _p[i]; _r[i] -= alpha * _ap[i]; }
            double rrNew = Dot(_r, _r);
            float beta = (float)(rrNew / rr);
            for (int i = 0; i < _count; i++) _p[i] = _r[i] + beta * _p[i];
            rr = rrNew;
        }
    }

    // Surrogate and mean KL(π_old ‖ π_θ) at θ (one forward).
    (double Objective, double Kl) ObjectiveAndKl(ReadOnlySpan<float> theta, ReadOnlySpan<float> advantages)
    {
        _net.Forward(theta, Observations, _total);
        var head = _net.Head(_total);
        ReadOnlySpan<float> actions = Floats(_core.Buffer.Actions), oldLogProbs = Floats(_core.Buffer.LogProbs);
        var logStd = Layout.Gaussian ? theta.Slice(Layout.LogStdOffset, _k) : ReadOnlySpan<float>.Empty;
        double objective = 0, kl = 0;
        for (int i = 0; i < _total; i++)
        {
            var z = head.Slice(i * _k, _k);
            var old = _oldHead.AsSpan(i * _k, _k);
            float logProb;
            if (!Layout.Gaussian)
            {
                logProb = NativeDistribution.CategoricalLogProb(z, (int)actions[i], _u.AsSpan(0, _k), out _, out float logSum);
                NativeDistribution.CategoricalLogProb(old, 0, _probs.AsSpan(0, _k), out _, out float oldLogSum);
                for (int j = 0; j < _k; j++) // Σ p_old (log p_old − log p), entries with p_old = 0 contributing 0
                    if (_probs[j] > 0) kl += _probs[j] * ((old[j] - oldLogSum) - (z[j] - logSum));
            }
            else
            {
                logProb = NativeDistribution.GaussianLogProb(z, actions.Slice(i * _k, _k), logStd);
                for (int j = 0; j < _k; j++)
                {
                    double varRatio = Math.Exp(2.0 * (_oldLogStd[j] - logStd[j]));
                    double meanTerm = (old[j] - z[j]) * (double)(old[j] - z[j]) * Math.Exp(-2.0 * logStd[j]);
                    kl += logStd[j] - _oldLogStd[j] + 0.5 * (varRatio + meanTerm) - 0.5;
                }
            }
            objective += advantages[i] * Math.Exp(logProb - oldLogProbs[i]);
        }
        return (objective / _total, kl / _total);
    }

    static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (double)a[i] * b[i];
        return s;
    }
}
