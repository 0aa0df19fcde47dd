using PolicyGradient.Environments.Spaces;

namespace PolicyGradient.Environments.ClassicControl;

/// <summary>
/// MountainCar-v0 exactly as Gymnasium 1.0's <c>mountain_car.py</c> (Moore 1990): actions push left,
/// not at all, or right; v' = clip(v + (a − 1)·0.001 − 0.0025·cos(3x), ±0.07), x' = clip(x + v',
/// −1.2, 0.6), and v' = 0 when the car hits the left wall moving left. All float64; observation
/// (x, v) as float32. Reward −1 per step; terminates when x ≥ 0.5 and v ≥ goal_velocity (default 0).
/// Reset x ~ U[−0.6, −0.4] (rounded to float32 so the observation is the exact state), v = 0.
/// </summary>
public sealed class MountainCar : Env
{
    /// <summary>Left wall.</summary>
    public const double MinPosition = -1.2;

    /// <summary>Right wall.</summary>
    public const double MaxPosition = 0.6;

    /// <summary>Bound on |v|.</summary>
    public const double MaxSpeed = 0.07;

    /// <summary>Position of the flag.</summary>
    public const double GoalPosition = 0.5;

    const double Force = 0.001, Gravity = 0.0025;

    static readonly Discrete Actions = new(3);
    static readonly Box Observations = new([(float)MinPosition, (float)-MaxSpeed], [(float)MaxPosition, (float)MaxSpeed]);

    double _position, _velocity;

    /// <summary>Creates the env; the goal also needs v ≥ <paramref name="goalVelocity"/>.</summary>
    public MountainCar(double goalVelocity = 0) => GoalVelocity = goalVelocity;

    /// <summary>Velocity the car must have at the flag.</summary>
    public double GoalVelocity { get; }

    /// <inheritdoc />
    public override Space ObservationSpace => Observations;

    /// <inheritdoc />
    public override Space ActionSpace => Actions;

    /// <summary>The float64 internal state (x, v).</summary>
    public double[] State
    {
        get => [_position, _velocity];
        set { (_position, _velocity) = (value[0], value[1]); }
    }

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, object>? ResetCore(Span<float> observation)
    {
        _position = (float)Random.Uniform(-0.6, -0.4);
        _velocity = 0;
        Write(observation);
        return null;
    }

    /// <inheritdoc />
    protected override StepResult StepCore(ReadOnlySpan<float> action, Span<float> observation)
    {
        int a = DiscreteAction(action, Actions);
        double position = _position, velocity = _velocity;
        velocity += (a - 1) * Force + Math.Cos(3 * position) * (-Gravity);
        velocity = Math.Clamp(velocity, -MaxSpeed, MaxSpeed);
        position += velocity;
        position = Math.Clamp(position, MinPosition, MaxPosition);
        if (position == MinPosition && velocity < 0) velocity = 0; // inelastic left wall
        bool terminated = position >= GoalPosition && velocity >= GoalVelocity;
        (_position, _velocity) = (position, velocity);
        Write(observation);
        return new StepResult(-1.0, terminated, false);
    }

    /// <inheritdoc />
    protected override void SaveCore(BinaryWriter w)
    {
        w.Write(_position); w.Write(_velocity);
    }

    /// <inheritdoc />
    protected override void LoadCore(BinaryReader r)
    {
        _position = r.ReadDouble(); _velocity = r.ReadDouble();
    }

    void Write(Span<float> o)
    {
        o[0] = (float)_position; o[1] = (float)_velocity;
    }
}
