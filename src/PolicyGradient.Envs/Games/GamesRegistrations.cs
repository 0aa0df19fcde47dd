namespace PolicyGradient.Environments.Games;

/// <summary>Registers the small envs of the sb3-contrib features (docs/contrib.md): a board game where many actions are invalid (action masking) and a Dict-observation goal task.</summary>
internal static class GamesRegistrations
{
    internal static void Register()
    {
        Envs.Register(new EnvSpec("TicTacToe-v0", kw => new TicTacToe(kw),
            MaxEpisodeSteps: 50, RewardThreshold: null,
            Description: "Tic-tac-toe as X against a win/block/random opponent; +1 win, -1 loss; invalid moves masked (IActionMaskProvider) or penalized"));
        Envs.Register(new EnvSpec("GoalGridWorld-v0", kw => new Goals.GoalGridWorld(kw),
            MaxEpisodeSteps: 50, RewardThreshold: 0.9,
            Description: "Reach a random goal cell on a 5x5 grid; Dict observation (position Box, goal Discrete); +1 at the goal, -0.02 per step"));
    }
}
