using PolicyGradient.Environments.Spaces;

namespace PolicyGradient.Environments.ClassicControl;

/// <summary>
/// Pendulum-v1 exactly as Gymnasium 1.0's <c>pendulum.py</c>: torque u clipped to [-2, 2];
/// θ̇' = clip(θ̇ + (3g/(2l)·sin θ + 3/(m l²)·u)·dt, -8, 8), θ' = θ + θ̇'·dt with dt = 0.05, m = l = 1,
/// g = 10 by default (keyword "g"); all in float64. Reward −(norm(θ)² + 0.1·θ̇² + 0.001·u²) with
/// norm(θ) the angle wrapped into [-π, π). Never terminates (the registration's 200-step limit
/// truncates). Observation (cos θ, sin θ, θ̇) as float32. Reset θ ~ U[-π, π], θ̇ ~ U[-1, 1].
/// </summary>
public sealed class Pendulum : Env
{
    /// <summary>Bound on |θ̇|.</summary>
    public const double MaxSpeed = 8;

    /// <summary>Bound on |u|.</summary>
    public const double MaxTorque = 2.0;

    const double Dt = 0.05, M = 1.0, L = 1.0;

    static readonly Box Actions = new((float)-MaxTorque, (float)MaxTorque, 1);
    static readonly Box Observations = new([-1f, -1f, (float)-MaxSpeed], [1f, 1f, (float)MaxSpeed]);

    double _theta, _thetaDot;

    /// <summary>Creates the env with gravity <paramref name="g"/> (Gymnasium's default 10.0).</summary>
    public Pendulum(double g = 10.0) => Gravity = g;

    /// <summary>Gravitational acceleration.</summary>
    public double Gravity { get; }

    /// <inheritdoc />
    public override Space ObservationSpace => Observations;

    /// <inheritdoc />
    public override Space ActionSpace => Actions;

    /// <summary>The float64 internal state (θ, θ̇).</summary>
    public double[] State
    {
        get => [_theta, _thetaDot];
        set { (_theta, _thetaDot) = (value[0], value[1]); }
    }

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, object>? ResetCore(Span<float> observation)
    {
        _theta = Random.Uniform(-Math.PI, Math.PI);
        // θ̇ is observed directly: rounded to float32 so the observation is the exact state.
        _thetaDot = (float)Random.Uniform(-1.0, 1.0);
        Write(observation);
        return null;
    }

    /// <inheritdoc />
    protected override StepResult StepCore(ReadOnlySpan<float> action, Span<float> observation)
    {
        double th = _theta, thdot = _thetaDot, g = Gravity;
        // np.clip on the float32 action; the arithmetic below is float64 as in Gymnasium (NumPy 1.x promotion).
        double u = Math.Clamp((double)action[0], -MaxTorque, MaxTorque);
        double an = AngleNormalize(th);
        // x**2 on NumPy float64 scalars is C pow, hence Math.Pow (the same libm function).
        double costs = Math.Pow(an, 2) + 0.1 * Math.Pow(thdot, 2) + 0.001 * Math.Pow(u, 2);
        double newThdot = thdot + (3 * g / (2 * L) * Math.Sin(th) + 3.0 / (M * (L * L)) * u) * Dt;
        newThdot = Math.Clamp(newThdot, -MaxSpeed, MaxSpeed);
        _theta = th + newThdot * Dt;
        _thetaDot = newThdot;
        Write(observation);
        return new StepResult(-costs, false, false);
    }

    /// <summary>((x + π) mod 2π) − π with Python's floored modulo (result in [-π, π)).</summary>
    internal static double AngleNormalize(double x)
    {
        const double twoPi = 2 * Math.PI;
        double r = (x + Math.PI) % twoPi; // C#'s % on doubles is the exact C fmod
        if (r != 0 && r < 0) r += twoPi;
        else if (r == 0) r = 0.0; // NumPy: copysign(0, divisor) = +0
        return r - Math.PI;
    }

    /// <inheritdoc />
    protected override void SaveCore(BinaryWriter w)
    {
        w.Write(_theta); w.Write(_thetaDot);
    }

    /// <inheritdoc />
    protected override void LoadCore(BinaryReader r)
    {
        _theta = r.ReadDouble(); _thetaDot = r.ReadDouble();
    }

    void Write(Span<float> o)
    {
        o[0] = (float)Math.Cos(_theta); o[1] = (float)Math.Sin(_theta); o[2] = (float)_thetaDot;
    }
}
