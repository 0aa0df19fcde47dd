using PolicyGradient.Buffers;
using PolicyGradient.Core;
using TorchSharp;

namespace PolicyGradient.Tests.Buffers;

/// <summary>The memory check before allocation and the exact checkpoint round trip of <see cref="ReplayBuffer"/>.</summary>
public class ReplayBufferCheckpointTests
{
    static float[] Read(torch.Tensor t) => t.contiguous().data<float>().ToArray();

    [Fact]
    public void A_buffer_over_the_memory_limit_names_its_size_and_the_buffer_size_that_fits()
    {
        // 1,000,000 transitions × (2·17 + 6 + 3) floats × 4 bytes = 172,000,000 bytes; 1 MiB fits 1,048,576 / 172 = 6,096.
        Assert.Equal(172_000_000L, ReplayBuffer.RequiredBytes(1_000_000, 1, 17, 6));
        var e = Assert.Throws<ArgumentException>(() => new ReplayBuffer(1_000_000, 1, 17, 6, memoryLimitBytes: 1 << 20));
        Assert.Contains("buffer_size=1000000", e.Message);
        Assert.Contains("172,000,000 bytes", e.Message);
        Assert.Contains("set buffer_size to at most 6096", e.Message);
    }

    [Fact]
    public void The_default_limit_rejects_an_impossible_buffer_before_allocating_it()
    {
        // 2^31 transitions of 1,000-float observations: ~16 TB. Allocating first would fail in libtorch
        // (or swap); the check answers with the key to change.
        var e = Assert.Throws<ArgumentException>(() => new ReplayBuffer(int.MaxValue, 1, 1000, 1));
        Assert.Contains("buffer_size", e.Message);
    }

    static ReplayBuffer Filled(int steps)
    {
        var b = new ReplayBuffer(8, 2, 2, 1, nSteps: 2, gamma: 0.5);
        for (int t = 0; t < steps; t++)
            b.Add([t, -t, t + 0.5f, 1f / (t + 3)], [t * 0.1f, -t * 0.1f], [t, 2 * t], [t + 1, -t - 1, t + 1.5f, 0.25f], [7, 7, 9, 9],
                [false, t % 3 == 2], [t % 5 == 4, false]);
        return b;
    }

    [Theory]
    [InlineData(3)]   // partly filled
    [InlineData(11)]  // wrapped: Position = 3, full
    public void Capture_and_restore_round_trip_the_contents_position_and_draws_exactly(int steps)
    {
        using var source = Filled(steps);
        using var state = new TrainingState();
        source.Capture(state);
        using var g = new torch.Generator(5);
        state.Tensors["rng.replay"] = g.get_state().clone();

        using var restored = new ReplayBuffer(8, 2, 2, 1, nSteps: 2, gamma: 0.5);
        restored.Restore(state);
        Assert.Equal(source.Position, restored.Position);
        Assert.Equal(source.Full, restored.Full);
        Assert.Equal(source.Count, restored.Count);
        // The filled prefix of each tensor (Count transitions; observations have 2 floats each).
        Assert.Equal(Read(source.Observations)[..(source.Count * 2)], Read(restored.Observations)[..(source.Count * 2)]);
        Assert.Equal(Read(source.NextObservations)[..(source.Count * 2)], Read(restored.NextObservations)[..(source.Count * 2)]);
        Assert.Equal(Read(source.Actions)[..source.Count], Read(restored.Actions)[..source.Count]);
        Assert.Equal(Read(source.Rewards)[..source.Count], Read(restored.Rewards)[..source.Count]);
        Assert.Equal(Read(source.Dones)[..source.Count], Read(restored.Dones)[..source.Count]);
        Assert.Equal(Read(source.EpisodeEnds)[..source.Count], Read(restored.EpisodeEnds)[..source.Count]);

        // The same generator state draws the same batch from both, bit for bit.
        using var g2 = new torch.Generator(999);
        g2.set_state(state.RequireTensor("rng.replay"));
        using var a = source.CreateBatch(32);
        using var b = restored.CreateBatch(32);
        source.Sample(a, g);
        restored.Sample(b, g2);
        foreach (var (x, y) in new[] { (a.Observations, b.Observations), (a.Actions, b.Actions), (a.Rewards, b.Rewards),
                     (a.NextObservations, b.NextObservations), (a.Dones, b.Dones), (a.Discounts, b.Discounts) })
            Assert.Equal(Read(x), Read(y));

        // Both go on identically after the restore.
        source.Add([1, 2, 3, 4], [5, 6], [7, 8], [9, 10, 11, 12], [0, 0, 0, 0], [false, false], [false, false]);
        restored.Add([1, 2, 3, 4], [5, 6], [7, 8], [9, 10, 11, 12], [0, 0, 0, 0], [false, false], [false, false]);
        Assert.Equal(source.Position, restored.Position);
        Assert.Equal(Read(source.Observations)[..(source.Count * 2)], Read(restored.Observations)[..(source.Count * 2)]);
    }

    [Fact]
    public void Restoring_into_a_buffer_of_another_size_names_the_mismatch()
    {
        using var source = Filled(11);
        using var state = new TrainingState();
        source.Capture(state);
        using var other = new ReplayBuffer(12, 2, 2, 1);
        var e = Assert.Throws<InvalidDataException>(() => other.Restore(state));
        Assert.Contains("replay.observations", e.Message);
        Assert.Contains("buffer_size", e.Message);
    }

    [Fact]
    public void Restoring_from_a_checkpoint_without_a_replay_buffer_names_the_missing_entry()
    {
        using var state = new TrainingState();
        using var b = new ReplayBuffer(4, 1, 1, 1);
        var e = Assert.Throws<InvalidDataException>(() => b.Restore(state));
        Assert.Contains("replay.position", e.Message);
    }

    [Theory]
    [InlineData(0)]   // a checkpoint before the first step: zero-row tensors
    [InlineData(3)]
    [InlineData(11)]
    public void The_captured_state_survives_the_safetensors_checkpoint_format_bit_for_bit(int steps)
    {
        using var source = Filled(steps);
        using var state = new TrainingState();
        source.Capture(state);
        var (tensors, _) = PolicyGradient.Serialization.SafeTensorsFile.Deserialize(
            PolicyGradient.Serialization.SafeTensorsFile.Serialize(state.Tensors));
        using var loaded = new TrainingState();
        foreach (var (name, t) in tensors) loaded.Tensors[name] = t;
        foreach (var (name, v) in state.Values) loaded.Values[name] = v;

        using var restored = new ReplayBuffer(8, 2, 2, 1, nSteps: 2, gamma: 0.5);
        restored.Restore(loaded);
        Assert.Equal((source.Position, source.Full, source.Count), (restored.Position, restored.Full, restored.Count));
        foreach (var (x, y) in new[] { (source.Observations, restored.Observations), (source.NextObservations, restored.NextObservations) })
            Assert.Equal(Read(x)[..(source.Count * 2)].Select(BitConverter.SingleToInt32Bits), Read(y)[..(source.Count * 2)].Select(BitConverter.SingleToInt32Bits));
        foreach (var (x, y) in new[] { (source.Actions, restored.Actions), (source.Rewards, restored.Rewards), (source.Dones, restored.Dones), (source.EpisodeEnds, restored.EpisodeEnds) })
            Assert.Equal(Read(x)[..source.Count].Select(BitConverter.SingleToInt32Bits), Read(y)[..source.Count].Select(BitConverter.SingleToInt32Bits));
    }
}
