using PolicyGradient.Environments;
using PolicyGradient.Environments.Spaces;

namespace MyEnvs;

/// <summary>
/// Keep a room near a target temperature with a heater that is off, low or high. Each step (one
/// minute): T ← T + 0.1·(outside − T) + power + noise, and the outside temperature drifts.
/// Reward −|T − target| − 0.1·power. Never terminates; the registration's time limit truncates.
/// </summary>
public sealed class Thermostat : Env
{
    static readonly Discrete Actions = new(3);                          // 0 off, 1 low, 2 high
    static readonly Box Observations = new(-50f, 50f, 2);               // (T − target, outside)

    readonly double _target;
    double _temperature, _outside;

    /// <summary>A room whose target temperature is <paramref name="target"/> °C.</summary>
    public Thermostat(double target = 21.0) => _target = target;

    /// <inheritdoc />
    public override Space ObservationSpace => Observations;

    /// <inheritdoc />
    public override Space ActionSpace => Actions;

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, object>? ResetCore(Span<float> observation)
    {
        // Random is the env's seeded generator: Reset(seed) makes the episode reproducible.
        _temperature = Random.Uniform(15, 25);
        _outside = Random.Uniform(0, 15);
        Write(observation);
        return null;
    }

    /// <inheritdoc />
    protected override StepResult StepCore(ReadOnlySpan<float> action, Span<float> observation)
    {
        int power = DiscreteAction(action, Actions);                    // checks the action is in the space
        _temperature += 0.1 * (_outside - _temperature) + power + 0.05 * Random.Normal();
        _outside = Math.Clamp(_outside + 0.1 * Random.Normal(), -5, 20);
        Write(observation);
        double reward = -Math.Abs(_temperature - _target) - 0.1 * power;
        return new StepResult(reward, Terminated: false, Truncated: false);
    }

    /// <inheritdoc />
    protected override void SaveCore(BinaryWriter writer)
    {
        // Everything besides the generator (the base class saves that): checkpoints resume exactly.
        writer.Write(_temperature);
        writer.Write(_outside);
    }

    /// <inheritdoc />
    protected override void LoadCore(BinaryReader reader)
    {
        _temperature = reader.ReadDouble();
        _outside = reader.ReadDouble();
    }

    void Write(Span<float> observation)
    {
        observation[0] = (float)(_temperature - _target);
        observation[1] = (float)_outside;
    }
}
