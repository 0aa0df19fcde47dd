using PolicyGradient.Environments.Spaces;

namespace PolicyGradient.Environments.ClassicControl;

/// <summary>
/// MountainCarContinuous-v0 exactly as Gymnasium 1.0's <c>continuous_mountain_car.py</c>: force
/// f = min(max(a, −1), 1); v' = v + f·0.0015 − 0.0025·cos(3x) bounded to ±0.07, x' = x + v' bounded to
/// [−1.2, 0.6], v' = 0 at the left wall moving left. Terminates when x ≥ 0.45 and v ≥ goal_velocity.
/// Reward 100 on reaching the goal minus 0.1·a² of the <em>unclipped</em> action. Arithmetic is
/// float64, but the state is stored as float32 after every step (Gymnasium keeps it in a float32
/// array), so each step starts from float32 values. Reset x ~ U[−0.6, −0.4], v = 0.
/// </summary>
public sealed class MountainCarContinuous : Env
{
    const double MinAction = -1.0, MaxAction = 1.0, MinPosition = -1.2, MaxPosition = 0.6;
    const double MaxSpeed = 0.07, Power = 0.0015;

    /// <summary>Position of the flag.</summary>
    public const double GoalPosition = 0.45;

    static readonly Box Actions = new((float)MinAction, (float)MaxAction, 1);
    static readonly Box Observations = new([(float)MinPosition, (float)-MaxSpeed], [(float)MaxPosition, (float)MaxSpeed]);

    double _position, _velocity;

    /// <summary>Creates the env; the goal also needs v ≥ <paramref name="goalVelocity"/>.</summary>
    public MountainCarContinuous(double goalVelocity = 0) => GoalVelocity = goalVelocity;

    /// <summary>Velocity the car must have at the flag.</summary>
    public double GoalVelocity { get; }

    /// <inheritdoc />
    public override Space ObservationSpace => Observations;

    /// <inheritdoc />
    public override Space ActionSpace => Actions;

    /// <summary>The float64 internal state (x, v); float32 values after any step.</summary>
    public double[] State
    {
        get => [_position, _velocity];
        set { (_position, _velocity) = (value[0], value[1]); }
    }

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, object>? ResetCore(Span<float> observation)
    {
        _position = (float)Random.Uniform(-0.6, -0.4); // rounded so the observation is the exact state
        _velocity = 0;
        Write(observation);
        return null;
    }

    /// <inheritdoc />
    protected override StepResult StepCore(ReadOnlySpan<float> action, Span<float> observation)
    {
        double a = action[0];
        double position = _position, velocity = _velocity;
        double force = Math.Min(Math.Max(a, MinAction), MaxAction);
        velocity += force * Power - 0.0025 * Math.Cos(3 * position);
        if (velocity > MaxSpeed) velocity = MaxSpeed;
        if (velocity < -MaxSpeed) velocity = -MaxSpeed;
        position += velocity;
        if (position > MaxPosition) position = MaxPosition;
        if (position < MinPosition) position = MinPosition;
        if (position == MinPosition && velocity < 0) velocity = 0;
        bool terminated = position >= GoalPosition && velocity >= GoalVelocity;
        double reward = terminated ? 100.0 : 0.0;
        reward -= a * a * 0.1; // math.pow(action[0], 2) * 0.1: the action before clipping
        _position = (float)position;
        _velocity = (float)velocity;
        Write(observation);
        return new StepResult(reward, terminated, false);
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
