using PolicyGradient.Environments.Spaces;

namespace PolicyGradient.Environments.Operations;

/// <summary>
/// InventoryNetwork-v0: a two-echelon distribution network — one warehouse replenished by an
/// external supplier of unlimited capacity after L_w periods, feeding K retailers (default 3) that
/// each receive its shipments after their own lead time L_k and face Poisson demand. Unmet retailer
/// demand is lost (default) or backordered. When the warehouse cannot fill every retailer order it
/// rations its stock in proportion to the orders (largest-remainder rounding), a deterministic rule
/// that keeps common-random-number comparisons exact.
/// </summary>
/// <remarks>
/// <para>Period t, in this order (docs/environments-operations.md):</para>
/// <list type="number">
/// <item>The agent orders (q_w, q_1, ..., q_K): q_w from the supplier, q_k from the warehouse for retailer k.</item>
/// <item>The supplier order placed L_w periods ago arrives at the warehouse; q_w joins the warehouse pipeline.</item>
/// <item>The warehouse ships min(q_k, ration_k) to each retailer (unfilled parts are cancelled, not backordered); shipments join the retailer pipelines.</item>
/// <item>The shipment sent to retailer k L_k periods ago arrives (first clearing any backlog).</item>
/// <item>Demand D_k ~ Poisson(mean_k) is realised at each retailer; unmet demand is lost or backordered.</item>
/// <item>Reward = -(h_w·I_w + Σ_k h_r·(I_k)^+ + p·Σ_k shortage_k), where shortage_k is the units lost this
/// period (lost sales) or the backlog at the end of the period (backorders).</item>
/// </list>
/// <para>Observation (raw units): [I_w, warehouse pipeline (L_w, oldest first), then per retailer k:
/// I_k (negative = backlog), its pipeline (L_k, oldest first)].</para>
/// </remarks>
public sealed class InventoryNetwork : Env
{
    /// <summary>The kwargs this env accepts.</summary>
    public static readonly IReadOnlyList<string> KwargNames =
    [
        "retailers", "warehouse_lead_time", "retailer_lead_time", "demand_mean", "warehouse_holding_cost",
        "retailer_holding_cost", "shortage_cost", "unmet_demand", "warehouse_max_order", "retailer_max_order", "horizon",
    ];

    readonly MultiDiscrete _actions;
    readonly Box _observations;
    readonly PoissonDemand[] _demand;
    readonly int[] _retailerLeadTimes;
    readonly int[] _warehousePipeline;
    readonly int[][] _retailerPipelines;
    readonly int[] _retailerInventory;
    readonly int[] _orders, _shipments;
    readonly long[] _remainders;
    int _warehouseOnHand, _period;
    int[]? _scriptedDemand;
    int _scriptCursor;

    /// <summary>Builds the env from kwargs (see <see cref="KwargNames"/> and the docs for defaults).</summary>
    /// <exception cref="ArgumentException">An unknown kwarg or an invalid value.</exception>
    public InventoryNetwork(IReadOnlyDictionary<string, object>? kwargs = null)
    {
        var k = new OperationsKwargs("InventoryNetwork-v0", kwargs, [.. KwargNames]);
        Retailers = k.Int("retailers", 3, 1, "the number of retailers the warehouse supplies");
        if (Retailers > 64) throw new ArgumentException($"InventoryNetwork-v0: kwarg 'retailers' = {Retailers} is too large; give at most 64");
        WarehouseLeadTime = k.Int("warehouse_lead_time", 2, 1, "supplier orders arrive L_w >= 1 periods after they are placed");
        _retailerLeadTimes = k.Ints("retailer_lead_time", Retailers, 1, 1, "shipments arrive L_k >= 1 periods after they leave the warehouse");
        DemandMeans = k.Reals("demand_mean", Retailers, 5.0, 0, strict: true, "Poisson demand mean per period at each retailer");
        foreach (double m in DemandMeans)
            if (m > 10_000) throw new ArgumentException($"InventoryNetwork-v0: kwarg 'demand_mean' contains {m}; give means <= 10000 (rescale units)");
        WarehouseHoldingCost = k.Real("warehouse_holding_cost", 0.5, 0, strict: false, "cost per unit held at the warehouse at the end of a period");
        RetailerHoldingCost = k.Real("retailer_holding_cost", 1.0, 0, strict: false, "cost per unit held at a retailer at the end of a period");
        ShortageCost = k.Real("shortage_cost", 9.0, 0, strict: false, "penalty per unit lost, or per unit backordered per period");
        UnmetDemand = k.Choice("unmet_demand", "lost_sales", "lost_sales", "backorder") == "backorder" ? UnmetDemand.Backorder : UnmetDemand.LostSales;
        RetailerMaxOrder = k.Int("retailer_max_order", Math.Max(1, (int)Math.Ceiling(4 * DemandMeans.Max())), 1, "largest retailer order; retailer actions are 0..retailer_max_order");
        WarehouseMaxOrder = k.Int("warehouse_max_order", Math.Max(1, (int)Math.Ceiling(4 * DemandMeans.Sum())), 1, "largest supplier order; warehouse actions are 0..warehouse_max_order");
        Horizon = k.Int("horizon", 1000, 1, "periods per episode before truncation");

        var nvec = new int[1 + Retailers];
        nvec[0] = WarehouseMaxOrder + 1;
        for (int i = 1; i < nvec.Length; i++) nvec[i] = RetailerMaxOrder + 1;
        _actions = new MultiDiscrete(nvec);

        int size = 1 + WarehouseLeadTime + _retailerLeadTimes.Sum() + Retailers;
        var low = new float[size];
        var high = new float[size];
        int at = 0;
        high[at++] = float.PositiveInfinity;
        for (int i = 0; i < WarehouseLeadTime; i++) high[at++] = WarehouseMaxOrder;
        for (int r = 0; r < Retailers; r++)
        {
            if (UnmetDemand == UnmetDemand.Backorder) low[at] = float.NegativeInfinity;
            high[at++] = float.PositiveInfinity;
            for (int i = 0; i < _retailerLeadTimes[r]; i++) high[at++] = RetailerMaxOrder;
        }
        _observations = new Box(low, high);

        _demand = [.. DemandMeans.Select(m => new PoissonDemand(m))];
        _warehousePipeline = new int[WarehouseLeadTime];
        _retailerPipelines = [.. _retailerLeadTimes.Select(l => new int[l])];
        _retailerInventory = new int[Retailers];
        _orders = new int[Retailers];
        _shipments = new int[Retailers];
        _remainders = new long[Retailers];
    }

    /// <summary>Number of retailers K (kwarg retailers, default 3).</summary>
    public int Retailers { get; }
    /// <summary>Supplier-to-warehouse lead time L_w (kwarg warehouse_lead_time, default 2).</summary>
    public int WarehouseLeadTime { get; }
    /// <summary>Warehouse-to-retailer lead times L_k (kwarg retailer_lead_time: one value or one per retailer, default 1).</summary>
    public IReadOnlyList<int> RetailerLeadTimes => _retailerLeadTimes;
    /// <summary>Poisson demand means per retailer (kwarg demand_mean: one value or one per retailer, default 5).</summary>
    public IReadOnlyList<double> DemandMeans { get; }
    /// <summary>Holding cost per unit at the warehouse (kwarg warehouse_holding_cost, default 0.5).</summary>
    public double WarehouseHoldingCost { get; }
    /// <summary>Holding cost per unit at a retailer (kwarg retailer_holding_cost, default 1).</summary>
    public double RetailerHoldingCost { get; }
    /// <summary>Penalty per unit lost or per unit-period backordered (kwarg shortage_cost, default 9).</summary>
    public double ShortageCost { get; }
    /// <summary>What happens to unmet retailer demand (kwarg unmet_demand: lost_sales (default) or backorder).</summary>
    public UnmetDemand UnmetDemand { get; }
    /// <summary>Largest supplier order (kwarg warehouse_max_order, default ⌈4·Σ mean⌉ = 60).</summary>
    public int WarehouseMaxOrder { get; }
    /// <summary>Largest retailer order (kwarg retailer_max_order, default ⌈4·max mean⌉ = 20).</summary>
    public int RetailerMaxOrder { get; }
    /// <summary>Periods per episode (kwarg horizon, default 1000).</summary>
    public int Horizon { get; }

    /// <summary>Units on hand at the warehouse.</summary>
    public int WarehouseOnHand => _warehouseOnHand;
    /// <summary>Net inventory of retailer <paramref name="k"/> (negative: backlog).</summary>
    public int RetailerInventory(int k) => _retailerInventory[k];
    /// <summary>Supplier orders in transit to the warehouse, oldest first.</summary>
    public ReadOnlySpan<int> WarehousePipeline => _warehousePipeline;
    /// <summary>Shipments in transit to retailer <paramref name="k"/>, oldest first.</summary>
    public ReadOnlySpan<int> RetailerPipeline(int k) => _retailerPipelines[k];
    /// <summary>What the warehouse shipped to each retailer in the last period.</summary>
    public ReadOnlySpan<int> LastShipments => _shipments;
    /// <summary>Periods elapsed in this episode.</summary>
    public int Period => _period;
    /// <summary>Holding cost of the last period (both echelons).</summary>
    public double LastHoldingCost { get; private set; }
    /// <summary>Shortage penalty of the last period.</summary>
    public double LastShortageCost { get; private set; }

    /// <summary>Stock at reset: warehouse round(Σ mean·(L_w+1)), retailer k round(mean_k·(L_k+1)); pipelines empty.</summary>
    public int InitialWarehouseInventory => (int)Math.Round(DemandMeans.Sum() * (WarehouseLeadTime + 1));

    /// <summary>Stock of retailer <paramref name="k"/> at reset.</summary>
    public int InitialRetailerInventory(int k) => (int)Math.Round(DemandMeans[k] * (_retailerLeadTimes[k] + 1));

    /// <inheritdoc />
    public override Space ObservationSpace => _observations;
    /// <inheritdoc />
    public override Space ActionSpace => _actions;

    /// <summary>Test hook: demands (period-major: K values per period) used instead of Poisson draws, from the next reset.</summary>
    internal int[]? ScriptedDemand { get => _scriptedDemand; set { _scriptedDemand = value; _scriptCursor = 0; } }

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, object>? ResetCore(Span<float> observation)
    {
        _warehouseOnHand = InitialWarehouseInventory;
        Array.Clear(_warehousePipeline);
        for (int r = 0; r < Retailers; r++)
        {
            _retailerInventory[r] = InitialRetailerInventory(r);
            Array.Clear(_retailerPipelines[r]);
        }
        Array.Clear(_shipments);
        _period = 0;
        _scriptCursor = 0;
        LastHoldingCost = LastShortageCost = 0;
        Write(observation);
        return null;
    }

    /// <inheritdoc />
    protected override StepResult StepCore(ReadOnlySpan<float> action, Span<float> observation)
    {
        if (!_actions.Contains(action))
            throw new ArgumentException($"{Name}: action [{string.Join(", ", action.ToArray())}] is not in the action space {_actions}; give integers with 0 <= q_w <= {WarehouseMaxOrder} and 0 <= q_k <= {RetailerMaxOrder}", nameof(action));
        int warehouseOrder = (int)action[0];
        for (int r = 0; r < Retailers; r++) _orders[r] = (int)action[1 + r];

        // Supplier delivery, then the new supplier order enters the pipeline.
        _warehouseOnHand += Shift(_warehousePipeline, warehouseOrder);

        // Warehouse ships what it can; shortages are rationed proportionally.
        Allocate(_warehouseOnHand, _orders, _shipments, _remainders);
        double holding = 0, shortage = 0;
        for (int r = 0; r < Retailers; r++)
        {
            _warehouseOnHand -= _shipments[r];
            int inventory = _retailerInventory[r] + Shift(_retailerPipelines[r], _shipments[r]);
            int demand = _scriptedDemand is { } script ? script[_scriptCursor++ % script.Length] : _demand[r].Draw(Random);
            if (UnmetDemand == UnmetDemand.LostSales)
            {
                int lost = Math.Max(0, demand - inventory);
                inventory -= demand - lost;
                shortage += lost;
            }
            else
            {
                inventory -= demand;
                shortage += Math.Max(0, -inventory);
            }
            _retailerInventory[r] = inventory;
            holding += RetailerHoldingCost * Math.Max(0, inventory);
        }
        holding += WarehouseHoldingCost * _warehouseOnHand;
        LastHoldingCost = holding;
        LastShortageCost = ShortageCost * shortage;
        _period++;
        Write(observation);
        return new StepResult(-(LastHoldingCost + LastShortageCost), false, _period >= Horizon);
    }

    /// <summary>Removes and returns the oldest pipeline entry and appends <paramref name="incoming"/>.</summary>
    static int Shift(int[] pipeline, int incoming)
    {
        int arriving = pipeline[0];
        pipeline.AsSpan(1).CopyTo(pipeline);
        pipeline[^1] = incoming;
        return arriving;
    }

    /// <summary>
    /// Proportional rationing: with stock S below the total order Q, retailer k gets ⌊S·q_k/Q⌋ and
    /// the leftover units go one each to the largest remainders (S·q_k mod Q), ties to the lower index.
    /// </summary>
    internal static void Allocate(int stock, ReadOnlySpan<int> orders, Span<int> shipments, Span<long> remainders)
    {
        long total = 0;
        foreach (int q in orders) total += q;
        if (total <= stock)
        {
            orders.CopyTo(shipments);
            return;
        }
        int given = 0;
        for (int r = 0; r < orders.Length; r++)
        {
            long share = (long)stock * orders[r];
            shipments[r] = (int)(share / total);
            remainders[r] = share % total;
            given += shipments[r];
        }
        for (int left = stock - given; left > 0; left--)
        {
            int best = -1;
            for (int r = 0; r < orders.Length; r++)
                if (remainders[r] > 0 && (best < 0 || remainders[r] > remainders[best])) best = r;
            shipments[best]++;
            remainders[best] = 0;
        }
    }

    void Write(Span<float> o)
    {
        int at = 0;
        o[at++] = _warehouseOnHand;
        foreach (int q in _warehousePipeline) o[at++] = q;
        for (int r = 0; r < Retailers; r++)
        {
            o[at++] = _retailerInventory[r];
            foreach (int q in _retailerPipelines[r]) o[at++] = q;
        }
    }

    /// <inheritdoc />
    protected override void SaveCore(BinaryWriter w)
    {
        w.Write(Retailers); w.Write(WarehouseLeadTime);
        foreach (int l in _retailerLeadTimes) w.Write(l);
        w.Write(_warehouseOnHand); w.Write(_period); w.Write(_scriptCursor);
        foreach (int q in _warehousePipeline) w.Write(q);
        for (int r = 0; r < Retailers; r++)
        {
            w.Write(_retailerInventory[r]); w.Write(_shipments[r]);
            foreach (int q in _retailerPipelines[r]) w.Write(q);
        }
        w.Write(LastHoldingCost); w.Write(LastShortageCost);
    }

    /// <inheritdoc />
    protected override void LoadCore(BinaryReader r)
    {
        int k = r.ReadInt32(), lw = r.ReadInt32();
        var leads = new int[k];
        for (int i = 0; i < k; i++) leads[i] = r.ReadInt32();
        if (k != Retailers || lw != WarehouseLeadTime || !leads.AsSpan().SequenceEqual(_retailerLeadTimes))
            throw new InvalidDataException($"InventoryNetwork-v0: saved state has {k} retailers and lead times {lw}/[{string.Join(",", leads)}], this env has {Retailers} and {WarehouseLeadTime}/[{string.Join(",", _retailerLeadTimes)}]; build the env with the same kwargs");
        _warehouseOnHand = r.ReadInt32(); _period = r.ReadInt32(); _scriptCursor = r.ReadInt32();
        for (int i = 0; i < _warehousePipeline.Length; i++) _warehousePipeline[i] = r.ReadInt32();
        for (int j = 0; j < Retailers; j++)
        {
            _retailerInventory[j] = r.ReadInt32(); _shipments[j] = r.ReadInt32();
            for (int i = 0; i < _retailerPipelines[j].Length; i++) _retailerPipelines[j][i] = r.ReadInt32();
        }
        LastHoldingCost = r.ReadDouble(); LastShortageCost = r.ReadDouble();
    }
}
