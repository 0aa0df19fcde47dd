using PolicyGradient.Environments.Spaces;

namespace PolicyGradient.Environments.Operations;

/// <summary>
/// InventoryLostSales-v0: the single-item periodic-review inventory system with lost sales and a
/// lead time of L periods, the benchmark of Zipkin (2008, "Old and new methods for lost-sales
/// inventory systems") and Gijsbrechts et al. (2022, "Can deep reinforcement learning improve
/// inventory management?"). Defaults: Poisson demand of mean 5, holding cost h = 1, lost-sales
/// penalty p = 4, L = 2.
/// </summary>
/// <remarks>
/// <para>Period t, in this order (docs/environments-operations.md):</para>
/// <list type="number">
/// <item>The agent sees x_t = (on-hand I_t, pipeline q_{t-L}, ..., q_{t-1}) and orders q_t ∈ {0..max_order}.</item>
/// <item>The order placed L periods ago, q_{t-L}, arrives: available stock A_t = I_t + q_{t-L}.</item>
/// <item>Demand D_t ~ Poisson(mean) is realised; sales min(D_t, A_t); lost sales (D_t - A_t)^+ vanish.</item>
/// <item>End inventory I_{t+1} = (A_t - D_t)^+; the pipeline shifts and q_t joins it (arrives in period t + L).</item>
/// <item>Reward = -(h·I_{t+1} + p·(D_t - A_t)^+).</item>
/// </list>
/// <para>Observation (raw units, unscaled): [I, q_{t-L}, ..., q_{t-1}] — the first pipeline entry
/// arrives next. The episode is truncated (never terminated) after <c>horizon</c> periods.</para>
/// </remarks>
public sealed class InventoryLostSales : Env
{
    /// <summary>The kwargs this env accepts.</summary>
    public static readonly IReadOnlyList<string> KwargNames =
        ["lead_time", "demand_mean", "holding_cost", "lost_sales_cost", "max_order", "horizon", "initial_inventory"];

    readonly Discrete _actions;
    readonly Box _observations;
    readonly PoissonDemand _demand;
    readonly int[] _pipeline;
    int _onHand, _period;
    int[]? _scriptedDemand;
    int _scriptCursor;

    /// <summary>Builds the env from kwargs (see <see cref="KwargNames"/> and the docs for defaults).</summary>
    /// <exception cref="ArgumentException">An unknown kwarg or an invalid value.</exception>
    public InventoryLostSales(IReadOnlyDictionary<string, object>? kwargs = null)
    {
        var k = new OperationsKwargs("InventoryLostSales-v0", kwargs, [.. KwargNames]);
        LeadTime = k.Int("lead_time", 2, 1, "an order arrives L >= 1 periods after it is placed; with L = 0 the problem is a newsvendor");
        DemandMean = k.Real("demand_mean", 5.0, 0, strict: true, "the Poisson demand mean per period");
        if (DemandMean > 10_000) throw new ArgumentException($"InventoryLostSales-v0: kwarg 'demand_mean' = {DemandMean} is too large; give a mean <= 10000 (rescale units)");
        HoldingCost = k.Real("holding_cost", 1.0, 0, strict: false, "cost per unit left on hand at the end of a period");
        LostSalesCost = k.Real("lost_sales_cost", 4.0, 0, strict: false, "penalty per unit of demand lost; the literature uses 4, 9, 19, 39");
        MaxOrder = k.Int("max_order", DefaultMaxOrder(DemandMean), 1, "the largest order quantity; actions are 0..max_order");
        Horizon = k.Int("horizon", 1000, 1, "periods per episode before truncation");
        InitialInventory = k.Int("initial_inventory", DefaultInitialInventory(DemandMean, LeadTime), 0, "units on hand at reset");
        _actions = new Discrete(MaxOrder + 1);
        var high = new float[1 + LeadTime];
        Array.Fill(high, MaxOrder);
        high[0] = float.PositiveInfinity; // on-hand stock has no hard cap: a policy may over-order
        _observations = new Box(new float[1 + LeadTime], high);
        _demand = new PoissonDemand(DemandMean);
        _pipeline = new int[LeadTime];
    }

    /// <summary>Default largest order: 4 × mean demand (rounded up), far above any sensible order (P(D &gt; 20) ≈ 8e-8 for mean 5).</summary>
    public static int DefaultMaxOrder(double demandMean) => Math.Max(1, (int)Math.Ceiling(4 * demandMean));

    /// <summary>Default stock at reset: mean demand over L + 1 periods (rounded), enough to cover until the first order arrives.</summary>
    public static int DefaultInitialInventory(double demandMean, int leadTime) => (int)Math.Round(demandMean * (leadTime + 1));

    /// <summary>Lead time L in periods (kwarg lead_time, default 2).</summary>
    public int LeadTime { get; }
    /// <summary>Poisson demand mean per period (kwarg demand_mean, default 5).</summary>
    public double DemandMean { get; }
    /// <summary>Holding cost h per unit on hand at the end of a period (kwarg holding_cost, default 1).</summary>
    public double HoldingCost { get; }
    /// <summary>Penalty p per unit of lost demand (kwarg lost_sales_cost, default 4).</summary>
    public double LostSalesCost { get; }
    /// <summary>Largest order quantity (kwarg max_order, default ⌈4·mean⌉ = 20).</summary>
    public int MaxOrder { get; }
    /// <summary>Periods per episode (kwarg horizon, default 1000).</summary>
    public int Horizon { get; }
    /// <summary>On-hand stock at reset, pipeline empty (kwarg initial_inventory, default round(mean·(L+1)) = 15).</summary>
    public int InitialInventory { get; }

    /// <summary>Units on hand now.</summary>
    public int OnHand => _onHand;
    /// <summary>Outstanding orders, oldest (arriving next period) first.</summary>
    public ReadOnlySpan<int> Pipeline => _pipeline;
    /// <summary>Periods elapsed in this episode.</summary>
    public int Period => _period;
    /// <summary>Demand of the last period.</summary>
    public int LastDemand { get; private set; }
    /// <summary>Units of demand lost in the last period.</summary>
    public int LastLostSales { get; private set; }
    /// <summary>Holding cost of the last period.</summary>
    public double LastHoldingCost { get; private set; }
    /// <summary>Lost-sales penalty of the last period.</summary>
    public double LastLostSalesCost { get; private set; }

    /// <inheritdoc />
    public override Space ObservationSpace => _observations;
    /// <inheritdoc />
    public override Space ActionSpace => _actions;

    /// <summary>Test hook: demands to use instead of Poisson draws, consumed in order from the next reset (null: draw).</summary>
    internal int[]? ScriptedDemand { get => _scriptedDemand; set { _scriptedDemand = value; _scriptCursor = 0; } }

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, object>? ResetCore(Span<float> observation)
    {
        _onHand = InitialInventory;
        Array.Clear(_pipeline);
        _period = 0;
        _scriptCursor = 0;
        LastDemand = LastLostSales = 0;
        LastHoldingCost = LastLostSalesCost = 0;
        Write(observation);
        return null;
    }

    /// <inheritdoc />
    protected override StepResult StepCore(ReadOnlySpan<float> action, Span<float> observation)
    {
        int order = DiscreteAction(action, _actions);
        int arriving = _pipeline[0];
        _pipeline.AsSpan(1).CopyTo(_pipeline);
        _pipeline[^1] = order;

        int available = _onHand + arriving;
        int demand = _scriptedDemand is { } script ? script[_scriptCursor++ % script.Length] : _demand.Draw(Random);
        int lost = Math.Max(0, demand - available);
        _onHand = available - (demand - lost);

        LastDemand = demand;
        LastLostSales = lost;
        LastHoldingCost = HoldingCost * _onHand;
        LastLostSalesCost = LostSalesCost * lost;
        _period++;
        Write(observation);
        return new StepResult(-(LastHoldingCost + LastLostSalesCost), false, _period >= Horizon);
    }

    void Write(Span<float> o)
    {
        o[0] = _onHand;
        for (int i = 0; i < _pipeline.Length; i++) o[1 + i] = _pipeline[i];
    }

    /// <inheritdoc />
    protected override void SaveCore(BinaryWriter w)
    {
        w.Write(_onHand); w.Write(_period); w.Write(_scriptCursor);
        w.Write(_pipeline.Length);
        foreach (int q in _pipeline) w.Write(q);
        w.Write(LastDemand); w.Write(LastLostSales); w.Write(LastHoldingCost); w.Write(LastLostSalesCost);
    }

    /// <inheritdoc />
    protected override void LoadCore(BinaryReader r)
    {
        _onHand = r.ReadInt32(); _period = r.ReadInt32(); _scriptCursor = r.ReadInt32();
        int n = r.ReadInt32();
        if (n != _pipeline.Length) throw new InvalidDataException($"InventoryLostSales-v0: saved state has lead time {n}, this env has {_pipeline.Length}; build the env with the same kwargs");
        for (int i = 0; i < n; i++) _pipeline[i] = r.ReadInt32();
        LastDemand = r.ReadInt32(); LastLostSales = r.ReadInt32(); LastHoldingCost = r.ReadDouble(); LastLostSalesCost = r.ReadDouble();
    }
}
