namespace InferenceCartPole;

/// <summary>
/// CartPole-v1's dynamics (Barto, Sutton and Anderson 1983, as Gymnasium defines the task), so this
/// sample needs nothing but PolicyGradient.Inference: state (x, ẋ, θ, θ̇), action 0 pushes left and 1
/// right with 10 N, explicit Euler steps of 0.02 s, reward 1 per step, the episode ends when |θ| > 12°
/// or |x| > 2.4, and is cut at 500 steps; reset draws each state value uniformly from [−0.05, 0.05].
/// </summary>
public sealed class CartPole
{
    const float Gravity = 9.8f, CartMass = 1f, PoleMass = 0.1f, HalfLength = 0.5f, Force = 10f, Tau = 0.02f;
    const float TotalMass = CartMass + PoleMass, PoleMassLength = PoleMass * HalfLength;
    const float ThetaLimit = 12 * 2 * MathF.PI / 360, XLimit = 2.4f;

    /// <summary>Steps after which an episode is cut (CartPole-v1).</summary>
    public const int MaxSteps = 500;

    readonly float[] _state = new float[4];
    Random _random = new(0);
    int _steps;

    /// <summary>The observation (x, ẋ, θ, θ̇).</summary>
    public ReadOnlySpan<float> Observation => _state;

    /// <summary>Starts an episode from a state drawn with <paramref name="seed"/>.</summary>
    public void Reset(int seed)
    {
        _random = new Random(seed);
        for (int i = 0; i < 4; i++) _state[i] = (float)(_random.NextDouble() * 0.1 - 0.05);
        _steps = 0;
    }

    /// <summary>Applies action 0 (left) or 1 (right); returns the reward and whether the episode ended.</summary>
    public (float Reward, bool Done) Step(int action)
    {
        float x = _state[0], xDot = _state[1], theta = _state[2], thetaDot = _state[3];
        float force = action == 1 ? Force : -Force;
        float cos = MathF.Cos(theta), sin = MathF.Sin(theta);
        float temp = (force + PoleMassLength * thetaDot * thetaDot * sin) / TotalMass;
        float thetaAcc = (Gravity * sin - cos * temp) / (HalfLength * (4f / 3f - PoleMass * cos * cos / TotalMass));
        float xAcc = temp - PoleMassLength * thetaAcc * cos / TotalMass;
        _state[0] = x + Tau * xDot;
        _state[1] = xDot + Tau * xAcc;
        _state[2] = theta + Tau * thetaDot;
        _state[3] = thetaDot + Tau * thetaAcc;
        _steps++;
        bool fell = MathF.Abs(_state[0]) > XLimit || MathF.Abs(_state[2]) > ThetaLimit;
        return (1f, fell || _steps >= MaxSteps);
    }
}
