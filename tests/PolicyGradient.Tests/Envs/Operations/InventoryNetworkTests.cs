using PolicyGradient.Environments;
using PolicyGradient.Environments.Operations;

namespace PolicyGradient.Tests.EnvTests.Operations;

public class InventoryNetworkTests
{
    static InventoryNetwork Make(params (string Key, object Value)[] kwargs) =>
        new(kwargs.ToDictionary(kv => kv.Key, kv => kv.Value));

    [Fact]
    public void Hand_computed_periods_with_rationing_and_lost_sales()
    {
        // K = 2, L_w = 1, L_k = 1, h_w = 0.5, h_r = 1, p = 9; stock at reset 20 / 10 / 10.
        var env = Make(("retailers", 2), ("warehouse_lead_time", 1), ("retailer_lead_time", 1));
        env.ScriptedDemand = [3, 12, 5, 1];
        var (obs, _) = env.Reset(seed: 0);
        Assert.Equal(new float[] { 20, 0, 10, 0, 10, 0 }, obs);

        // Orders 12 + 10 = 22 exceed the 20 on hand: shares 240/22 = 10 r 20 and 200/22 = 9 r 2,
        // the one leftover unit goes to the larger remainder -> ship (11, 9).
        // Retailer 1: 10 - 3 = 7 left. Retailer 2: demand 12 against 10 -> 2 lost.
        // Cost = 7·1 + 0.5·0 + 9·2 = 25.
        var t = env.Step([8, 12, 10]);
        Assert.Equal(new[] { 11, 9 }, env.LastShipments.ToArray());
        Assert.Equal(new float[] { 0, 8, 7, 11, 0, 9 }, t.Observation);
        Assert.Equal(-25.0, t.Reward);
        Assert.Equal((7.0, 18.0), (env.LastHoldingCost, env.LastShortageCost));

        // 8 arrives at the warehouse, ships (2, 4) in full; 11 and 9 arrive at the retailers.
        // Retailer 1: 7 + 11 - 5 = 13; retailer 2: 0 + 9 - 1 = 8; warehouse 8 - 6 = 2.
        // Cost = 13 + 8 + 0.5·2 = 22.
        t = env.Step([0, 2, 4]);
        Assert.Equal(new float[] { 2, 0, 13, 2, 8, 4 }, t.Observation);
        Assert.Equal(-22.0, t.Reward);
    }

    [Fact]
    public void Backorders_carry_negative_stock_are_penalised_each_period_and_served_first()
    {
        var env = Make(("retailers", 1), ("warehouse_lead_time", 1), ("retailer_lead_time", 1), ("unmet_demand", "backorder"));
        env.ScriptedDemand = [14, 1, 0];
        var (obs, _) = env.Reset(seed: 0);
        Assert.Equal(new float[] { 10, 0, 10, 0 }, obs);

        var t = env.Step([0, 0]);        // 10 - 14 = -4: cost 0.5·10 + 9·4 = 41
        Assert.Equal(new float[] { 10, 0, -4, 0 }, t.Observation);
        Assert.Equal(-41.0, t.Reward);
        t = env.Step([0, 6]);            // ship 6 (warehouse 4); -4 - 1 = -5: cost 0.5·4 + 9·5 = 47
        Assert.Equal(new float[] { 4, 0, -5, 6 }, t.Observation);
        Assert.Equal(-47.0, t.Reward);
        t = env.Step([0, 0]);            // 6 arrives, clears the backlog: -5 + 6 = 1: cost 1 + 0.5·4 = 3
        Assert.Equal(new float[] { 4, 0, 1, 0 }, t.Observation);
        Assert.Equal(-3.0, t.Reward);
        Assert.True(env.ObservationSpace.Contains(t.Observation));
    }

    [Theory]
    [InlineData(7, new[] { 3, 3, 4 }, new[] { 2, 2, 3 })]     // floors 2,2,2; remainders 1,1,8
    [InlineData(5, new[] { 2, 2, 2, 2 }, new[] { 2, 1, 1, 1 })] // ties go to the lower index
    [InlineData(9, new[] { 3, 0, 4 }, new[] { 3, 0, 4 })]     // enough stock: everything ships
    [InlineData(0, new[] { 3, 1 }, new[] { 0, 0 })]
    public void Proportional_rationing_uses_largest_remainders(int stock, int[] orders, int[] expected)
    {
        var shipments = new int[orders.Length];
        InventoryNetwork.Allocate(stock, orders, shipments, new long[orders.Length]);
        Assert.Equal(expected, shipments);
    }

    [Fact]
    public void Rationing_ships_exactly_the_stock_and_never_more_than_ordered()
    {
        var rng = new Rng(5);
        for (int trial = 0; trial < 2000; trial++)
        {
            int k = rng.NextInt(1, 6), stock = rng.NextInt(0, 40);
            var orders = Enumerable.Range(0, k).Select(_ => rng.NextInt(0, 15)).ToArray();
            var ship = new int[k];
            InventoryNetwork.Allocate(stock, orders, ship, new long[k]);
            Assert.Equal(Math.Min(stock, orders.Sum()), ship.Sum());
            for (int i = 0; i < k; i++)
            {
                Assert.InRange(ship[i], 0, orders[i]);
                if (orders.Sum() > stock) Assert.True(Math.Abs(ship[i] - (double)stock * orders[i] / orders.Sum()) < 1, "share off by a unit or more");
            }
        }
    }

    [Fact]
    public void Reward_equals_minus_holding_plus_shortage_and_warehouse_stock_is_conserved()
    {
        var env = new InventoryNetwork();
        env.Reset(seed: 9);
        var rng = new Rng(1);
        var action = new float[4];
        for (int t = 0; t < 300; t++)
        {
            int before = env.WarehouseOnHand + env.WarehousePipeline[0];
            action[0] = rng.NextInt(0, 30);
            for (int i = 1; i < 4; i++) action[i] = rng.NextInt(0, 10);
            var r = env.Step(action);
            Assert.Equal(before - env.LastShipments.ToArray().Sum(), env.WarehouseOnHand);
            Assert.Equal(-(env.LastHoldingCost + env.LastShortageCost), r.Reward, 12);
            for (int k = 0; k < 3; k++) Assert.True(env.RetailerInventory(k) >= 0);
        }
    }

    [Fact]
    public void Same_seed_same_trajectory_another_seed_differs()
    {
        static List<double> Run(long seed)
        {
            var env = new InventoryNetwork();
            env.Reset(seed: seed);
            return Enumerable.Range(0, 100).Select(_ => env.Step([15, 5, 5, 5]).Reward).ToList();
        }
        Assert.Equal(Run(8), Run(8));
        Assert.NotEqual(Run(8), Run(9));
    }

    [Fact]
    public void State_round_trip_resumes_exactly()
    {
        var a = Make(("retailer_lead_time", new[] { 1, 2, 3 }));
        a.Reset(seed: 21);
        for (int t = 0; t < 33; t++) a.Step([t % 20, t % 5, 4, 6]);
        using var buffer = new MemoryStream();
        a.SaveState(new BinaryWriter(buffer));
        var expected = Enumerable.Range(0, 50).Select(t => a.Step([15, t % 7, 5, 5])).ToList();

        var b = Make(("retailer_lead_time", "1,2,3"));
        buffer.Position = 0;
        b.LoadState(new BinaryReader(buffer));
        var actual = Enumerable.Range(0, 50).Select(t => b.Step([15, t % 7, 5, 5])).ToList();
        Assert.Equal(expected.Select(x => x.Reward), actual.Select(x => x.Reward));
        Assert.Equal(expected.Select(x => string.Join(",", x.Observation)), actual.Select(x => string.Join(",", x.Observation)));

        var c = new InventoryNetwork();
        buffer.Position = 0;
        Assert.Throws<InvalidDataException>(() => c.LoadState(new BinaryReader(buffer)));
    }

    [Fact]
    public void Layout_spaces_and_defaults()
    {
        var env = (IEnv)Environments.Envs.Make("InventoryNetwork-v0");
        Assert.Equal("MultiDiscrete([61 21 21 21])", env.ActionSpace.ToString());
        Assert.Equal(1 + 2 + 3 * (1 + 1), env.ObservationSpace.FlatSize);
        var (obs, _) = env.Reset(seed: 0);
        Assert.Equal(new float[] { 45, 0, 0, 10, 0, 10, 0, 10, 0 }, obs); // 15·(2+1), 5·(1+1)
        var r = env.Step([5, 5, 5, 5]);
        Assert.False(r.Terminated);
    }

    [Theory]
    [InlineData("retailers", 0, "retailers")]
    [InlineData("warehouse_lead_time", 0, "warehouse_lead_time")]
    [InlineData("retailer_lead_time", 0, "retailer_lead_time")]
    [InlineData("warehouse_holding_cost", -0.5, "warehouse_holding_cost")]
    [InlineData("shortage_cost", -1, "shortage_cost")]
    [InlineData("unmet_demand", "lost", "lost_sales, backorder")]
    [InlineData("retailer_lead_time", "1,2", "exactly 3")]
    [InlineData("warehouse", 1, "valid kwargs are")]
    public void Bad_kwargs_are_rejected_with_the_fix(string key, object value, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => Make((key, value)));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Actions_outside_the_space_are_rejected()
    {
        var env = new InventoryNetwork();
        env.Reset(seed: 0);
        Assert.Throws<ArgumentException>(() => env.Step([61, 0, 0, 0]));
        Assert.Throws<ArgumentException>(() => env.Step([0, 21, 0, 0]));
        Assert.Throws<ArgumentException>(() => env.Step([0, 1, 0]));
    }
}
