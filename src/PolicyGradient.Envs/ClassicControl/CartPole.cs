using PolicyGradient.Environments.Spaces;

namespace PolicyGradient.Environments.ClassicControl;

/// <summary>
/// CartPole-v1 exactly as Gymnasium 1.0's <c>cartpole.py</c>: Euler integration with τ = 0.02,
/// state in float64, observation (x, ẋ, θ, θ̇) as float32; reward 1 per step including the step
/// that terminates (|x| &gt; 2.4 or |θ| &gt; 12°) and 0 for steps taken after termination;
/// reset uniform in [-0.05, 0.05]^4 (rounded to float32, so the observation is the exact state).
/// Dynamics from Florian (2007), "Correct equations for the dynamics of the cart-pole system".
/// </summary>
public sealed class CartPole : Env
{
    const double Gravity = 9.8, MassCart = 1.0, MassPole = 0.1, TotalMass = MassPole + MassCart;
    const double Length = 0.5, PoleMassLength = MassPole * Length, ForceMag = 10.0, Tau = 0.02;

    /// <summary>Angle at which the episode terminates: 12 degrees in radians.</summary>
    public const double ThetaThresholdRadians = 12 * 2 * Math.PI / 360;

    /// <summary>Cart position at which the episode terminates.</summary>
    public const double XThreshold = 2.4;

    static readonly Discrete Actions = new(2);
    static readonly Box Observations = new(
        [(float)(-XThreshold * 2), float.NegativeInfinity, (float)(-ThetaThresholdRadians * 2), float.NegativeInfinity],
        [(float)(XThreshold * 2), float.PositiveInfinity, (float)(ThetaThresholdRadians * 2), float.PositiveInfinity]);

    readonly bool _suttonBartoReward;
    readonly TimeSpan _stepCost;
    double _x, _xDot, _theta, _thetaDot;
    bool _terminated;

    /// <summary>Creates the env.</summary>
    /// <param name="suttonBartoReward">Gymnasium's <c>sutton_barto_reward</c>: 0 per step and -1 on termination instead of +1 per step.</param>
    public CartPole(bool suttonBartoReward = false) : this(suttonBartoReward, 0) { }

    /// <summary>Creates the env with an artificial cost per step (not part of Gymnasium; for scaling measurements).</summary>
    /// <param name="suttonBartoReward">Gymnasium's <c>sutton_barto_reward</c>: 0 per step and -1 on termination instead of +1 per step.</param>
    /// <param name="stepCostMs">
    /// Milliseconds every Step sleeps before it returns (kwarg <c>step_cost_ms</c>; 0: none). A sleep, not a
    /// busy-wait: it models a simulator that runs elsewhere (a remote service, a game server), so copies
    /// stepped by several worker processes overlap even on a machine with few cores; a busy-wait would
    /// model a CPU-bound simulator and could not scale past the cores. The dynamics are unchanged. The OS
    /// rounds sleeps up (on Linux about 0.05–0.1 ms over the request).
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stepCostMs"/> is negative, not finite or over a minute.</exception>
    public CartPole(bool suttonBartoReward, double stepCostMs)
    {
        if (!double.IsFinite(stepCostMs) || stepCostMs is < 0 or > 60_000)
            throw new ArgumentOutOfRangeException(nameof(stepCostMs), stepCostMs, "CartPole-v1: step_cost_ms must be between 0 and 60000 (milliseconds each step sleeps)");
        _suttonBartoReward = suttonBartoReward;
        _stepCost = TimeSpan.FromMilliseconds(stepCostMs);
    }

    /// <summary>The artificial time each Step sleeps (kwarg <c>step_cost_ms</c>); zero by default.</summary>
    public TimeSpan StepCost => _stepCost;

    /// <inheritdoc />
    public override Space ObservationSpace => Observations;

    /// <inheritdoc />
    public override Space ActionSpace => Actions;

    /// <summary>The float64 internal state (x, ẋ, θ, θ̇). Setting it also clears the "already terminated" flag.</summary>
    public double[] State
    {
        get => [_x, _xDot, _theta, _thetaDot];
        set { (_x, _xDot, _theta, _thetaDot) = (value[0], value[1], value[2], value[3]); _terminated = false; }
    }

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, object>? ResetCore(Span<float> observation)
    {
        // Rounded to float32 so that the first observation *is* the state (a Gymnasium run started
        // from our printed observation then follows the same trajectory bit for bit).
        _x = (float)Random.Uniform(-0.05, 0.05);
        _xDot = (float)Random.Uniform(-0.05, 0.05);
        _theta = (float)Random.Uniform(-0.05, 0.05);
        _thetaDot = (float)Random.Uniform(-0.05, 0.05);
        _terminated = false;
        Write(observation);
        return null;
    }

    /// <inheritdoc />
    protected override StepResult StepCore(ReadOnlySpan<float> action, Span<float> observation)
    {
        int a = DiscreteAction(action, Actions);
        double force = a == 1 ? ForceMag : -ForceMag;
        double cos = Math.Cos(_theta), sin = Math.Sin(_theta);
        // Same association as Gymnasium (np.square groups the square first) so rounding matches.
        double temp = (force + PoleMassLength * (_thetaDot * _thetaDot) * sin) / TotalMass;
        double thetaAcc = (Gravity * sin - cos * temp) / (Length * (4.0 / 3.0 - MassPole * (cos * cos) / TotalMass));
        double xAcc = temp - PoleMassLength * thetaAcc * cos / TotalMass;
        _x += Tau * _xDot;
        _xDot += Tau * xAcc;
        _theta += Tau * _thetaDot;
        _thetaDot += Tau * thetaAcc;
        bool terminated = _x < -XThreshold || _x > XThreshold || _theta < -ThetaThresholdRadians || _theta > ThetaThresholdRadians;
        // Gymnasium: +1 while not terminated, +1 on the first terminating step, 0 on later terminating
        // steps (Sutton–Barto variant: 0, -1, -1).
        double reward;
        if (!terminated) reward = _suttonBartoReward ? 0.0 : 1.0;
        else if (!_terminated) { _terminated = true; reward = _suttonBartoReward ? -1.0 : 1.0; }
        else reward = _suttonBartoReward ? -1.0 : 0.0;
        Write(observation);
        if (_stepCost > TimeSpan.Zero) Thread.Sleep(_stepCost); // the simulator's latency (step_cost_ms)
        return new StepResult(reward, terminated, false);
    }

    /// <inheritdoc />
    protected override void SaveCore(BinaryWriter w)
    {
        w.Write(_x); w.Write(_xDot); w.Write(_theta); w.Write(_thetaDot); w.Write(_terminated);
    }

    /// <inheritdoc />
    protected override void LoadCore(BinaryReader r)
    {
        _x = r.ReadDouble(); _xDot = r.ReadDouble(); _theta = r.ReadDouble(); _thetaDot = r.ReadDouble(); _terminated = r.ReadBoolean();
    }

    void Write(Span<float> o)
    {
        o[0] = (float)_x; o[1] = (float)_xDot; o[2] = (float)_theta; o[3] = (float)_thetaDot;
    }
}
