using PolicyGradient.VarianceReduction;

namespace PolicyGradient.Tests.VarianceReduction;

/// <summary>Per-trajectory importance weights of a vectorised rollout, on hand values.</summary>
public class TrajectoryWeightsTests
{
    [Fact]
    public void Each_row_gets_its_trajectorys_product_of_ratios_and_unfinished_rows_get_zero()
    {
        // T = 3 steps, N = 2 copies, row-major [t, copy]. Copy 0: an episode ends at t = 1 (rows 0, 1), then t = 2 is
        // unfinished. Copy 1: episodes end at t = 0 and t = 2 (rows {0}, {1, 2}).
        float[] logRatios = [(float)Math.Log(1.5), (float)Math.Log(0.8), (float)Math.Log(0.5), (float)Math.Log(1.25), (float)Math.Log(0.3), 0f];
        float[] dones = [0, 1, 1, 0, 0, 1];
        var weights = new float[6];
        int clipped = TrajectoryWeights.PerRow(logRatios, dones, numEnvs: 2, clip: 10, weights);
        Assert.Equal(0, clipped);
        // Copy 0: 1.5 · 0.5 = 0.75 on rows (0,0) and (1,0); its row (2,0) (ratio 0.3) is unfinished: 0.
        // Copy 1: 0.8 on (0,1); 1.25 · 1 = 1.25 on (1,1) and (2,1).
        Assert.Equal(0.75f, weights[0], 5);
        Assert.Equal(0.75f, weights[2], 5);
        Assert.Equal(0f, weights[4]);
        Assert.Equal(0.8f, weights[1], 5);
        Assert.Equal(1.25f, weights[3], 5);
        Assert.Equal(1.25f, weights[5], 5);
    }

    [Fact]
    public void Weights_are_clipped_to_one_over_c_and_c()
    {
        float[] logRatios = [(float)Math.Log(3), (float)Math.Log(0.2), (float)Math.Log(1.5)];
        float[] dones = [1, 1, 1];
        var weights = new float[3];
        Assert.Equal(2, TrajectoryWeights.PerRow(logRatios, dones, numEnvs: 1, clip: 2, weights));
        Assert.Equal(2f, weights[0], 5);
        Assert.Equal(0.5f, weights[1], 5);
        Assert.Equal(1.5f, weights[2], 5);
    }

    [Fact]
    public void The_trajectory_weight_agrees_with_the_recursions_weight()
    {
        double[] previous = [Math.Log(0.5), Math.Log(0.2), Math.Log(0.9)], current = [Math.Log(0.25), Math.Log(0.4), Math.Log(0.3)];
        float[] logRatios = previous.Zip(current, (p, c) => (float)(p - c)).ToArray();
        var weights = new float[3];
        TrajectoryWeights.PerRow(logRatios, [0, 0, 1], numEnvs: 1, clip: 100, weights);
        Assert.All(weights, w => Assert.Equal((float)StormRecursion.TrajectoryWeight(previous, current), w, 4));
    }

    [Fact]
    public void Bad_input_names_the_problem()
    {
        var weights = new float[2];
        Assert.Contains("clip", Assert.Throws<ArgumentException>(() => TrajectoryWeights.PerRow([0f, 0f], [1f, 1f], 1, 0.5, weights)).Message);
        Assert.Contains("multiple", Assert.Throws<ArgumentException>(() => TrajectoryWeights.PerRow([0f, 0f], [1f, 1f], 3, 2, weights)).Message);
        Assert.Contains("one length", Assert.Throws<ArgumentException>(() => TrajectoryWeights.PerRow([0f, 0f], [1f], 1, 2, weights)).Message);
    }
}
