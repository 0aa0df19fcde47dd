using PolicyGradient.Environments;
using PolicyGradient.Environments.Checking;
using PolicyGradient.Environments.Games;
using PolicyGradient.Environments.Spaces;
using PolicyGradient.Environments.Vector;
using PolicyGradient.Environments.Wrappers;

namespace PolicyGradient.Tests.EnvTests.Games;

/// <summary>TicTacToe-v0 (the masked env), the mask interface, the ActionMasker wrapper and mask batching in vector envs.</summary>
public class TicTacToeTests
{
    [Fact]
    public void The_env_checker_passes_the_registered_env_including_its_masks()
    {
        using var env = PolicyGradient.Environments.Envs.Make("TicTacToe-v0");
        var report = EnvChecker.Check(env, seed: 4);
        Assert.DoesNotContain(report.Findings, f => f.Severity == EnvCheckSeverity.Error);
    }

    [Fact]
    public void The_env_checker_reports_a_mask_that_allows_nothing()
    {
        using var env = new ActionMasker(PolicyGradient.Environments.Envs.Make("CartPole-v1"), (_, mask) => mask.Clear());
        var report = EnvChecker.Check(env, seed: 1);
        var finding = Assert.Single(report.Findings, f => f.Check == "masks");
        Assert.Equal(EnvCheckSeverity.Error, finding.Severity);
        Assert.Contains("allows no action", finding.Message);
    }

    [Fact]
    public void Invalid_moves_cost_the_penalty_and_change_nothing_while_the_mask_tracks_free_cells()
    {
        using var env = new TicTacToe(new Dictionary<string, object> { ["invalid_action_penalty"] = 0.5 });
        var obs = new float[18];
        var mask = new bool[9];
        env.Reset(obs, seed: 3);
        env.WriteActionMask(mask);
        Assert.All(mask, Assert.True);
        var r = env.Step([4f], obs);
        Assert.Equal(0, r.Reward);
        Assert.Equal(1f, obs[4]);
        Assert.Equal(1f, obs[9..].Sum()); // the opponent answered with one move
        env.WriteActionMask(mask);
        Assert.Equal(7, mask.Count(m => m));
        Assert.False(mask[4]);
        var before = (float[])obs.Clone();
        r = env.Step([4f], obs);
        Assert.Equal(-0.5, r.Reward);
        Assert.False(r.Terminated);
        Assert.Equal(before, obs);
    }

    [Fact]
    public void The_opponent_takes_a_win_and_blocks_a_line()
    {
        using var env = new TicTacToe();
        var obs = new float[18];
        env.Reset(obs, seed: 0);
        env.Step([0f], obs);               // X at 0; O somewhere random
        int o1 = Array.IndexOf(env.Board.ToArray(), 2);
        // Play X on a second cell of a line through 0 that O has not touched; O must block its third cell.
        int[][] lines = [[0, 1, 2], [0, 3, 6], [0, 4, 8]];
        var line = lines.First(l => !l.Contains(o1));
        env.Step([line[1]], obs);
        Assert.Equal(2, env.Board[line[2]]);
    }

    [Fact]
    public void Vector_envs_batch_masks_and_give_the_new_episodes_mask_after_an_autoreset()
    {
        using var sync = new SyncVectorEnv(_ => PolicyGradient.Environments.Envs.Make("TicTacToe-v0"), 3);
        using var threaded = new ThreadedVectorEnv(_ => PolicyGradient.Environments.Envs.Make("TicTacToe-v0"), 3, threads: 2);
        Assert.Equal(9, sync.ActionMaskSize);
        sync.Reset(5); threaded.Reset(5);
        Assert.All(sync.ActionMasks!, Assert.True);
        var rng = new Rng(2);
        bool sawEnd = false;
        var actions = new float[3];
        for (int t = 0; t < 200; t++)
        {
            var masks = sync.ActionMasks!;
            for (int i = 0; i < 3; i++)
            {
                // A random allowed move for each copy.
                var allowed = Enumerable.Range(0, 9).Where(c => masks[i * 9 + c]).ToArray();
                actions[i] = allowed[rng.NextInt(allowed.Length)];
            }
            sync.Step(actions); threaded.Step(actions);
            Assert.Equal(sync.ActionMasks, threaded.ActionMasks);
            for (int i = 0; i < 3; i++)
            {
                var board = ((TicTacToe)sync.Envs[i].Unwrapped).Board;
                for (int c = 0; c < 9; c++) Assert.Equal(board[c] == 0, sync.ActionMasks![i * 9 + c]);
                if (sync.Terminated[i])
                {
                    sawEnd = true;
                    Assert.All(sync.ActionMasks!.AsSpan(i * 9, 9).ToArray(), Assert.True); // the fresh board's mask
                }
            }
        }
        Assert.True(sawEnd);
    }

    [Fact]
    public void Masks_are_restored_with_the_vector_env_state()
    {
        using var a = new SyncVectorEnv(_ => PolicyGradient.Environments.Envs.Make("TicTacToe-v0"), 2);
        using var b = new SyncVectorEnv(_ => PolicyGradient.Environments.Envs.Make("TicTacToe-v0"), 2);
        a.Reset(1); b.Reset(7);
        a.Step([4f, 0f]);
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) a.SaveState(w);
        ms.Position = 0;
        using (var r = new BinaryReader(ms)) b.LoadState(r);
        Assert.Equal(a.ActionMasks, b.ActionMasks);
    }

    [Fact]
    public void A_vector_env_without_mask_providers_has_no_masks_and_masks_need_discrete_actions()
    {
        using var env = new SyncVectorEnv(_ => PolicyGradient.Environments.Envs.Make("Pendulum-v1"), 2);
        Assert.Null(env.ActionMasks);
        Assert.Throws<ArgumentException>(() => new ActionMasker(PolicyGradient.Environments.Envs.Make("Pendulum-v1"), (_, _) => { }));
        Assert.Equal(7, ActionMasks.Size(new MultiDiscrete(3, 4)));
        Assert.Equal("the mask allows no choice in dimension 1", ActionMasks.Problem(new MultiDiscrete(2, 2), [true, false, false, false]));
    }
}
