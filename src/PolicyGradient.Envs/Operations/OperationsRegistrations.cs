namespace PolicyGradient.Environments.Operations;

/// <summary>Registers the operations (inventory) environments.</summary>
internal static class OperationsRegistrations
{
    internal static void Register()
    {
        // No TimeLimit from the registry: each env truncates itself after its `horizon` kwarg
        // (default 1000 periods), so a user changing the horizon needs only that one kwarg.
        Envs.Register(new EnvSpec("InventoryLostSales-v0", kw => new InventoryLostSales(kw),
            Description: "Lost-sales inventory with lead time; Poisson demand, holding + lost-sales cost (Zipkin 2008)"));
        Envs.Register(new EnvSpec("InventoryNetwork-v0", kw => new InventoryNetwork(kw),
            Description: "One warehouse feeding K retailers with lead times; Poisson demand; rationing; lost sales or backorders"));
    }
}
