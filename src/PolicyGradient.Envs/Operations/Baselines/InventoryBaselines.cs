namespace PolicyGradient.Environments.Operations.Baselines;

/// <summary>
/// The heuristic baselines of the operations envs, tuned by simulation: every candidate is evaluated
/// on the same N episodes (seeds seed..seed+N-1; the envs draw one uniform per demand whatever the
/// policy does, so candidates see identical demand paths — common random numbers), and the search
/// keeps the candidate with the highest mean return (lowest total cost).
/// </summary>
public static class InventoryBaselines
{
    /// <summary>The env ids that have baselines.</summary>
    public static IReadOnlyList<string> EnvIds { get; } = ["InventoryLostSales-v0", "InventoryNetwork-v0"];

    /// <summary>Every baseline of <paramref name="envId"/>: base-stock and capped base-stock for the lost-sales env, echelon base-stock for the network.</summary>
    /// <exception cref="ArgumentException">The env has no baseline (the message lists those that do).</exception>
    public static IReadOnlyList<BaselineResult> All(string envId, IReadOnlyDictionary<string, object>? kwargs, int episodes, long seed)
    {
        _ = Envs.Spec(envId); // unknown ids fail with the registry's closest-id message
        Func<IEnv> make = () => Envs.Make(envId, kwargs);
        return envId switch
        {
            "InventoryLostSales-v0" => BaseStockAndCapped(make, episodes, seed),
            "InventoryNetwork-v0" => [BestEchelonBaseStock(make, episodes, seed)],
            _ => throw new ArgumentException($"environment '{envId}' has no heuristic baseline; baselines exist for {string.Join(", ", EnvIds)}"),
        };
    }

    static BaselineResult[] BaseStockAndCapped(Func<IEnv> make, int episodes, long seed)
    {
        var bs = BestBaseStock(make, episodes, seed);
        return [bs, BestCappedBaseStock(make, episodes, seed, bs.Parameters["S"])];
    }

    /// <summary>Best order-up-to level S for InventoryLostSales-v0 with <paramref name="kwargs"/>.</summary>
    public static BaselineResult BestBaseStock(IReadOnlyDictionary<string, object>? kwargs, int episodes, long seed) =>
        BestBaseStock(() => Envs.Make("InventoryLostSales-v0", kwargs), episodes, seed);

    /// <summary>Best order-up-to level S on envs built by <paramref name="make"/> (whose unwrapped env is an <see cref="InventoryLostSales"/>).</summary>
    public static BaselineResult BestBaseStock(Func<IEnv> make, int episodes, long seed)
    {
        using var env = make();
        var core = LostSales(env);
        var cost = new Dictionary<int, ReturnStatistics>();
        ReturnStatistics Eval(int s) => cost.TryGetValue(s, out var r) ? r
            : cost[s] = PolicyEvaluation.Evaluate(env, new BaseStockPolicy(s, int.MaxValue, core.MaxOrder).Act, episodes, seed);
        int start = (int)Math.Round((core.LeadTime + 1) * core.DemandMean);
        int best = Minimize(s => -Eval(s).Mean, start, 0, (core.LeadTime + 1) * core.MaxOrder);
        return Result("base-stock", new() { ["S"] = best }, Eval(best));
    }

    /// <summary>Best capped base-stock (S, r) for InventoryLostSales-v0 with <paramref name="kwargs"/>.</summary>
    public static BaselineResult BestCappedBaseStock(IReadOnlyDictionary<string, object>? kwargs, int episodes, long seed) =>
        BestCappedBaseStock(() => Envs.Make("InventoryLostSales-v0", kwargs), episodes, seed, null);

    /// <summary>
    /// Best capped base-stock (S, r): for each cap r from max_order down to 1, the best S by a local
    /// search started at the previous cap's best S. The first candidate, r = max_order, is the plain
    /// base-stock policy, so on the same random numbers the result is never worse than base-stock.
    /// </summary>
    public static BaselineResult BestCappedBaseStock(Func<IEnv> make, int episodes, long seed, int? baseStockLevel = null)
    {
        using var env = make();
        var core = LostSales(env);
        var cache = new Dictionary<(int, int), ReturnStatistics>();
        ReturnStatistics Eval(int s, int r) => cache.TryGetValue((s, r), out var x) ? x
            : cache[(s, r)] = PolicyEvaluation.Evaluate(env, new BaseStockPolicy(s, r, core.MaxOrder).Act, episodes, seed);
        int hi = (core.LeadTime + 1) * core.MaxOrder;
        int s0 = baseStockLevel ?? (int)Math.Round((core.LeadTime + 1) * core.DemandMean);
        (int S, int R) best = (-1, -1);
        double bestCost = double.PositiveInfinity;
        for (int r = core.MaxOrder; r >= 1; r--)
        {
            int cap = r;
            s0 = Minimize(s => -Eval(s, cap).Mean, s0, 0, hi);
            double c = -Eval(s0, cap).Mean;
            if (c < bestCost) { bestCost = c; best = (s0, cap); }
        }
        return Result("capped-base-stock", new() { ["S"] = best.S, ["r"] = best.R }, Eval(best.S, best.R));
    }

    /// <summary>Best echelon base-stock levels for InventoryNetwork-v0 with <paramref name="kwargs"/>.</summary>
    public static BaselineResult BestEchelonBaseStock(IReadOnlyDictionary<string, object>? kwargs, int episodes, long seed) =>
        BestEchelonBaseStock(() => Envs.Make("InventoryNetwork-v0", kwargs), episodes, seed);

    /// <summary>
    /// Best echelon base-stock levels (S_w, S_1..S_K) by coordinate search: each level in turn is
    /// improved by a one-dimensional local search with the others fixed, until a full round changes
    /// nothing. Starts from S_k = round(mean_k·(L_k+1)) and S_w = Σ S_k + round(Σ mean·L_w).
    /// </summary>
    public static BaselineResult BestEchelonBaseStock(Func<IEnv> make, int episodes, long seed)
    {
        using var env = make();
        if (env.Unwrapped is not InventoryNetwork net)
            throw new ArgumentException($"echelon base-stock needs an InventoryNetwork env, got {env.Unwrapped.GetType().Name}");
        int k = net.Retailers;
        var levels = new int[1 + k];
        for (int r = 0; r < k; r++) levels[1 + r] = (int)Math.Round(net.DemandMeans[r] * (net.RetailerLeadTimes[r] + 1));
        levels[0] = levels.Skip(1).Sum() + (int)Math.Round(net.DemandMeans.Sum() * net.WarehouseLeadTime);
        var cache = new Dictionary<string, ReturnStatistics>();
        ReturnStatistics Eval(int[] l)
        {
            string key = string.Join(',', l);
            if (cache.TryGetValue(key, out var x)) return x;
            var policy = new EchelonBaseStockPolicy(net, l[0], l[1..]);
            return cache[key] = PolicyEvaluation.Evaluate(env, policy.Act, episodes, seed);
        }
        for (int round = 0; round < 20; round++)
        {
            bool changed = false;
            for (int c = 0; c < levels.Length; c++)
            {
                int coordinate = c, before = levels[c];
                int hi = c == 0 ? (net.WarehouseLeadTime + 1) * net.WarehouseMaxOrder + net.RetailerLeadTimes.Sum() * net.RetailerMaxOrder + k * net.RetailerMaxOrder
                                : (net.RetailerLeadTimes[c - 1] + 1) * net.RetailerMaxOrder;
                levels[c] = Minimize(v => { var l = (int[])levels.Clone(); l[coordinate] = v; return -Eval(l).Mean; }, before, 0, hi);
                changed |= levels[c] != before;
            }
            if (!changed) break;
        }
        var parameters = new Dictionary<string, int> { ["S_warehouse"] = levels[0] };
        for (int r = 0; r < k; r++) parameters[$"S_retailer_{r + 1}"] = levels[1 + r];
        return Result("echelon-base-stock", parameters, Eval(levels));
    }

    /// <summary>
    /// Integer local search for a minimum of <paramref name="f"/> on [lo, hi]: walk from
    /// <paramref name="start"/> in the improving direction and stop after two steps without
    /// improvement (the costs here are close to convex in a base-stock level, and the patience of two
    /// steps rides over flat spots). Returns the best point evaluated.
    /// </summary>
    internal static int Minimize(Func<int, double> f, int start, int lo, int hi)
    {
        int best = Math.Clamp(start, lo, hi);
        double bestValue = f(best);
        foreach (int direction in (ReadOnlySpan<int>)[1, -1])
        {
            int misses = 0;
            for (int x = best + direction; x >= lo && x <= hi && misses < 2; x += direction)
            {
                double v = f(x);
                if (v < bestValue) { bestValue = v; best = x; misses = 0; }
                else misses++;
            }
        }
        return best;
    }

    static InventoryLostSales LostSales(IEnv env) => env.Unwrapped as InventoryLostSales
        ?? throw new ArgumentException($"base-stock baselines need an InventoryLostSales env, got {env.Unwrapped.GetType().Name}");

    static BaselineResult Result(string name, Dictionary<string, int> parameters, ReturnStatistics stats) =>
        new(name, parameters, stats.Mean, stats.Std, stats.Episodes, stats.MeanEpisodeLength);
}
