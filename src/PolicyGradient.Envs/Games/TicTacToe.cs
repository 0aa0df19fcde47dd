using PolicyGradient.Environments.ClassicControl;
using PolicyGradient.Environments.Spaces;

namespace PolicyGradient.Environments.Games;

/// <summary>
/// Tic-tac-toe against a fixed opponent, a small env where invalid actions are common (about half of
/// the nine cells are taken mid-game): the agent plays X and moves first; the opponent (O) wins when
/// it can, else blocks the agent's line, else plays a uniformly random free cell (the env's
/// generator). Observation: two planes of 9 floats (1 where the agent / the opponent holds a cell).
/// Action: Discrete(9), the cell row-major. Reward +1 for a win, −1 for a loss, 0 for a draw.
/// <para>Invalid actions (an occupied cell): the board is unchanged, the opponent does not move, and
/// the step costs <c>invalid_action_penalty</c> (default 0.1) — the usual baseline for an unmasked
/// learner. The env is an <see cref="IActionMaskProvider"/> (free cells allowed), so a masked learner
/// never plays one. Registered as TicTacToe-v0 with a 50-step time limit.</para>
/// </summary>
public sealed class TicTacToe : Env, IActionMaskProvider
{
    const string Id = "TicTacToe-v0";
    static readonly int[][] Lines =
    [
        [0, 1, 2], [3, 4, 5], [6, 7, 8], [0, 3, 6], [1, 4, 7], [2, 5, 8], [0, 4, 8], [2, 4, 6],
    ];
    readonly int[] _board = new int[9]; // 0 free, 1 agent, 2 opponent
    readonly double _penalty;
    readonly Discrete _actions = new(9);
    readonly Box _observations = new(0f, 1f, 18);

    /// <summary>Builds the env from its kwargs (<c>invalid_action_penalty</c>, ≥ 0).</summary>
    public TicTacToe(IReadOnlyDictionary<string, object>? kwargs = null)
    {
        kwargs ??= new Dictionary<string, object>();
        Kwargs.CheckKnown(Id, kwargs, "invalid_action_penalty");
        _penalty = Kwargs.Number(Id, kwargs, "invalid_action_penalty", 0.1);
        if (!(_penalty >= 0) || double.IsInfinity(_penalty))
            throw new ArgumentException($"{Id}: invalid_action_penalty must be a finite number >= 0, got {_penalty}", nameof(kwargs));
    }

    /// <inheritdoc />
    public override Space ObservationSpace => _observations;

    /// <inheritdoc />
    public override Space ActionSpace => _actions;

    /// <summary>The cells: 0 free, 1 the agent's, 2 the opponent's (row-major).</summary>
    public ReadOnlySpan<int> Board => _board;

    /// <inheritdoc />
    public void WriteActionMask(Span<bool> mask)
    {
        for (int c = 0; c < 9; c++) mask[c] = _board[c] == 0;
    }

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, object>? ResetCore(Span<float> observation)
    {
        Array.Clear(_board);
        Observe(observation);
        return null;
    }

    /// <inheritdoc />
    protected override StepResult StepCore(ReadOnlySpan<float> action, Span<float> observation)
    {
        int cell = DiscreteAction(action, _actions);
        if (_board[cell] != 0)
        {
            Observe(observation);
            return new StepResult(-_penalty, false, false, null);
        }
        _board[cell] = 1;
        StepResult result;
        if (Wins(1)) result = new StepResult(1, true, false, null);
        else if (Full()) result = new StepResult(0, true, false, null);
        else
        {
            _board[OpponentMove()] = 2;
            result = Wins(2) ? new StepResult(-1, true, false, null)
                : Full() ? new StepResult(0, true, false, null)
                : new StepResult(0, false, false, null);
        }
        Observe(observation);
        return result;
    }

    /// <summary>Win if possible, else block the agent's open line, else a random free cell.</summary>
    int OpponentMove()
    {
        int win = Completing(2), block = Completing(1);
        if (win >= 0) return win;
        if (block >= 0) return block;
        int free = 0;
        foreach (int v in _board) if (v == 0) free++;
        int pick = Random.NextInt(free);
        for (int c = 0; c < 9; c++)
            if (_board[c] == 0 && pick-- == 0) return c;
        throw new InvalidOperationException("no free cell");
    }

    /// <summary>The free cell that completes a line of <paramref name="player"/>, or −1.</summary>
    int Completing(int player)
    {
        foreach (var line in Lines)
        {
            int mine = 0, free = -1;
            foreach (int c in line)
            {
                if (_board[c] == player) mine++;
                else if (_board[c] == 0) free = c;
            }
            if (mine == 2 && free >= 0) return free;
        }
        return -1;
    }

    bool Wins(int player)
    {
        foreach (var line in Lines)
            if (_board[line[0]] == player && _board[line[1]] == player && _board[line[2]] == player) return true;
        return false;
    }

    bool Full() => Array.IndexOf(_board, 0) < 0;

    void Observe(Span<float> observation)
    {
        for (int c = 0; c < 9; c++)
        {
            observation[c] = _board[c] == 1 ? 1f : 0f;
            observation[9 + c] = _board[c] == 2 ? 1f : 0f;
        }
    }

    /// <inheritdoc />
    protected override void SaveCore(BinaryWriter writer)
    {
        foreach (int v in _board) writer.Write((byte)v);
    }

    /// <inheritdoc />
    protected override void LoadCore(BinaryReader reader)
    {
        for (int c = 0; c < 9; c++) _board[c] = reader.ReadByte();
    }
}
