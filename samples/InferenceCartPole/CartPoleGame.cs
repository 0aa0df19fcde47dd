using PolicyGradient.Inference;

namespace InferenceCartPole;

/// <summary>Plays CartPole with a loaded policy: the loop a game's FixedUpdate would run, one Act per step.</summary>
public static class CartPoleGame
{
    /// <summary>The return of each of <paramref name="episodes"/> episodes, episode i reset with seed <paramref name="seed"/> + i.</summary>
    public static float[] Play(InferencePolicy policy, int episodes, int seed)
    {
        if (!policy.IsDiscrete || policy.ObservationSize != 4 || policy.ActionSize != 2)
            throw new ArgumentException($"a CartPole policy takes 4 observations and chooses 1 of 2 actions; this one takes {policy.ObservationSize} and has a {policy.Head} head of {policy.ActionSize}");
        var env = new CartPole();
        var returns = new float[episodes];
        for (int e = 0; e < episodes; e++)
        {
            env.Reset(seed + e);
            bool done = false;
            while (!done)
            {
                (float reward, done) = env.Step(policy.ActDiscrete(env.Observation));
                returns[e] += reward;
            }
        }
        return returns;
    }
}
