using PolicyGradient.Environments.Spaces;
using PolicyGradient.Environments.Wrappers;

namespace PolicyGradient.Environments.ClassicControl;

/// <summary>
/// CartPole with the velocities hidden (sb3-contrib's CartPoleNoVel benchmark for recurrent
/// policies): the observation is (x, θ) only, so a memoryless policy cannot tell which way the pole
/// moves; the dynamics, rewards, termination and generator are CartPole-v1's. Registered as
/// CartPoleNoVel-v1 (500-step limit, threshold 475).
/// </summary>
public sealed class CartPoleNoVelocity : Wrapper
{
    readonly float[] _full = new float[4];
    readonly Box _observations;

    /// <summary>Hides the velocities of <paramref name="cartPole"/> (a 4-float CartPole observation).</summary>
    public CartPoleNoVelocity(IEnv cartPole) : base(cartPole)
    {
        if (cartPole.ObservationSpace is not Box { FlatSize: 4 } box)
            throw new ArgumentException($"CartPoleNoVelocity needs CartPole's 4-float Box observation, got {cartPole.ObservationSpace}", nameof(cartPole));
        _observations = new Box([box.Low[0], box.Low[2]], [box.High[0], box.High[2]]);
    }

    /// <inheritdoc />
    public override Space ObservationSpace => _observations;

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object>? Reset(Span<float> observation, long? seed = null)
    {
        var info = Env.Reset(_full, seed);
        Project(observation);
        return info;
    }

    /// <inheritdoc />
    public override StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        var result = Env.Step(action, _full);
        Project(observation);
        return result;
    }

    void Project(Span<float> observation)
    {
        if (observation.Length != 2)
            throw new ArgumentException($"CartPoleNoVel: observation buffer has length {observation.Length}, the observation space {_observations} needs 2", nameof(observation));
        observation[0] = _full[0]; // cart position
        observation[1] = _full[2]; // pole angle
    }
}
