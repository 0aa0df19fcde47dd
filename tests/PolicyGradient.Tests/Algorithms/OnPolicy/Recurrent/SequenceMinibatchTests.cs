using PolicyGradient.Algorithms.OnPolicy.Recurrent;

namespace PolicyGradient.Tests.Algorithms.OnPolicy.Recurrent;

/// <summary>Whole-sequence minibatches cut from hand-made episode starts: which rows, which padding, which initial state.</summary>
public class SequenceMinibatchTests
{
    // T = 4 steps, N = 2 copies, row = t·N + n. Copy 0: episodes start at t = 0 and t = 2; copy 1: at t = 0 and t = 3.
    static readonly bool[] Starts = [true, true, false, false, true, false, false, true];

    [Fact]
    public void One_chunk_splits_at_episode_starts_and_env_changes_and_pads_time_major()
    {
        var batch = Assert.Single(SequenceMinibatch.Epoch(4, 2, Starts, batchSize: 8, offset: 0));
        // Env-major order: copy 0's rows 0, 2, 4, 6 then copy 1's rows 1, 3, 5, 7.
        Assert.Equal([0L, 2, 4, 6, 1, 3, 5, 7], batch.Rows);
        // Sequences [0, 2] [4, 6] [1, 3, 5] [7]: S = 4, L = 3, laid out [L, S].
        Assert.Equal(4, batch.Sequences);
        Assert.Equal(3, batch.Length);
        Assert.Equal([0L, 4, 1, 7, 2, 6, 3, -1, -1, -1, 5, -1], batch.Padded);
        Assert.Equal([true, true, true, true, true, true, true, false, false, false, true, false], batch.Mask);
        // Each sequence starts from the state stored with its first row.
        Assert.Equal([0L, 4, 1, 7], batch.FirstRows);
        // Row i of the chunk sits at cell Gather[i] of the grid.
        for (int i = 0; i < batch.Rows.Length; i++) Assert.Equal(batch.Rows[i], batch.Padded[batch.Gather[i]]);
        Assert.Equal([0L, 4, 1, 5, 2, 6, 10, 3], batch.Gather);
    }

    [Fact]
    public void A_rotated_epoch_starts_a_sequence_at_each_chunk_start_even_inside_an_episode()
    {
        var batches = SequenceMinibatch.Epoch(4, 2, Starts, batchSize: 4, offset: 3);
        Assert.Equal(2, batches.Count);
        // Positions 3..7, 0..2 of the env-major order: copy 0 t = 3, copy 1 t = 0..3, copy 0 t = 0..2.
        Assert.Equal([6L, 1, 3, 5], batches[0].Rows);
        Assert.Equal([6L, 1], batches[0].FirstRows); // row 6 (copy 0, t = 3) is mid-episode: it starts from its stored state
        Assert.Equal([6L, 1, -1, 3, -1, 5], batches[0].Padded);
        Assert.Equal([7L, 0, 2, 4], batches[1].Rows);
        Assert.Equal([7L, 0, 4], batches[1].FirstRows);
        Assert.Equal([7L, 0, 4, -1, 2, -1], batches[1].Padded);
        Assert.Equal(Starts.Length, batches.Sum(b => b.Mask.Count(m => m)));
    }

    [Fact]
    public void Every_step_appears_once_per_epoch_whatever_the_rotation()
    {
        var starts = new bool[6 * 3];
        starts[4] = starts[11] = true;
        for (int offset = 0; offset < starts.Length; offset++)
        {
            var rows = SequenceMinibatch.Epoch(6, 3, starts, batchSize: 5, offset).SelectMany(b => b.Rows).Order().ToArray();
            Assert.Equal(Enumerable.Range(0, starts.Length).Select(i => (long)i), rows);
        }
    }
}
