using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PolicyGradient.Optimizers;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms.OffPolicy;

/// <summary>
/// The critics of an off-policy actor-critic (one for DDPG, twins for TD3 and SAC) and their targets
/// on <see cref="NativeMlp"/>s over <see cref="OffPolicyNetworks.Critic"/> and
/// <see cref="OffPolicyNetworks.CriticTarget"/>. With twin critics each twin runs on its own
/// <see cref="NativeLanes"/> lane (the two are independent until the min); a single critic splits its
/// rows (forward) or its weight and input gradients (backward) over the lanes instead.
/// </summary>
internal sealed class NativeCritics
{
    readonly OffPolicyNetworks _nets;
    readonly NativeLanes _lanes;
    readonly float[][] _dQ;
    readonly double[] _sumSquares, _sumQ;
    readonly Action<int> _forwardTarget, _forwardOnline, _forwardFirst, _regress, _refreshOnline, _refreshAll, _polyak, _actionGradient;
    // Arguments of the lane work in progress.
    float[] _input = [], _y = [];
    float[]? _columns;
    int _batch;
    float _scale;
    double _tau;
    bool _twin;

    /// <summary>The critics of <paramref name="networks"/> for batches of up to <paramref name="maxBatch"/> rows.</summary>
    public NativeCritics(OffPolicyNetworks networks, int maxBatch, NativeLanes lanes)
    {
        (_nets, _lanes) = (networks, lanes);
        Online = networks.CriticLayouts.Select(l => new NativeMlp(l, networks.Critic, maxBatch)).ToArray();
        Target = networks.CriticLayouts.Select(l => new NativeMlp(l, networks.CriticTarget, maxBatch)).ToArray();
        if (Online.Length is not (1 or 2)) throw new ArgumentException($"the native steps support one or two critics, not {Online.Length}", nameof(networks));
        _twin = Online.Length == 2;
        int outputs = networks.CriticLayouts[0].OutputSize;
        _dQ = Online.Select(_ => new float[maxBatch * outputs]).ToArray();
        (_sumSquares, _sumQ) = (new double[2], new double[2]);
        (_forwardTarget, _forwardOnline, _regress) = (ForwardTargetLane, ForwardOnlineLane, RegressLane);
        _forwardFirst = lane => SplitRows(Online[0], lane);
        (_refreshOnline, _refreshAll, _polyak, _actionGradient) = (RefreshOnlineLane, RefreshAllLane, PolyakLane, ActionGradientLane);
        ActionGradients = Online.Select(_ => new float[maxBatch * networks.CriticLayouts[0].InputSize]).ToArray();
        int inputs = networks.CriticLayouts[0].InputSize;
        _compactInput = Online.Select(_ => new float[maxBatch * inputs]).ToArray();
        _compactCoefficients = Online.Select(_ => new float[maxBatch * outputs]).ToArray();
        _compactGradient = Online.Select(_ => new float[maxBatch * inputs]).ToArray();
        _rows = Online.Select(_ => new int[maxBatch]).ToArray();
    }

    /// <summary>The online critics.</summary>
    public NativeMlp[] Online { get; }

    /// <summary>The target critics.</summary>
    public NativeMlp[] Target { get; }

    /// <summary>Per critic, ∂/∂(input columns) of the last <see cref="BackwardToActions"/>, [batch, columns].</summary>
    public float[][] ActionGradients { get; }

    static Span<float> Floats(Tensor t) => MemoryMarshal.Cast<byte, float>(t.bytes);

    /// <summary>
    /// The twins' outputs [batch] of the last <see cref="ForwardTarget"/> (<paramref name="target"/>) or
    /// <see cref="ForwardOnline"/>; with one critic (DDPG) both are that critic, so min(Q₁, Q₂) = Q.
    /// </summary>
    public void Outputs(bool target, int batch, out ReadOnlySpan<float> q1, out ReadOnlySpan<float> q2)
    {
        var nets = target ? Target : Online;
        q1 = nets[0].Output(batch);
        q2 = nets.Length > 1 ? nets[1].Output(batch) : q1;
    }

    /// <summary>Every target critic on <paramref name="input"/> [batch, in]; read <c>Target[i].Output</c>.</summary>
    public void ForwardTarget(float[] input, int batch) { (_input, _batch) = (input, batch); _lanes.Run(_forwardTarget); }

    /// <summary>Every online critic on <paramref name="input"/> [batch, in]; read <c>Online[i].Output</c>.</summary>
    public void ForwardOnline(float[] input, int batch) { (_input, _batch) = (input, batch); _lanes.Run(_forwardOnline); }

    /// <summary>The first online critic alone on <paramref name="input"/>, its rows split over the lanes (TD3's and DDPG's actor loss).</summary>
    public void ForwardFirst(float[] input, int batch) { (_input, _batch) = (input, batch); _lanes.Run(_forwardFirst); }

    /// <summary>
    /// The critic regression: forward on <paramref name="input"/>, ∂/∂Q_i = <paramref name="scale"/>·(Q_i − y)
    /// per row (at column <paramref name="columns"/>[b] of a discrete critic, else column 0), weight gradients
    /// into the critic buffer's gradient. Returns Σ_i mean_b (Q_i − y)² and mean_{b,i} Q_i.
    /// </summary>
    public (double SumOfMse, double MeanQ) Regress(float[] input, float[] y, int batch, float scale, float[]? columns = null)
    {
        (_input, _y, _batch, _scale, _columns) = (input, y, batch, scale, columns);
        if (_twin) _lanes.Run(_regress);
        else
        {
            _lanes.Run(_forwardOnline);
            RegressionGradient(0);
            Online[0].Backward(input, _dQ[0], batch, weightGradients: true, lanes: _lanes);
        }
        double mse = 0, q = 0;
        for (int i = 0; i < Online.Length; i++) { mse += _sumSquares[i] / batch; q += _sumQ[i]; }
        return (mse, q / (batch * Online.Length));
    }

    /// <summary>
    /// ∂(Σ_b c_b·Q_i(input_b))/∂(input columns [from, from + count)) into <see cref="ActionGradients"/>[i] for every
    /// critic, c = <paramref name="coefficients"/>[i] (the online critics' forward on this input must have run).
    /// </summary>
    public void BackwardToActions(float[] input, float[][] coefficients, int batch, int from, int count, bool firstOnly = false)
    {
        (_input, _batch, _actionFrom, _actionCount, _coefficients) = (input, batch, from, count, coefficients);
        if (_twin && !firstOnly) _lanes.Run(_actionGradient);
        else Online[0].Backward(input, coefficients[0], batch, weightGradients: false, ActionGradients[0], from, count);
    }

    int _actionFrom, _actionCount;
    float[][] _coefficients = [];
    readonly float[][] _compactInput, _compactCoefficients, _compactGradient;
    readonly int[][] _rows;

    /// <summary>Rebuilds the online critics' transposed weights (after their optimizer step).</summary>
    public void RefreshOnline() => _lanes.Run(_refreshOnline);

    /// <summary>
    /// Rebuilds every online and target critic's transposed weights from the buffers: at the start of each
    /// step, so weights written by anyone else (a checkpoint load, the tensor step) are always seen.
    /// </summary>
    public void RefreshAll() => _lanes.Run(_refreshAll);

    /// <summary>Polyak-averages the target buffer toward the online one (τ = <paramref name="tau"/>); the next <see cref="RefreshAll"/> picks it up.</summary>
    public void UpdateTargets(double tau)
    {
        _tau = tau;
        _lanes.Run(_polyak);
    }

    void ForwardTargetLane(int lane) => ForwardLane(Target, lane);

    void ForwardOnlineLane(int lane) => ForwardLane(Online, lane);

    void ForwardLane(NativeMlp[] nets, int lane)
    {
        if (_twin) nets[lane].Forward(_input, _batch);
        else SplitRows(nets[0], lane);
    }

    void SplitRows(NativeMlp net, int lane)
    {
        int half = Math.Min((_batch / 2 + 3) & ~3, _batch); // a row split on a multiple of 4 keeps the GEMM's row blocks
        if (lane == 0) net.Forward(_input, 0, half);
        else if (half < _batch) net.Forward(_input, half, _batch);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void RegressLane(int lane)
    {
        Online[lane].Forward(_input, _batch);
        RegressionGradient(lane);
        Online[lane].Backward(_input, _dQ[lane], _batch, weightGradients: true);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void RegressionGradient(int i)
    {
        int outputs = Online[i].Layout.OutputSize, batch = _batch;
        ReadOnlySpan<float> q = Online[i].Output(batch);
        var dq = _dQ[i].AsSpan(0, batch * outputs);
        if (outputs > 1) dq.Clear();
        double squares = 0, sum = 0;
        for (int b = 0; b < batch; b++)
        {
            int at = b * outputs + (_columns is null ? 0 : (int)_columns[b]);
            float error = q[at] - _y[b];
            squares += error * error;
            sum += q[at];
            dq[at] = _scale * error;
        }
        (_sumSquares[i], _sumQ[i]) = (squares, sum);
    }

    // Only the rows whose coefficient is non-zero (SAC: where this twin is the min) are back-propagated, compacted
    // to the front; their gradients go back to their rows, the others are zero (what a full backward gives them).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void ActionGradientLane(int lane)
    {
        float[] coefficients = _coefficients[lane], rowsInput = _compactInput[lane], dOut = _compactCoefficients[lane], compact = _compactGradient[lane];
        int[] rows = _rows[lane];
        int count = 0, width = Online[lane].Layout.InputSize, c = _actionCount;
        for (int r = 0; r < _batch; r++)
        {
            if (coefficients[r] == 0f) continue;
            _input.AsSpan(r * width, width).CopyTo(rowsInput.AsSpan(count * width, width));
            dOut[count] = coefficients[r];
            rows[count++] = r;
        }
        var gradient = ActionGradients[lane].AsSpan(0, _batch * c);
        gradient.Clear();
        if (count == 0) return;
        Online[lane].CompactRows(rows.AsSpan(0, count));
        Online[lane].Backward(rowsInput, dOut, count, weightGradients: false, compact, _actionFrom, c);
        for (int i = 0; i < count; i++) compact.AsSpan(i * c, c).CopyTo(gradient.Slice(rows[i] * c, c));
    }

    void RefreshOnlineLane(int lane)
    {
        if (lane < Online.Length) Online[lane].RefreshTransposed();
    }

    // Twins: lane i refreshes critic i and its target; one critic: lane 0 the critic, lane 1 its target.
    void RefreshAllLane(int lane)
    {
        if (_twin) { Online[lane].RefreshTransposed(); Target[lane].RefreshTransposed(); }
        else (lane == 0 ? Online[0] : Target[0]).RefreshTransposed();
    }

    // The two lanes average disjoint halves of the buffer (elementwise: any split gives the same bits).
    void PolyakLane(int lane)
    {
        Span<float> target = Floats(_nets.CriticTarget.Data);
        ReadOnlySpan<float> online = Floats(_nets.Critic.Data);
        int half = target.Length / 2 & ~15, from = lane == 0 ? 0 : half, to = lane == 0 ? half : target.Length;
        PolyakUpdate.Apply(target[from..to], online[from..to], (float)_tau);
    }
}
