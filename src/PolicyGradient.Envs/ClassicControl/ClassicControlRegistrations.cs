namespace PolicyGradient.Environments.ClassicControl;

/// <summary>
/// Registers the five classic-control environments with Gymnasium 1.0's ids, time limits and
/// reward thresholds (gymnasium/envs/__init__.py).
/// </summary>
internal static class ClassicControlRegistrations
{
    internal static void Register()
    {
        Envs.Register(new EnvSpec("CartPole-v1", kw =>
            {
                Kwargs.CheckKnown("CartPole-v1", kw, "sutton_barto_reward", "step_cost_ms");
                double stepCost = Kwargs.Number("CartPole-v1", kw, "step_cost_ms", 0);
                if (stepCost is < 0 or > 60_000)
                    throw new ArgumentException($"CartPole-v1: keyword argument 'step_cost_ms' must be between 0 and 60000 (milliseconds each step sleeps), got {stepCost}");
                return new CartPole(Kwargs.Flag("CartPole-v1", kw, "sutton_barto_reward", false), stepCost);
            },
            MaxEpisodeSteps: 500, RewardThreshold: 475,
            Description: "Balance a pole on a cart; +1 per step (Barto, Sutton & Anderson 1983)"));
        Envs.Register(new EnvSpec("CartPoleNoVel-v1", kw =>
            {
                Kwargs.CheckKnown("CartPoleNoVel-v1", kw);
                return new CartPoleNoVelocity(new CartPole(false));
            },
            MaxEpisodeSteps: 500, RewardThreshold: 475,
            Description: "CartPole-v1 with the velocities hidden: observation (x, θ) only (sb3-contrib's partially observable benchmark)"));
        Envs.Register(new EnvSpec("Acrobot-v1", kw =>
            {
                Kwargs.CheckKnown("Acrobot-v1", kw);
                return new Acrobot();
            },
            MaxEpisodeSteps: 500, RewardThreshold: -100,
            Description: "Swing a two-link arm's tip above the bar; -1 per step (Sutton 1996)"));
        Envs.Register(new EnvSpec("MountainCar-v0", kw =>
            {
                Kwargs.CheckKnown("MountainCar-v0", kw, "goal_velocity");
                return new MountainCar(Kwargs.Number("MountainCar-v0", kw, "goal_velocity", 0));
            },
            MaxEpisodeSteps: 200, RewardThreshold: -110,
            Description: "Drive an underpowered car up a hill; -1 per step (Moore 1990)"));
        Envs.Register(new EnvSpec("MountainCarContinuous-v0", kw =>
            {
                Kwargs.CheckKnown("MountainCarContinuous-v0", kw, "goal_velocity");
                return new MountainCarContinuous(Kwargs.Number("MountainCarContinuous-v0", kw, "goal_velocity", 0));
            },
            MaxEpisodeSteps: 999, RewardThreshold: 90,
            Description: "Mountain car with a continuous force; +100 at the flag minus 0.1·a² per step"));
        Envs.Register(new EnvSpec("Pendulum-v1", kw =>
            {
                Kwargs.CheckKnown("Pendulum-v1", kw, "g");
                return new Pendulum(Kwargs.Number("Pendulum-v1", kw, "g", 10.0));
            },
            MaxEpisodeSteps: 200, RewardThreshold: null,
            Description: "Swing up and hold a pendulum; reward -(θ² + 0.1·θ̇² + 0.001·u²)"));
    }
}
