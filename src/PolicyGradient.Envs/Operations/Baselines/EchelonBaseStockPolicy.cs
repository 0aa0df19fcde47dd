namespace PolicyGradient.Environments.Operations.Baselines;

/// <summary>
/// Echelon base-stock for <see cref="InventoryNetwork"/> (Clark and Scarf 1960; optimal for serial
/// systems with backorders, a standard heuristic for distribution networks): the warehouse orders
/// up to S_w on its echelon inventory position (its stock and pipeline plus every retailer's net
/// stock and pipeline), each retailer k up to S_k on its own inventory position.
/// </summary>
public sealed class EchelonBaseStockPolicy
{
    readonly int[] _retailerLevels, _retailerLeadTimes;
    readonly int _warehouseLeadTime, _warehouseMax, _retailerMax;
    readonly float[] _action;

    /// <summary>Creates the policy for <paramref name="env"/>'s layout.</summary>
    public EchelonBaseStockPolicy(InventoryNetwork env, int warehouseLevel, IReadOnlyList<int> retailerLevels)
    {
        ArgumentNullException.ThrowIfNull(env);
        if (retailerLevels.Count != env.Retailers) throw new ArgumentException($"give {env.Retailers} retailer levels, got {retailerLevels.Count}", nameof(retailerLevels));
        WarehouseLevel = warehouseLevel;
        _retailerLevels = [.. retailerLevels];
        _retailerLeadTimes = [.. env.RetailerLeadTimes];
        _warehouseLeadTime = env.WarehouseLeadTime;
        _warehouseMax = env.WarehouseMaxOrder;
        _retailerMax = env.RetailerMaxOrder;
        _action = new float[1 + env.Retailers];
    }

    /// <summary>Warehouse echelon level S_w.</summary>
    public int WarehouseLevel { get; }
    /// <summary>Retailer levels S_k.</summary>
    public IReadOnlyList<int> RetailerLevels => _retailerLevels;

    /// <summary>The action for an InventoryNetwork-v0 observation; the returned array is reused.</summary>
    public float[] Act(float[] observation)
    {
        int at = 0;
        double echelon = 0;
        for (int i = 0; i <= _warehouseLeadTime; i++) echelon += observation[at++];
        for (int k = 0; k < _retailerLevels.Length; k++)
        {
            double position = 0;
            for (int i = 0; i <= _retailerLeadTimes[k]; i++) position += observation[at++];
            echelon += position;
            _action[1 + k] = (float)Math.Clamp(_retailerLevels[k] - position, 0, _retailerMax);
        }
        _action[0] = (float)Math.Clamp(WarehouseLevel - echelon, 0, _warehouseMax);
        return _action;
    }
}
