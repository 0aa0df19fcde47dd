using System.Numerics;
using System.Runtime.InteropServices;
using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Environments;
using PolicyGradient.Environments.Spaces;
using static TorchSharp.torch;

namespace PolicyGradient.Diagnostics;

/// <summary>
/// Collects whole episodes with an on-policy run's frozen policy and turns each batch into one policy-gradient
/// estimate per estimator, ĝ = (1/N) Σ_t Ψ_t ∇θ log π(a_t|s_t) over the batch's N steps. Each step's score
/// ∇θ log π(a_t|s_t) is one native forward and backward of that row (<see cref="NativeActorCritic"/>) with
/// ∂log π/∂head written by hand — Categorical: onehot(a) − softmax(z); Gaussian: (a − μ)/σ² and, for log σ,
/// ((a − μ)/σ)² − 1 — so no copy of the model is made per batch. Scores are kept for one episode only: at its
/// end the returns-to-go and GAE are known, and Σ_t c_t·g_t is added into one accumulator per coefficient.
/// Observations and rewards are scaled as training saw them (the run's frozen normalization statistics).
/// </summary>
internal sealed class ScoreFunctionRollout : IDisposable
{
    readonly OnPolicyCore _core;
    readonly ActorCriticLayout _layout;
    readonly NativeActorCritic _net;
    readonly IEnv _env;
    readonly Box? _box;
    readonly int _obs, _act, _head;
    readonly double _gamma;
    readonly float[] _raw, _normalized, _action, _envAction, _dHead, _zeroValue = new float[1], _probabilities;
    readonly List<float[]> _scores = [];
    readonly List<float> _rewards = [], _values = [], _ratios = [];
    Random _random = new(0);
    float[]? _behaviour; // μ's flat parameters while a batch is played off-policy, else null

    /// <summary>A rollout for the algorithm behind <paramref name="core"/> on a fresh copy of its env.</summary>
    public ScoreFunctionRollout(OnPolicyCore core, ActorCriticLayout layout, IEnv env, double gamma)
    {
        (_core, _layout, _env, _gamma) = (core, layout, env, gamma);
        _net = new NativeActorCritic(layout, 1);
        _box = env.ActionSpace as Box;
        (_obs, _act, _head) = (env.ObservationSpace.FlatSize, env.ActionSpace.FlatSize, layout.Head.Outputs);
        (_raw, _normalized) = (new float[_obs], new float[_obs]);
        (_action, _envAction, _dHead, _probabilities) = (new float[_act], new float[_act], new float[_head], new float[_head]);
    }

    /// <summary>Mean undiscounted return (in the rewards training saw) of every episode played so far.</summary>
    public double MeanEpisodeReturn => _episodes == 0 ? double.NaN : _returnSum / _episodes;

    int _episodes;
    double _returnSum;

    /// <summary>Entries of a score vector (every parameter of the flat buffer; the critic's stay 0).</summary>
    public int ParameterCount => _layout.ParameterCount;

    static Span<float> Floats(Tensor t) => MemoryMarshal.Cast<byte, float>(t.bytes);

    /// <summary>
    /// Plays whole episodes (the first reset with <paramref name="seed"/>, action noise from it too) until at
    /// least <paramref name="minSteps"/> steps, and returns one gradient estimate per estimator, in order, and the
    /// importance-sampled estimators' effective sample sizes (NaN for the others). With <paramref name="behaviour"/>
    /// (a flat parameter buffer of the same network) the actions come from that policy μ, the scores and V(s) from
    /// the current one, and each step's ratio π(a|s)/μ(a|s) feeds the importance-sampled estimators.
    /// </summary>
    public (double[][] Gradients, int Steps, int Episodes, double[] EffectiveSampleSizes) Collect(int minSteps, int seed,
        IReadOnlyList<GradientEstimatorSpec> estimators, float[]? behaviour = null)
    {
        if (behaviour is not null && behaviour.Length != ParameterCount)
            throw new ArgumentException($"the behaviour policy has {behaviour.Length} parameters, the run's network {ParameterCount}");
        _random = new Random(seed);
        _behaviour = behaviour;
        var sums = new BatchSums(ParameterCount, estimators);
        int steps = 0, episodes = 0;
        long? resetSeed = seed;
        while (steps < minSteps)
        {
            steps += PlayEpisode(resetSeed, sums);
            resetSeed = null; // later episodes continue the env's own random stream
            episodes++;
        }
        return (sums.Gradients(steps), steps, episodes, sums.EffectiveSampleSizes());
    }

    int PlayEpisode(long? seed, BatchSums sums)
    {
        _rewards.Clear();
        _values.Clear();
        _ratios.Clear();
        _env.Reset(_raw, seed);
        var theta = Floats(_core.Net.Parameters.Data);
        float bootstrap = 0;
        for (int t = 0; ; t++)
        {
            if (t == _scores.Count) _scores.Add(new float[ParameterCount]);
            _values.Add(ScoreOfSampledAction(theta, _scores[t]));
            _action.CopyTo(_envAction, 0);
            _box?.Clip(_envAction);
            var step = _env.Step(_envAction, _raw);
            _rewards.Add(_core.Normalization.ScaleReward(step.Reward));
            if (!step.Done) continue;
            if (step.Truncated && !step.Terminated) bootstrap = ValueOf(theta); // a time limit: V(s_T) stands for the rest
            sums.AddEpisode(_scores, _rewards, _values, _ratios, bootstrap, _gamma);
            if (_behaviour is null)   // the mean return describes the diagnosed policy only
            {
                _episodes++;
                foreach (float r in _rewards) _returnSum += r;
            }
            return t + 1;
        }
    }

    // Samples a ~ π(·|s) (or μ(·|s) off-policy, recording π(a|s)/μ(a|s)) for the observation in _raw, writes ∇θ log π(a|s) into score, returns V(s).
    float ScoreOfSampledAction(ReadOnlySpan<float> theta, float[] score)
    {
        double behaviourLogProb = 0;
        if (_behaviour is not null)
        {
            ValueOf(_behaviour);
            ReadOnlySpan<float> behaviourHead = _net.Head(1);
            Sample(_behaviour, behaviourHead);
            behaviourLogProb = LogProbability(_behaviour, behaviourHead);
        }
        float value = ValueOf(theta);
        ReadOnlySpan<float> head = _net.Head(1);
        if (_behaviour is null) Sample(theta, head);
        else _ratios.Add((float)Math.Exp(LogProbability(theta, head) - behaviourLogProb));
        WriteScore(theta, head, score);
        return value;
    }

    void Sample(ReadOnlySpan<float> theta, ReadOnlySpan<float> head)
    {
        if (_layout.Gaussian) SampleGaussian(theta, head);
        else SampleCategorical(head);
    }

    // log π(a|s) of the action in _action, up to a constant that cancels in a ratio (the Gaussian's −½ log 2π per dimension).
    double LogProbability(ReadOnlySpan<float> theta, ReadOnlySpan<float> head)
    {
        if (_layout.Gaussian)
        {
            var logStd = theta.Slice(_layout.LogStdOffset, _head);
            double sum = 0;
            for (int j = 0; j < _head; j++)
            {
                double x = (_action[j] - (double)head[j]) * Math.Exp(-logStd[j]);
                sum += -0.5 * x * x - logStd[j];
            }
            return sum;
        }
        double max = double.NegativeInfinity, total = 0;
        foreach (float z in head) max = Math.Max(max, z);
        foreach (float z in head) total += Math.Exp(z - max);
        return head[(int)_action[0]] - max - Math.Log(total);
    }

    /// <summary>∇θ log π(a|s) for a given raw observation and action (what the rollout computes for its sampled ones).</summary>
    internal void Score(ReadOnlySpan<float> observation, ReadOnlySpan<float> action, float[] score)
    {
        var theta = Floats(_core.Net.Parameters.Data);
        observation.CopyTo(_raw);
        action.CopyTo(_action);
        ValueOf(theta);
        WriteScore(theta, _net.Head(1), score);
    }

    // ∂log π(a|s)/∂head by hand, then the native backward: Categorical onehot(a) − softmax(z); Gaussian (a − μ)/σ², and ((a − μ)/σ)² − 1 for log σ.
    void WriteScore(ReadOnlySpan<float> theta, ReadOnlySpan<float> head, float[] score)
    {
        if (_layout.Gaussian)
        {
            var logStd = theta.Slice(_layout.LogStdOffset, _head);
            for (int j = 0; j < _head; j++)
            {
                float inverseSigma = MathF.Exp(-logStd[j]), x = (_action[j] - head[j]) * inverseSigma;
                _dHead[j] = x * inverseSigma;
            }
            _net.Backward(theta, _normalized, 1, _dHead, _zeroValue, score);
            for (int j = 0; j < _head; j++)
            {
                float x = (_action[j] - head[j]) * MathF.Exp(-logStd[j]);
                score[_layout.LogStdOffset + j] = x * x - 1f;
            }
            return;
        }
        float sum = Softmax(head);
        int chosen = (int)_action[0];
        for (int a = 0; a < _head; a++) _dHead[a] = (a == chosen ? 1f : 0f) - _probabilities[a] / sum;
        _net.Backward(theta, _normalized, 1, _dHead, _zeroValue, score);
    }

    // Unnormalized softmax e^{z − max z} into _probabilities; returns their sum.
    float Softmax(ReadOnlySpan<float> logits)
    {
        float max = float.NegativeInfinity, sum = 0;
        foreach (float z in logits) max = Math.Max(max, z);
        for (int a = 0; a < _head; a++) sum += _probabilities[a] = MathF.Exp(logits[a] - max);
        return sum;
    }

    void SampleCategorical(ReadOnlySpan<float> logits)
    {
        float sum = Softmax(logits);
        double u = _random.NextDouble() * sum, cumulative = 0;
        int chosen = _head - 1;
        for (int a = 0; a < _head; a++)
        {
            cumulative += _probabilities[a];
            if (u < cumulative) { chosen = a; break; }
        }
        _action[0] = chosen;
    }

    void SampleGaussian(ReadOnlySpan<float> theta, ReadOnlySpan<float> mean)
    {
        var logStd = theta.Slice(_layout.LogStdOffset, _head);
        for (int j = 0; j < _head; j++)
        {
            // Box–Muller: ε = √(−2 ln u₁) cos(2π u₂), u₁ ∈ (0, 1].
            double epsilon = Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());
            _action[j] = mean[j] + MathF.Exp(logStd[j]) * (float)epsilon;
        }
    }

    // Normalizes the observation in _raw, runs the network on it; returns V(s) (the head stays in _net).
    float ValueOf(ReadOnlySpan<float> theta)
    {
        _core.Normalization.NormalizeObservations(_raw, _normalized);
        _net.Forward(theta, _normalized, 1);
        return _net.Value(1)[0];
    }

    /// <inheritdoc />
    public void Dispose() => _env.Dispose();

    /// <summary>
    /// Σ_t c_t·g_t over a batch for the coefficients the estimators need: 1, G_t, V_t (for mc, mc-mean,
    /// mc-value), G_t·g_t² and g_t² (the optimal baseline's numerator and denominator), and A_t^λ per GAE estimator.
    /// </summary>
    sealed class BatchSums(int parameters, IReadOnlyList<GradientEstimatorSpec> estimators)
    {
        readonly float[] _ones = new float[parameters], _returns = new float[parameters], _values = new float[parameters],
            _returnSquares = new float[parameters], _squares = new float[parameters];
        readonly double[] _lambdas = estimators.Where(e => e.Kind == GradientEstimatorKind.GeneralizedAdvantage).Select(e => e.Lambda).Distinct().ToArray();
        readonly Dictionary<double, float[]> _gae = [];
        double _returnSum;
        readonly List<float> _g = [], _a = [];
        readonly float[]? _perDecision = estimators.Any(e => e.Kind == GradientEstimatorKind.ImportanceSampled && !e.PerTrajectory) ? new float[parameters] : null;
        readonly float[]? _perTrajectory = estimators.Any(e => e.Kind == GradientEstimatorKind.ImportanceSampled && e.PerTrajectory) ? new float[parameters] : null;
        readonly List<double> _stepWeights = [], _episodeWeights = [];
        double[] _psi = [], _weights = [];

        public void AddEpisode(List<float[]> scores, List<float> rewards, List<float> values, List<float> ratios, float bootstrap, double gamma)
        {
            if (_perDecision is not null || _perTrajectory is not null) AddWeighted(scores, rewards, values, ratios, bootstrap, gamma);
            int n = rewards.Count;
            ReturnsToGo(rewards, gamma, _g);
            for (int t = 0; t < n; t++)
            {
                var g = scores[t];
                AddScaled(_ones, g, 1f);
                AddScaled(_returns, g, _g[t]);
                AddScaled(_values, g, values[t]);
                AddScaledSquare(_returnSquares, g, _g[t]);
                AddScaledSquare(_squares, g, 1f);
                _returnSum += _g[t];
            }
            foreach (double lambda in _lambdas)
            {
                Gae(rewards, values, bootstrap, gamma, lambda, _a);
                if (!_gae.TryGetValue(lambda, out var sum)) _gae[lambda] = sum = new float[_ones.Length];
                for (int t = 0; t < n; t++) AddScaled(sum, scores[t], _a[t]);
            }
        }

        // The importance-sampled estimators' Σ_t Ψ_t·g_t (ImportanceWeighting) and their weights for the effective sample size.
        void AddWeighted(List<float[]> scores, List<float> rewards, List<float> values, List<float> ratios, float bootstrap, double gamma)
        {
            int n = rewards.Count;
            if (ratios.Count != n) throw new InvalidOperationException("an importance-sampled estimator needs a batch played by a behaviour policy");
            if (_psi.Length < n) (_psi, _weights) = (new double[n], new double[n]);
            Span<float> r = CollectionsMarshal.AsSpan(rewards), v = CollectionsMarshal.AsSpan(values), rho = CollectionsMarshal.AsSpan(ratios);
            if (_perDecision is not null)
            {
                ImportanceWeighting.PerDecision(r, v, rho, bootstrap, gamma, _psi.AsSpan(0, n), _weights.AsSpan(0, n));
                for (int t = 0; t < n; t++) { AddScaled(_perDecision, scores[t], (float)_psi[t]); _stepWeights.Add(_weights[t]); }
            }
            if (_perTrajectory is not null)
            {
                _episodeWeights.Add(ImportanceWeighting.PerTrajectory(r, v, rho, bootstrap, gamma, _psi.AsSpan(0, n)));
                for (int t = 0; t < n; t++) AddScaled(_perTrajectory, scores[t], (float)_psi[t]);
            }
        }

        public double[] EffectiveSampleSizes() => estimators.Select(e => e.Kind != GradientEstimatorKind.ImportanceSampled ? double.NaN
            : ImportanceWeighting.EffectiveSampleSize(CollectionsMarshal.AsSpan(e.PerTrajectory ? _episodeWeights : _stepWeights))).ToArray();

        // G_t = r_t + γ G_{t+1}, G_T = 0 (the episode's own rewards only, as REINFORCE).
        static void ReturnsToGo(List<float> rewards, double gamma, List<float> g)
        {
            g.Clear();
            g.AddRange(new float[rewards.Count]);
            double running = 0;
            for (int t = rewards.Count - 1; t >= 0; t--) g[t] = (float)(running = rewards[t] + gamma * running);
        }

        // δ_t = r_t + γ V_{t+1} − V_t with V_T = bootstrap (0 after termination); A_t = δ_t + γλ A_{t+1}.
        static void Gae(List<float> rewards, List<float> values, float bootstrap, double gamma, double lambda, List<float> a)
        {
            int n = rewards.Count;
            a.Clear();
            a.AddRange(new float[n]);
            double running = 0;
            for (int t = n - 1; t >= 0; t--)
            {
                double next = t == n - 1 ? bootstrap : values[t + 1];
                double delta = rewards[t] + gamma * next - values[t];
                a[t] = (float)(running = delta + gamma * lambda * running);
            }
        }

        public double[][] Gradients(int steps)
        {
            double meanReturn = _returnSum / steps;
            var result = new double[estimators.Count][];
            for (int e = 0; e < estimators.Count; e++)
            {
                var spec = estimators[e];
                var g = result[e] = new double[_ones.Length];
                for (int k = 0; k < g.Length; k++)
                {
                    g[k] = spec.Kind switch
                    {
                        GradientEstimatorKind.MonteCarlo => _returns[k],
                        GradientEstimatorKind.MonteCarloMeanBaseline => _returns[k] - meanReturn * _ones[k],
                        GradientEstimatorKind.MonteCarloValueBaseline => (double)_returns[k] - _values[k],
                        GradientEstimatorKind.OptimalBaseline => _returns[k] - (_squares[k] > 0 ? (double)_returnSquares[k] / _squares[k] : 0) * _ones[k],
                        GradientEstimatorKind.ImportanceSampled => (spec.PerTrajectory ? _perTrajectory! : _perDecision!)[k],
                        _ => _gae[spec.Lambda][k],
                    } / steps;
                }
            }
            return result;
        }

        static void AddScaled(Span<float> sum, ReadOnlySpan<float> g, float c)
        {
            int k = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var cv = new Vector<float>(c);
                var s = MemoryMarshal.Cast<float, Vector<float>>(sum);
                var x = MemoryMarshal.Cast<float, Vector<float>>(g);
                for (int i = 0; i < s.Length; i++) s[i] += cv * x[i];
                k = s.Length * Vector<float>.Count;
            }
            for (; k < sum.Length; k++) sum[k] += c * g[k];
        }

        static void AddScaledSquare(Span<float> sum, ReadOnlySpan<float> g, float c)
        {
            int k = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var cv = new Vector<float>(c);
                var s = MemoryMarshal.Cast<float, Vector<float>>(sum);
                var x = MemoryMarshal.Cast<float, Vector<float>>(g);
                for (int i = 0; i < s.Length; i++) s[i] += cv * x[i] * x[i];
                k = s.Length * Vector<float>.Count;
            }
            for (; k < sum.Length; k++) sum[k] += c * g[k] * g[k];
        }
    }
}
