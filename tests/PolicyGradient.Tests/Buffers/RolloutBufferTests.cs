using PolicyGradient.Buffers;
using TorchSharp;

namespace PolicyGradient.Tests.Buffers;

public class RolloutBufferTests
{
    static float[] Read(torch.Tensor t) => t.contiguous().data<float>().ToArray();

    [Fact]
    public void Next_values_bootstrap_on_truncation_and_not_on_termination()
    {
        // T = 3 steps, N = 2 copies. Copy 0: continues, truncated at t = 1 (V(final obs) = 10),
        // continues. Copy 1: terminated at t = 0, continues, continues. V(s_3) = [7, 8].
        using var b = new RolloutBuffer(3, 2, 1, 1);
        float[] noAct = [0, 0], noLogp = [0, 0], rewards = [1, 1];
        b.Add(noAct, noLogp, [1f, 2f], rewards, [false, true], [false, false]);
        b.Add(noAct, noLogp, [3f, 4f], rewards, [false, false], [true, false]);
        b.SetNextValue(0, 10f);
        b.Add(noAct, noLogp, [5f, 6f], rewards, [false, false], [false, false]);
        b.Finish([7f, 8f]);
        // Row-major [t, n]: V'_0 = [V(s_1)=3, 0 (terminated)], V'_1 = [10 (final obs), V(s_2)=6], V'_2 = [7, 8].
        Assert.Equal([3f, 0f, 10f, 6f, 7f, 8f], Read(b.NextValues));
        Assert.Equal([0f, 1f, 0f, 0f, 0f, 0f], Read(b.Terminated));
        Assert.Equal([0f, 1f, 1f, 0f, 0f, 0f], Read(b.Dones));
    }

    [Fact]
    public void Gae_on_the_buffer_matches_a_hand_computation()
    {
        // One copy, T = 3, γ = 0.5, λ = 1. Values V = [1, 2, 3]; rewards 1; step 1 truncated with
        // V(final) = 4; V(s_3) = 6.
        // δ_2 = 1 + 0.5·6 − 3 = 1           → A_2 = 1
        // δ_1 = 1 + 0.5·4 − 2 = 1 (done)    → A_1 = 1
        // δ_0 = 1 + 0.5·2 − 1 = 1           → A_0 = 1 + 0.5·1·A_1 = 1.5
        using var b = new RolloutBuffer(3, 1, 1, 1);
        b.Add([0f], [0f], [1f], [1f], [false], [false]);
        b.Add([0f], [0f], [2f], [1f], [false], [true]);
        b.SetNextValue(0, 4f);
        b.Add([0f], [0f], [3f], [1f], [false], [false]);
        b.Finish([6f]);
        b.ComputeAdvantages(0.5, 1.0);
        Assert.Equal([1.5f, 1f, 1f], Read(b.Advantages));
        Assert.Equal([2.5f, 3f, 4f], Read(b.Returns));
    }

    [Fact]
    public void Observation_rows_are_written_in_place_and_reset_reuses_the_storage()
    {
        using var b = new RolloutBuffer(2, 2, 3, 1);
        var row = b.NextObservationRow();
        Assert.Equal(6, row.Length);
        for (int i = 0; i < 6; i++) row[i] = i;
        b.Add([0f, 0f], [0f, 0f], [0f, 0f], [0f, 0f], [false, false], [false, false]);
        Assert.Equal([0f, 1f, 2f, 3f, 4f, 5f], Read(b.Observations[0]));
        Assert.False(b.Full);
        b.Add([0f, 0f], [0f, 0f], [0f, 0f], [0f, 0f], [false, false], [false, false]);
        Assert.True(b.Full);
        Assert.Throws<InvalidOperationException>(() => b.NextObservationRow().Length);
        b.Reset();
        Assert.Equal(0, b.Position);
    }
}
