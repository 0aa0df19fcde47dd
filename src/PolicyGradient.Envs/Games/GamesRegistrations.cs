namespace PolicyGradient.Environments.Games;

/// <summary>Registers the small board games (envs where many actions are invalid: action masking).</summary>
internal static class GamesRegistrations
{
    internal static void Register()
    {
        Envs.Register(new EnvSpec("TicTacToe-v0", kw => new TicTacToe(kw),
            MaxEpisodeSteps: 50, RewardThreshold: null,
            Description: "Tic-tac-toe as X against a win/block/random opponent; +1 win, -1 loss; invalid moves masked (IActionMaskProvider) or penalized"));
    }
}
