using PolicyGradient.Environments;
using PolicyGradient.Environments.Operations;
using PolicyGradient.Environments.Operations.Baselines;

namespace PolicyGradient.Tests.EnvTests.Operations;

public class InventoryBaselinesTests
{
    // A tiny lost-sales instance whose base-stock costs can be computed exactly:
    // L = 1, Poisson(1) demand, h = 1, p = 4, max order 4, 1 unit on hand, 8 periods.
    static readonly Dictionary<string, object> Tiny = new()
    {
        ["lead_time"] = 1, ["demand_mean"] = 1.0, ["max_order"] = 4, ["initial_inventory"] = 1, ["horizon"] = 8,
    };

    /// <summary>
    /// Exact expected episode return of base-stock S on the tiny instance, by propagating the
    /// distribution of (on hand, order in transit) through the horizon — no simulation.
    /// </summary>
    static double ExactBaseStockReturn(int level)
    {
        const double mean = 1, h = 1, p = 4;
        const int maxOrder = 4, horizon = 8, maxDemand = 60;
        var pmf = new double[maxDemand + 1];
        pmf[0] = Math.Exp(-mean);
        for (int d = 1; d <= maxDemand; d++) pmf[d] = pmf[d - 1] * mean / d;
        var dist = new Dictionary<(int OnHand, int InTransit), double> { [(1, 0)] = 1.0 };
        double expected = 0;
        for (int t = 0; t < horizon; t++)
        {
            var next = new Dictionary<(int, int), double>();
            foreach (var ((onHand, inTransit), prob) in dist)
            {
                int order = Math.Min(Math.Max(0, level - onHand - inTransit), maxOrder);
                int available = onHand + inTransit;
                for (int d = 0; d <= maxDemand; d++)
                {
                    int lost = Math.Max(0, d - available), left = Math.Max(0, available - d);
                    double q = prob * pmf[d];
                    expected -= q * (h * left + p * lost);
                    next[(left, order)] = next.GetValueOrDefault((left, order)) + q;
                }
            }
            dist = next;
        }
        return expected;
    }

    [Fact]
    public void Base_stock_search_finds_the_exact_optimum_of_a_tiny_instance()
    {
        var exact = Enumerable.Range(0, 9).Select(ExactBaseStockReturn).ToArray();
        int optimum = Array.IndexOf(exact, exact.Max());
        Assert.InRange(optimum, 1, 7); // interior: the search has to find it, not hit a bound

        var found = InventoryBaselines.BestBaseStock(Tiny, episodes: 4000, seed: 0);
        Assert.Equal(optimum, found.Parameters["S"]);
        // The simulated mean agrees with the exact value within 4 standard errors.
        Assert.InRange(found.MeanReturn, exact[optimum] - 4 * found.StdReturn / Math.Sqrt(4000), exact[optimum] + 4 * found.StdReturn / Math.Sqrt(4000));
        Assert.Equal(8.0, found.MeanEpisodeLength);
    }

    [Theory]
    [InlineData(16, int.MaxValue)]
    [InlineData(17, 5)]
    public void Simulated_returns_of_the_default_instance_match_the_exact_distribution_model(int level, int cap)
    {
        // InventoryLostSales-v0 defaults (L = 2, Poisson 5, h = 1, p = 4, 15 on hand) over 200 periods.
        double exact = -ExactLostSales.ExpectedCosts(2, 5, 1, 4, 15, 200, ExactLostSales.BaseStock(level, cap, 20)).Sum();
        var kwargs = new Dictionary<string, object> { ["horizon"] = 200 };
        var sim = PolicyEvaluation.Evaluate("InventoryLostSales-v0", kwargs, new BaseStockPolicy(level, cap, 20).Act, 400, 0);
        double se = sim.Std / Math.Sqrt(400);
        Assert.InRange(sim.Mean, exact - 4 * se, exact + 4 * se);
    }

    [Fact]
    public void Capped_base_stock_is_never_worse_than_base_stock_on_the_same_random_numbers()
    {
        var kwargs = new Dictionary<string, object> { ["lead_time"] = 3, ["lost_sales_cost"] = 9, ["horizon"] = 200 };
        var bs = InventoryBaselines.BestBaseStock(kwargs, episodes: 20, seed: 5);
        var capped = InventoryBaselines.BestCappedBaseStock(kwargs, episodes: 20, seed: 5);
        Assert.True(capped.MeanReturn >= bs.MeanReturn, $"capped {capped.MeanReturn} < base-stock {bs.MeanReturn}");
        Assert.InRange(capped.Parameters["r"], 1, 20);
    }

    [Fact]
    public void Best_base_stock_beats_its_neighbours_on_the_same_seeds()
    {
        var kwargs = new Dictionary<string, object> { ["horizon"] = 200 };
        var best = InventoryBaselines.BestBaseStock(kwargs, episodes: 30, seed: 1);
        int s = best.Parameters["S"];
        foreach (int other in new[] { s - 1, s + 1, s - 3, s + 3 })
        {
            var r = PolicyEvaluation.Evaluate("InventoryLostSales-v0", kwargs, new BaseStockPolicy(other, int.MaxValue, 20).Act, 30, 1);
            Assert.True(best.MeanReturn >= r.Mean, $"S = {other} ({r.Mean}) beats the search's S = {s} ({best.MeanReturn})");
        }
    }

    [Fact]
    public void Echelon_search_ends_at_a_coordinate_local_optimum()
    {
        var kwargs = new Dictionary<string, object> { ["retailers"] = 2, ["horizon"] = 100 };
        var best = InventoryBaselines.BestEchelonBaseStock(kwargs, episodes: 10, seed: 3);
        using var env = Environments.Envs.Make("InventoryNetwork-v0", kwargs);
        var net = (InventoryNetwork)env.Unwrapped;
        int[] levels = [best.Parameters["S_warehouse"], best.Parameters["S_retailer_1"], best.Parameters["S_retailer_2"]];
        double Eval(int[] l) => PolicyEvaluation.Evaluate(env, new EchelonBaseStockPolicy(net, l[0], l[1..]).Act, 10, 3).Mean;
        Assert.Equal(best.MeanReturn, Eval(levels), 9);
        for (int c = 0; c < 3; c++)
            foreach (int step in new[] { -1, 1 })
            {
                var l = (int[])levels.Clone();
                l[c] += step;
                Assert.True(Eval(l) <= best.MeanReturn, $"moving level {c} by {step} improves on the search");
            }
        // Far better than never ordering.
        var none = PolicyEvaluation.Evaluate(env, _ => new float[3], 10, 3);
        Assert.True(best.MeanReturn > none.Mean * 0.5);
    }

    [Fact]
    public void Evaluation_of_a_fixed_policy_on_scripted_demand_is_exact()
    {
        // L = 1, 2 on hand, demand 1 every period, order 1 each period: period 1 ends with 1 on hand,
        // afterwards 1 arrives and 1 is sold each period -> 1 on hand: return = -h·1·4 = -4.
        var env = new InventoryLostSales(new Dictionary<string, object> { ["lead_time"] = 1, ["initial_inventory"] = 2, ["horizon"] = 4 }) { ScriptedDemand = [1] };
        var stats = PolicyEvaluation.Evaluate(env, _ => [1f], episodes: 3, seed: 0);
        Assert.Equal(new ReturnStatistics(-4, 0, 3, 4), stats);
    }

    [Fact]
    public void Base_stock_orders_up_to_S_and_respects_the_cap()
    {
        var policy = new BaseStockPolicy(15, 6, 20);
        Assert.Equal(0, policy.Order(15));
        Assert.Equal(0, policy.Order(19));
        Assert.Equal(4, policy.Order(11));
        Assert.Equal(6, policy.Order(2));          // capped at r
        Assert.Equal(new float[] { 5 }, new BaseStockPolicy(15, int.MaxValue, 20).Act([4, 3, 3])); // IP = 10
        Assert.Equal(20, new BaseStockPolicy(100, int.MaxValue, 20).Order(0)); // max order
    }

    [Fact]
    public void Local_search_finds_the_minimum_of_a_convex_function_from_either_side()
    {
        Assert.Equal(7, InventoryBaselines.Minimize(x => (x - 7) * (x - 7), 0, 0, 100));
        Assert.Equal(7, InventoryBaselines.Minimize(x => (x - 7) * (x - 7), 40, 0, 100));
        Assert.Equal(0, InventoryBaselines.Minimize(x => x, 5, 0, 100));
    }

    [Fact]
    public void All_rejects_envs_without_a_baseline_and_unknown_ids()
    {
        var e = Assert.Throws<ArgumentException>(() => InventoryBaselines.All("CartPole-v1", null, 1, 0));
        Assert.Contains("no heuristic baseline", e.Message);
        Assert.Throws<UnknownEnvironmentException>(() => InventoryBaselines.All("InventoryLostSale-v0", null, 1, 0));
    }
}
