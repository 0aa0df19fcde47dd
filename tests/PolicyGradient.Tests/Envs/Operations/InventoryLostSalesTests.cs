using PolicyGradient.Environments;
using PolicyGradient.Environments.Operations;

namespace PolicyGradient.Tests.EnvTests.Operations;

public class InventoryLostSalesTests
{
    static InventoryLostSales Make(params (string Key, object Value)[] kwargs) =>
        new(kwargs.ToDictionary(kv => kv.Key, kv => kv.Value));

    [Fact]
    public void Hand_computed_periods_follow_the_documented_event_order()
    {
        // L = 2, h = 1, p = 4, 10 units on hand, empty pipeline.
        var env = Make(("lead_time", 2), ("initial_inventory", 10));
        env.ScriptedDemand = [4, 8, 1, 9];
        var (obs, _) = env.Reset(seed: 1);
        Assert.Equal(new float[] { 10, 0, 0 }, obs);

        // Order 3; nothing arrives; demand 4 met from 10 -> 6 left; cost 6·h.
        var t = env.Step(3);
        Assert.Equal(new float[] { 6, 0, 3 }, t.Observation);
        Assert.Equal(-6.0, t.Reward);
        Assert.Equal(0, env.LastLostSales);

        // Order 5; nothing arrives; demand 8 against 6 -> 2 lost; cost 4·2.
        t = env.Step(5);
        Assert.Equal(new float[] { 0, 3, 5 }, t.Observation);
        Assert.Equal(-8.0, t.Reward);
        Assert.Equal(2, env.LastLostSales);
        Assert.Equal(0.0, env.LastHoldingCost);
        Assert.Equal(8.0, env.LastLostSalesCost);

        // Order 0; the first order (3) arrives; demand 1 -> 2 left; cost 2.
        t = env.Step(0);
        Assert.Equal(new float[] { 2, 5, 0 }, t.Observation);
        Assert.Equal(-2.0, t.Reward);

        // Order 2; 5 arrives -> 7 available; demand 9 -> 2 lost, 0 left; cost 8.
        t = env.Step(2);
        Assert.Equal(new float[] { 0, 0, 2 }, t.Observation);
        Assert.Equal(-8.0, t.Reward);
        Assert.False(t.Terminated);
        Assert.False(t.Truncated);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public void An_order_arrives_exactly_lead_time_periods_later(int leadTime)
    {
        var env = Make(("lead_time", leadTime), ("initial_inventory", 0), ("max_order", 10));
        env.ScriptedDemand = [0];
        env.Reset(seed: 0);
        var onHand = new List<float>();
        for (int t = 0; t < leadTime + 2; t++) onHand.Add(env.Step(t == 0 ? 7 : 0).Observation[0]);
        // Ordered in period 0, usable in period L: on hand at the end of period L-1 is 0, of period L is 7.
        for (int t = 0; t < leadTime; t++) Assert.Equal(0f, onHand[t]);
        Assert.Equal(7f, onHand[leadTime]);
    }

    [Fact]
    public void Pipeline_shifts_oldest_first_and_the_new_order_enters_last()
    {
        var env = Make(("lead_time", 3), ("initial_inventory", 0));
        env.ScriptedDemand = [0];
        env.Reset(seed: 0);
        env.Step(1); env.Step(2);
        var t = env.Step(3);
        Assert.Equal(new float[] { 0, 1, 2, 3 }, t.Observation);
        t = env.Step(4);
        Assert.Equal(new float[] { 1, 2, 3, 4 }, t.Observation);
        Assert.Equal(new[] { 2, 3, 4 }, env.Pipeline.ToArray());
    }

    [Fact]
    public void Reward_is_exactly_minus_holding_plus_penalty_and_stock_is_conserved()
    {
        var env = Make(("lost_sales_cost", 19), ("holding_cost", 1.5));
        var (obs, _) = env.Reset(seed: 42);
        var rng = new Rng(7);
        long lostTotal = 0;
        for (int t = 0; t < 500; t++)
        {
            int before = env.OnHand, arriving = env.Pipeline[0];
            int order = rng.NextInt(0, 12);
            var r = env.Step(order);
            int sold = env.LastDemand - env.LastLostSales;
            Assert.Equal(before + arriving - sold, env.OnHand);
            Assert.True(env.LastLostSales == 0 || env.OnHand == 0, "units were lost while stock remained");
            Assert.Equal(-(1.5 * env.OnHand + 19.0 * env.LastLostSales), r.Reward, 12);
            Assert.Equal(env.LastHoldingCost + env.LastLostSalesCost, -r.Reward, 12);
            lostTotal += env.LastLostSales;
        }
        Assert.True(lostTotal > 0, "random orders around the mean should lose some sales");
    }

    [Fact]
    public void Same_seed_gives_the_same_trajectory_and_another_seed_does_not()
    {
        static List<double> Run(long seed)
        {
            var env = new InventoryLostSales();
            env.Reset(seed: seed);
            var rewards = new List<double>();
            for (int t = 0; t < 200; t++) rewards.Add(env.Step(5).Reward);
            return rewards;
        }
        Assert.Equal(Run(3), Run(3));
        Assert.NotEqual(Run(3), Run(4));
    }

    [Fact]
    public void Saved_state_resumes_exactly()
    {
        var a = Make(("lead_time", 3));
        a.Reset(seed: 11);
        for (int t = 0; t < 57; t++) a.Step(t % 9);
        using var buffer = new MemoryStream();
        a.SaveState(new BinaryWriter(buffer));
        var expected = Enumerable.Range(0, 40).Select(t => a.Step(t % 7)).ToList();

        var b = Make(("lead_time", 3));
        buffer.Position = 0;
        b.LoadState(new BinaryReader(buffer));
        var actual = Enumerable.Range(0, 40).Select(t => b.Step(t % 7)).ToList();
        Assert.Equal(expected.Select(x => x.Reward), actual.Select(x => x.Reward));
        Assert.Equal(expected.Select(x => string.Join(",", x.Observation)), actual.Select(x => string.Join(",", x.Observation)));
        Assert.Equal(a.Period, b.Period);

        buffer.Position = 0;
        var other = Make(("lead_time", 2));
        Assert.Throws<InvalidDataException>(() => other.LoadState(new BinaryReader(buffer)));
    }

    [Fact]
    public void Episode_is_truncated_at_the_horizon_never_terminated()
    {
        var env = (IEnv)Environments.Envs.Make("InventoryLostSales-v0", new Dictionary<string, object> { ["horizon"] = 5 });
        env.Reset(seed: 0);
        for (int t = 1; t <= 5; t++)
        {
            var r = env.Step(5);
            Assert.False(r.Terminated);
            Assert.Equal(t == 5, r.Truncated);
        }
    }

    [Fact]
    public void Defaults_match_the_documented_benchmark_and_spaces()
    {
        var env = new InventoryLostSales();
        Assert.Equal((2, 5.0, 1.0, 4.0, 20, 1000, 15),
            (env.LeadTime, env.DemandMean, env.HoldingCost, env.LostSalesCost, env.MaxOrder, env.Horizon, env.InitialInventory));
        Assert.Equal("Discrete(21)", env.ActionSpace.ToString());
        Assert.Equal(3, env.ObservationSpace.FlatSize);
        var (obs, _) = env.Reset(seed: 0);
        Assert.True(env.ObservationSpace.Contains(obs));
    }

    [Theory]
    [InlineData("lead_time", 0, "lead_time")]
    [InlineData("holding_cost", -1, "holding_cost")]
    [InlineData("lost_sales_cost", -4, "lost_sales_cost")]
    [InlineData("demand_mean", 0, "demand_mean")]
    [InlineData("max_order", 0, "max_order")]
    [InlineData("horizon", 0, "horizon")]
    [InlineData("lead_time", 1.5, "not an integer")]
    public void Bad_values_are_rejected_with_the_fix(string key, double value, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => Make((key, value)));
        Assert.Contains(expected, e.Message);
        Assert.Contains("give", e.Message);
    }

    [Fact]
    public void Unknown_kwargs_list_the_valid_ones_and_strings_are_parsed()
    {
        var e = Assert.Throws<ArgumentException>(() => Make(("leadtime", 2)));
        Assert.Contains("'leadtime'", e.Message);
        Assert.Contains("lead_time, demand_mean, holding_cost, lost_sales_cost, max_order, horizon", e.Message);
        var env = Make(("lost_sales_cost", "39"), ("lead_time", "4"));
        Assert.Equal((39.0, 4), (env.LostSalesCost, env.LeadTime));
        Assert.Throws<ArgumentException>(() => Make(("lead_time", "four")));
    }

    [Fact]
    public void Actions_outside_zero_to_max_order_are_rejected()
    {
        var env = Make(("max_order", 10));
        env.Reset(seed: 0);
        Assert.Throws<ArgumentException>(() => env.Step(11));
        Assert.Throws<ArgumentException>(() => env.Step(-1));
        Assert.Throws<ArgumentException>(() => env.Step([2.5f]));
    }

    [Fact]
    public void Poisson_table_matches_the_closed_form_and_draws_have_the_right_mean()
    {
        var d = new PoissonDemand(5);
        // P(D <= 2) = e^-5 (1 + 5 + 12.5); P(D <= 5) = e^-5 Σ_{k<=5} 5^k/k!.
        Assert.Equal(Math.Exp(-5) * 18.5, d.Cdf(2), 14);
        Assert.Equal(Math.Exp(-5) * (1 + 5 + 12.5 + 125.0 / 6 + 625.0 / 24 + 3125.0 / 120), d.Cdf(5), 14);
        Assert.Equal(1.0, d.Cdf(d.MaxDemand));
        var rng = new Rng(123);
        const int n = 200_000;
        double sum = 0, sumSq = 0;
        for (int i = 0; i < n; i++) { int x = d.Draw(rng); sum += x; sumSq += (double)x * x; }
        double mean = sum / n, variance = sumSq / n - mean * mean;
        Assert.InRange(mean, 5 - 4 * Math.Sqrt(5.0 / n), 5 + 4 * Math.Sqrt(5.0 / n));
        Assert.InRange(variance, 4.9, 5.1);
        var large = new PoissonDemand(2000); // exp(-2000) underflows: the table is built in log space
        Assert.InRange(large.Cdf(2000), 0.50, 0.51);
    }
}
