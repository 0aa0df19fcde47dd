namespace PolicyGradient.Environments.Operations.Baselines;

/// <summary>
/// The (capped) base-stock policy for the lost-sales system: with inventory position IP = on-hand +
/// everything in the pipeline, order q = min((S - IP)^+, r, max_order). With r = ∞ it is the
/// order-up-to-S policy; the cap r is Xin (2021, "Understanding the performance of capped base-stock
/// policies in lost-sales inventory models"), near-optimal for lost sales with long lead times.
/// </summary>
public sealed class BaseStockPolicy
{
    readonly float[] _action = new float[1];

    /// <summary>Creates the policy.</summary>
    /// <param name="level">Base-stock (order-up-to) level S &gt;= 0.</param>
    /// <param name="cap">Order cap r &gt;= 0 (int.MaxValue: uncapped).</param>
    /// <param name="maxOrder">The env's largest order quantity.</param>
    public BaseStockPolicy(int level, int cap, int maxOrder)
    {
        if (level < 0) throw new ArgumentException($"base-stock level S = {level} is invalid; give S >= 0", nameof(level));
        if (cap < 0) throw new ArgumentException($"order cap r = {cap} is invalid; give r >= 0", nameof(cap));
        (Level, Cap, MaxOrder) = (level, cap, maxOrder);
    }

    /// <summary>Base-stock level S.</summary>
    public int Level { get; }
    /// <summary>Order cap r.</summary>
    public int Cap { get; }
    /// <summary>Largest order the env accepts.</summary>
    public int MaxOrder { get; }

    /// <summary>q = min((S - IP)^+, r, max_order).</summary>
    public int Order(int inventoryPosition) => Math.Min(Math.Min(Math.Max(0, Level - inventoryPosition), Cap), MaxOrder);

    /// <summary>The action for an InventoryLostSales-v0 observation [on-hand, pipeline...] (IP is their sum); the returned array is reused.</summary>
    public float[] Act(float[] observation)
    {
        double ip = 0;
        foreach (float v in observation) ip += v;
        _action[0] = Order((int)Math.Min(ip, int.MaxValue));
        return _action;
    }
}
