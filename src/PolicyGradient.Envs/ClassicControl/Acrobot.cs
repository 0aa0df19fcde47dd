using PolicyGradient.Environments.Spaces;

namespace PolicyGradient.Environments.ClassicControl;

/// <summary>
/// Acrobot-v1 exactly as Gymnasium 1.0's <c>acrobot.py</c> (Sutton 1996; Sutton and Barto 2018,
/// the "book" dynamics): two links, torque -1, 0 or +1 on the joint between them (no torque noise),
/// one RK4 step over dt = 0.2 s on the float64 state (θ1, θ2, θ̇1, θ̇2); the angles are then wrapped
/// into [-π, π] and the velocities bounded by 4π and 9π. Observation (cos θ1, sin θ1, cos θ2,
/// sin θ2, θ̇1, θ̇2) as float32. Reward -1 per step and 0 on the step that reaches the goal
/// (-cos θ1 - cos(θ1 + θ2) &gt; 1, the free end above the bar). Reset uniform in [-0.1, 0.1]^4, in float32.
/// </summary>
public sealed class Acrobot : Env
{
    const double Dt = 0.2;
    const double LinkLength1 = 1.0, LinkMass1 = 1.0, LinkMass2 = 1.0;
    const double LinkComPos1 = 0.5, LinkComPos2 = 0.5, LinkMoi = 1.0, G = 9.8;

    /// <summary>Bound on |θ̇1|: 4π.</summary>
    public const double MaxVel1 = 4 * Math.PI;

    /// <summary>Bound on |θ̇2|: 9π.</summary>
    public const double MaxVel2 = 9 * Math.PI;

    static readonly Discrete Actions = new(3);
    static readonly Box Observations = new(
        [-1f, -1f, -1f, -1f, (float)-MaxVel1, (float)-MaxVel2],
        [1f, 1f, 1f, 1f, (float)MaxVel1, (float)MaxVel2]);

    // RK4 work arrays (θ1, θ2, θ̇1, θ̇2); the torque is carried separately since its derivative is 0.
    readonly double[] _s = new double[4];
    readonly double[] _k1 = new double[4], _k2 = new double[4], _k3 = new double[4], _k4 = new double[4], _y = new double[4];

    /// <inheritdoc />
    public override Space ObservationSpace => Observations;

    /// <inheritdoc />
    public override Space ActionSpace => Actions;

    /// <summary>The float64 internal state (θ1, θ2, θ̇1, θ̇2).</summary>
    public double[] State
    {
        get => (double[])_s.Clone();
        set { value.AsSpan(0, 4).CopyTo(_s); }
    }

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, object>? ResetCore(Span<float> observation)
    {
        // Gymnasium draws in float64 and stores the state as float32 (.astype(np.float32)).
        for (int i = 0; i < 4; i++) _s[i] = (float)Random.Uniform(-0.1, 0.1);
        Write(observation);
        return null;
    }

    /// <inheritdoc />
    protected override StepResult StepCore(ReadOnlySpan<float> action, Span<float> observation)
    {
        int a = DiscreteAction(action, Actions);
        double torque = a - 1.0; // AVAIL_TORQUE = [-1, 0, +1]
        Rk4(torque);
        _s[0] = Wrap(_s[0], -Math.PI, Math.PI);
        _s[1] = Wrap(_s[1], -Math.PI, Math.PI);
        _s[2] = Bound(_s[2], -MaxVel1, MaxVel1);
        _s[3] = Bound(_s[3], -MaxVel2, MaxVel2);
        bool terminated = -Math.Cos(_s[0]) - Math.Cos(_s[1] + _s[0]) > 1.0;
        Write(observation);
        return new StepResult(terminated ? 0.0 : -1.0, terminated, false);
    }

    /// <summary>One classical Runge–Kutta step over [0, dt], with Gymnasium's order of operations.</summary>
    void Rk4(double torque)
    {
        const double h = Dt - 0, h2 = h / 2.0;
        Derivatives(_s, torque, _k1);
        for (int i = 0; i < 4; i++) _y[i] = _s[i] + h2 * _k1[i];
        Derivatives(_y, torque, _k2);
        for (int i = 0; i < 4; i++) _y[i] = _s[i] + h2 * _k2[i];
        Derivatives(_y, torque, _k3);
        for (int i = 0; i < 4; i++) _y[i] = _s[i] + h * _k3[i];
        Derivatives(_y, torque, _k4);
        double sixth = h / 6.0;
        for (int i = 0; i < 4; i++) _s[i] = _s[i] + sixth * (_k1[i] + 2 * _k2[i] + 2 * _k3[i] + _k4[i]);
    }

    /// <summary>
    /// ds/dt for the book dynamics (Sutton and Barto 2018, Acrobot case study): mass matrix terms d1, d2
    /// and gravity/Coriolis terms φ1, φ2, then θ̈2 = (a + d2/d1·φ1 − m2 l1 lc2 θ̇1² sin θ2 − φ2) /
    /// (m2 lc2² + I2 − d2²/d1) and θ̈1 = −(d2 θ̈2 + φ1)/d1.
    /// </summary>
    /// <remarks>Python's <c>x**2</c> on a NumPy float64 calls C <c>pow</c>, so <see cref="Math.Pow"/> (the same libm pow) is used there.</remarks>
    static void Derivatives(double[] s, double a, double[] ds)
    {
        const double m1 = LinkMass1, m2 = LinkMass2, l1 = LinkLength1, lc1 = LinkComPos1, lc2 = LinkComPos2;
        const double i1 = LinkMoi, i2 = LinkMoi;
        double theta1 = s[0], theta2 = s[1], dtheta1 = s[2], dtheta2 = s[3];
        double cos2 = Math.Cos(theta2), sin2 = Math.Sin(theta2);
        double d1 = m1 * (lc1 * lc1) + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * cos2) + i1 + i2;
        double d2 = m2 * (lc2 * lc2 + l1 * lc2 * cos2) + i2;
        double phi2 = m2 * lc2 * G * Math.Cos(theta1 + theta2 - Math.PI / 2.0);
        double phi1 = -m2 * l1 * lc2 * Math.Pow(dtheta2, 2) * sin2
                      - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * sin2
                      + (m1 * lc1 + m2 * l1) * G * Math.Cos(theta1 - Math.PI / 2)
                      + phi2;
        double ddtheta2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * Math.Pow(dtheta1, 2) * sin2 - phi2)
                          / (m2 * (lc2 * lc2) + i2 - Math.Pow(d2, 2) / d1);
        double ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
        ds[0] = dtheta1; ds[1] = dtheta2; ds[2] = ddtheta1; ds[3] = ddtheta2;
    }

    /// <summary>Wraps <paramref name="x"/> into [m, M] by whole turns (Gymnasium's <c>wrap</c>).</summary>
    internal static double Wrap(double x, double m, double M)
    {
        double diff = M - m;
        while (x > M) x -= diff;
        while (x < m) x += diff;
        return x;
    }

    /// <summary>Clamps with Python's <c>min(max(x, m), M)</c>.</summary>
    static double Bound(double x, double m, double M) => Math.Min(Math.Max(x, m), M);

    /// <inheritdoc />
    protected override void SaveCore(BinaryWriter w)
    {
        foreach (double v in _s) w.Write(v);
    }

    /// <inheritdoc />
    protected override void LoadCore(BinaryReader r)
    {
        for (int i = 0; i < 4; i++) _s[i] = r.ReadDouble();
    }

    void Write(Span<float> o)
    {
        o[0] = (float)Math.Cos(_s[0]); o[1] = (float)Math.Sin(_s[0]);
        o[2] = (float)Math.Cos(_s[1]); o[3] = (float)Math.Sin(_s[1]);
        o[4] = (float)_s[2]; o[5] = (float)_s[3];
    }
}
