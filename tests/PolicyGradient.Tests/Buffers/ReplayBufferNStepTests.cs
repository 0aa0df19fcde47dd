using PolicyGradient.Buffers;
using TorchSharp;

namespace PolicyGradient.Tests.Buffers;

/// <summary>n-step returns of <see cref="ReplayBuffer"/> on small hand-made sequences.</summary>
public class ReplayBufferNStepTests
{
    static float[] Read(torch.Tensor t) => t.contiguous().data<float>().ToArray();
    static long[] ReadLong(torch.Tensor t) => t.contiguous().data<long>().ToArray();

    /// <summary>Draws a large batch and checks every row against the expected (R, s', d, γ^k) of the slot it names; every slot must come up.</summary>
    static void AssertEverySlot(ReplayBuffer b, Dictionary<long, (float Return, float Next, float Done, float Discount)> expected)
    {
        using var g = new torch.Generator(42);
        using var batch = b.CreateBatch(400);
        b.Sample(batch, g);
        long[] idx = ReadLong(batch.Indices);
        float[] r = Read(batch.Rewards), s = Read(batch.NextObservations), d = Read(batch.Dones), k = Read(batch.Discounts);
        var seen = new HashSet<long>();
        for (int j = 0; j < idx.Length; j++)
        {
            var e = expected[idx[j]];
            Assert.True((e.Return, e.Next, e.Done, e.Discount) == (r[j], s[j], d[j], k[j]),
                $"slot {idx[j]}: expected (R {e.Return}, s' {e.Next}, d {e.Done}, γ^k {e.Discount}), got ({r[j]}, {s[j]}, {d[j]}, {k[j]})");
            seen.Add(idx[j]);
        }
        Assert.Equal(expected.Count, seen.Count);
    }

    [Fact]
    public void Three_step_sums_stop_at_termination_truncation_and_the_newest_row_and_never_mix_copies()
    {
        // n = 3, γ = 0.5, E = 2, five steps. Rewards 1, 2, 4, 8, 16 in both copies.
        // Copy 0 never ends: s_t = t, s'_t = t + 1.
        // Copy 1: terminates at t = 1 (final obs 102, resets to 200), truncated at t = 3 (final obs 202, resets to 300).
        using var b = new ReplayBuffer(10, 2, 1, 1, nSteps: 3, gamma: 0.5);
        float[] rewards = [1, 2, 4, 8, 16];
        float[] s1 = [100, 101, 200, 201, 300], next1 = [101, 200, 201, 300, 301], final1 = [0, 102, 0, 202, 0];
        bool[] term1 = [false, true, false, false, false], trunc1 = [false, false, false, true, false];
        for (int t = 0; t < 5; t++)
            b.Add([t, s1[t]], [0, 0], [rewards[t], rewards[t]], [t + 1, next1[t]], [0, final1[t]],
                [false, term1[t]], [false, trunc1[t]]);

        // Slot = row·2 + copy.
        var expected = new Dictionary<long, (float, float, float, float)>
        {
            [0] = (1 + 0.5f * 2 + 0.25f * 4, 3, 0, 0.125f),  // 3
            [2] = (2 + 0.5f * 4 + 0.25f * 8, 4, 0, 0.125f),  // 6
            [4] = (4 + 0.5f * 8 + 0.25f * 16, 5, 0, 0.125f), // 12
            [6] = (8 + 0.5f * 16, 5, 0, 0.25f),              // newest row reached after 2 steps
            [8] = (16, 5, 0, 0.5f),
            [1] = (1 + 0.5f * 2, 102, 1, 0.25f),             // termination at t = 1 ends the window, d = 1
            [3] = (2, 102, 1, 0.5f),
            [5] = (4 + 0.5f * 8, 202, 0, 0.25f),             // truncation at t = 3: final obs, bootstrap
            [7] = (8, 202, 0, 0.5f),
            [9] = (16, 301, 0, 0.5f),
        };
        AssertEverySlot(b, expected);
    }

    [Fact]
    public void Windows_wrap_around_the_ring_in_time_order()
    {
        // R = 3, one copy, n = 2, γ = 0.5; four steps with rewards 1, 2, 4, 8 (s_t = t, s'_t = t + 1).
        // Rows now hold steps [3, 1, 2]; Position = 1.
        using var b = new ReplayBuffer(3, 1, 1, 1, nSteps: 2, gamma: 0.5);
        float[] rewards = [1, 2, 4, 8];
        for (int t = 0; t < 4; t++) b.Add([t], [0], [rewards[t]], [t + 1], [0], [false], [false]);
        var expected = new Dictionary<long, (float, float, float, float)>
        {
            [1] = (2 + 0.5f * 4, 3, 0, 0.25f), // step 1 → step 2
            [2] = (4 + 0.5f * 8, 4, 0, 0.25f), // step 2 → step 3, across the physical end of the ring
            [0] = (8, 4, 0, 0.5f),             // step 3 is the newest: one step only
        };
        AssertEverySlot(b, expected);
    }
}
