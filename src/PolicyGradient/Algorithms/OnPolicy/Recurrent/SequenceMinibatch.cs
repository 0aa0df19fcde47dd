namespace PolicyGradient.Algorithms.OnPolicy.Recurrent;

/// <summary>
/// A recurrent PPO minibatch as whole sequences (sb3-contrib's RecurrentRolloutBuffer): the rollout's
/// T·N steps are laid out env by env (copy n's steps 0…T−1, then copy n+1's), rotated by a random
/// offset each epoch, and cut into consecutive chunks of batch_size; within a chunk a new sequence
/// starts at every episode start, at every change of env copy and at the chunk's first step. The
/// sequences are padded to the longest one, time-major, and each starts from the LSTM state stored
/// with its first step.
/// </summary>
/// <param name="Rows">The chunk's steps as buffer rows (t·N + n), in chunk order: the order of the loss terms.</param>
/// <param name="Sequences">Number of sequences S.</param>
/// <param name="Length">Steps of the longest sequence L.</param>
/// <param name="Padded">[L, S] row-major: the buffer row at step l of sequence s, or −1 for padding.</param>
/// <param name="Mask">[L, S] row-major: true where <paramref name="Padded"/> holds a step (padding never counts in the losses).</param>
/// <param name="Gather">Per entry of <paramref name="Rows"/>: its position l·S + s in the [L, S] grid.</param>
/// <param name="FirstRows">Per sequence: the buffer row of its first step (whose stored state it starts from).</param>
internal sealed record SequenceMinibatch(long[] Rows, int Sequences, int Length, long[] Padded, bool[] Mask, long[] Gather, long[] FirstRows)
{
    /// <summary>
    /// The minibatches of one epoch: <paramref name="episodeStarts"/> [T·N] (row t·N + n, true at the
    /// first step of an episode), rotation <paramref name="offset"/> in [0, T·N).
    /// </summary>
    public static List<SequenceMinibatch> Epoch(int numSteps, int numEnvs, ReadOnlySpan<bool> episodeStarts, int batchSize, int offset)
    {
        int total = numSteps * numEnvs;
        if (episodeStarts.Length != total) throw new ArgumentException($"episode_starts has {episodeStarts.Length} entries, expected T·N = {total}");
        if (offset < 0 || offset >= total) throw new ArgumentOutOfRangeException(nameof(offset), offset, $"the rotation must be in [0, {total})");
        // Env-major order k = n·T + t (sb3-contrib's swap_and_flatten), rotated: position p holds k = (p + offset) mod T·N.
        var order = new long[total];
        var starts = new bool[total];
        for (int p = 0; p < total; p++)
        {
            int k = (p + offset) % total, n = k / numSteps, t = k % numSteps;
            order[p] = (long)t * numEnvs + n;
            starts[p] = t == 0 || episodeStarts[t * numEnvs + n];
        }
        var batches = new List<SequenceMinibatch>();
        for (int begin = 0; begin < total; begin += batchSize)
        {
            int count = Math.Min(batchSize, total - begin);
            batches.Add(Build(order.AsSpan(begin, count), starts.AsSpan(begin, count)));
        }
        return batches;
    }

    /// <summary>One chunk: <paramref name="rows"/> in order, <paramref name="starts"/> true where a sequence begins (the first entry always does).</summary>
    public static SequenceMinibatch Build(ReadOnlySpan<long> rows, ReadOnlySpan<bool> starts)
    {
        var begins = new List<int>();
        for (int i = 0; i < rows.Length; i++) if (i == 0 || starts[i]) begins.Add(i);
        int sequences = begins.Count, length = 0;
        for (int s = 0; s < sequences; s++)
            length = Math.Max(length, (s + 1 < sequences ? begins[s + 1] : rows.Length) - begins[s]);
        var padded = new long[length * sequences];
        Array.Fill(padded, -1L);
        var mask = new bool[length * sequences];
        var gather = new long[rows.Length];
        var first = new long[sequences];
        for (int s = 0; s < sequences; s++)
        {
            int end = s + 1 < sequences ? begins[s + 1] : rows.Length;
            first[s] = rows[begins[s]];
            for (int i = begins[s]; i < end; i++)
            {
                int cell = (i - begins[s]) * sequences + s;
                padded[cell] = rows[i];
                mask[cell] = true;
                gather[i] = cell;
            }
        }
        return new SequenceMinibatch(rows.ToArray(), sequences, length, padded, mask, gather, first);
    }
}
