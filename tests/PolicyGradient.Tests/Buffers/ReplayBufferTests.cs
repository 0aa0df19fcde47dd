using PolicyGradient.Buffers;
using PolicyGradient.Core;
using PolicyGradient.Environments;
using PolicyGradient.Environments.Vector;
using PolicyGradient.Environments.Wrappers;
using PolicyGradient.Tests.EnvTests;
using TorchSharp;

namespace PolicyGradient.Tests.Buffers;

public class ReplayBufferTests
{
    static float[] Read(torch.Tensor t) => t.contiguous().data<float>().ToArray();
    static long[] ReadLong(torch.Tensor t) => t.contiguous().data<long>().ToArray();

    /// <summary>Adds one step of one-dimensional observations and actions (action = observation).</summary>
    static void Step(ReplayBuffer b, float[] obs, float[] rewards, float[] next, float[] final, bool[] terminated, bool[] truncated) =>
        b.Add(obs, obs, rewards, next, final, terminated, truncated);

    [Fact]
    public void Truncation_stores_the_final_observation_and_bootstraps_termination_does_not()
    {
        // E = 3: copy 0 goes on, copy 1 is truncated, copy 2 terminates. After the step the env
        // already shows the reset observations 90, 91, 92 for the copies that ended (same-step autoreset).
        using var b = new ReplayBuffer(6, 3, 1, 1);
        Step(b, [1, 2, 3], [0.5f, 1.5f, 2.5f], next: [11, 90, 91], final: [-1, 12, 13],
            [false, false, true], [false, true, false]);
        Assert.Equal([11f, 12f, 13f], Read(b.NextObservations)[..3]);
        Assert.Equal([0f, 0f, 1f], Read(b.Dones)[..3]);       // truncation: d = 0, bootstrap
        Assert.Equal([0f, 1f, 1f], Read(b.EpisodeEnds)[..3]);
        Assert.Equal([0.5f, 1.5f, 2.5f], Read(b.Rewards)[..3]);
        Assert.Equal(3, b.Count);
        Assert.Equal(1, b.Position);
    }

    [Fact]
    public void Same_step_autoreset_of_a_vector_env_never_makes_the_reset_observation_a_next_observation()
    {
        // Copy 0: 10, 11, 12, ... cut by a 2-step time limit (truncated, resets to 10).
        // Copy 1: 20, 21, 22, terminating on reaching 22 (resets to 20).
        using var env = new SyncVectorEnv(new IEnv[]
        {
            new TimeLimit(new SequenceEnv([10, 11, 12, 13, 14], [1], loop: true), 2),
            new SequenceEnv([20, 21, 22], [2]),
        });
        env.Reset(0);
        using var b = new ReplayBuffer(8, 2, 1, 1);
        float[] actions = [0, 0], obs = new float[2];
        for (int t = 0; t < 3; t++)
        {
            env.Observations.CopyTo(obs, 0);
            env.Step(actions);
            b.Add(obs, actions, env);
        }
        // Row-major [t, copy]: s = 10 20 | 11 21 | 10 20 (reset observations start row 2 as s_t only).
        Assert.Equal([10f, 20f, 11f, 21f, 10f, 20f], Read(b.Observations)[..6]);
        Assert.Equal([11f, 21f, 12f, 22f, 11f, 21f], Read(b.NextObservations)[..6]);
        Assert.Equal([0f, 0f, 0f, 1f, 0f, 0f], Read(b.Dones)[..6]);
        Assert.Equal([0f, 0f, 1f, 1f, 0f, 0f], Read(b.EpisodeEnds)[..6]);
        Assert.Equal([1f, 2f, 1f, 2f, 1f, 2f], Read(b.Rewards)[..6]);
    }

    [Fact]
    public void A_full_ring_overwrites_the_oldest_row_first()
    {
        using var b = new ReplayBuffer(3, 1, 1, 1);
        for (int t = 0; t < 5; t++)
            Step(b, [t], [t], [t + 1], [0], [false], [false]);
        Assert.True(b.Full);
        Assert.Equal(2, b.Position);            // rows 0, 1 rewritten by steps 3, 4; row 2 (step 2) is the oldest
        Assert.Equal(3, b.Count);
        Assert.Equal([3f, 4f, 2f], Read(b.Observations));
        Assert.Equal([4f, 5f, 3f], Read(b.NextObservations));
    }

    [Fact]
    public void Buffer_size_rounds_down_to_whole_rows_of_env_copies()
    {
        using var b = new ReplayBuffer(10, 3, 2, 1);
        Assert.Equal(3, b.Rows);
        Assert.Equal([3L, 3L, 2L], b.Observations.shape);
    }

    [Fact]
    public void Uniform_sampling_draws_every_stored_slot_about_equally_and_only_stored_slots()
    {
        // 8 slots (4 rows × 2 copies), slot k stores observation k. 50,000 draws: 6,250 expected per
        // slot, binomial σ ≈ 74; ±5 % is about 4σ.
        using var b = new ReplayBuffer(8, 2, 1, 1);
        for (int t = 0; t < 4; t++)
            Step(b, [2 * t, 2 * t + 1], [0, 0], [0, 0], [0, 0], [false, false], [false, false]);
        using var g = new torch.Generator(123);
        using var batch = b.CreateBatch(1000);
        var counts = new int[8];
        for (int draw = 0; draw < 50; draw++)
        {
            b.Sample(batch, g);
            long[] idx = ReadLong(batch.Indices);
            float[] obs = Read(batch.Observations);
            for (int j = 0; j < idx.Length; j++)
            {
                counts[idx[j]]++;
                Assert.Equal(idx[j], (long)obs[j]); // the row holds the slot it names
            }
        }
        foreach (int c in counts) Assert.InRange(c, 6250 * 0.95, 6250 * 1.05);

        // Half full: only the 4 written slots may come out.
        using var half = new ReplayBuffer(8, 2, 1, 1);
        for (int t = 0; t < 2; t++)
            Step(half, [2 * t, 2 * t + 1], [0, 0], [0, 0], [0, 0], [false, false], [false, false]);
        half.Sample(batch, g);
        Assert.All(ReadLong(batch.Indices), i => Assert.InRange(i, 0, 3));
    }

    [Fact]
    public void The_same_generator_state_draws_the_same_batch()
    {
        using var b = new ReplayBuffer(8, 1, 1, 1);
        for (int t = 0; t < 8; t++) Step(b, [t], [t], [t], [0], [false], [false]);
        using var g1 = new torch.Generator(7);
        using var g2 = new torch.Generator(7);
        using var x = b.CreateBatch(16);
        using var y = b.CreateBatch(16);
        b.Sample(x, g1);
        b.Sample(y, g2);
        Assert.Equal(ReadLong(x.Indices), ReadLong(y.Indices));
        b.Sample(y, g2);
        Assert.NotEqual(ReadLong(x.Indices), ReadLong(y.Indices));
    }

    [Fact]
    public void Sampling_an_empty_buffer_names_the_problem()
    {
        using var b = new ReplayBuffer(4, 1, 1, 1);
        using var g = new torch.Generator(1);
        using var batch = b.CreateBatch(2);
        var e = Assert.Throws<InvalidOperationException>(() => b.Sample(batch, g));
        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public void One_step_samples_carry_the_reward_the_next_observation_and_gamma()
    {
        using var b = new ReplayBuffer(2, 1, 1, 1, nSteps: 1, gamma: 0.9);
        Step(b, [1], [5], [2], [0], [false], [false]);
        using var g = new torch.Generator(3);
        using var batch = b.CreateBatch(4);
        b.Sample(batch, g);
        Assert.All(Read(batch.Rewards), r => Assert.Equal(5f, r));
        Assert.All(Read(batch.NextObservations), s => Assert.Equal(2f, s));
        Assert.All(Read(batch.Discounts), d => Assert.Equal(0.9f, d));
        Assert.All(Read(batch.Dones), d => Assert.Equal(0f, d));
    }

    [Fact]
    public void Sampling_allocates_no_more_for_a_large_batch_than_for_a_small_one()
    {
        // The batch tensors are refilled in place: what one call allocates (TorchSharp's handle for the
        // in-place draw, the no_grad guard) must not grow with the batch size or the n-step window.
        using var b = new ReplayBuffer(4096, 4, 3, 2, nSteps: 3, gamma: 0.9);
        for (int t = 0; t < 1024; t++)
            b.Add(new float[12], new float[8], new float[4], new float[12], new float[12], new bool[4], new bool[4]);
        using var g = new torch.Generator(1);
        long PerCall(ReplayBatch batch)
        {
            for (int i = 0; i < 5; i++) b.Sample(batch, g); // warm up
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++) b.Sample(batch, g);
            return (GC.GetAllocatedBytesForCurrentThread() - before) / 100;
        }
        using var small = b.CreateBatch(16);
        using var large = b.CreateBatch(4096);
        long s = PerCall(small), l = PerCall(large);
        Assert.True(l <= s + 64 && l < 1024, $"bytes per Sample call: batch 16 → {s}, batch 4096 → {l}");
    }
}
