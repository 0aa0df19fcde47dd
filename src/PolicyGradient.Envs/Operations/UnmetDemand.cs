namespace PolicyGradient.Environments.Operations;

/// <summary>What happens to retailer demand that cannot be met from stock.</summary>
public enum UnmetDemand
{
    /// <summary>The customer leaves: the unit is lost and penalised once.</summary>
    LostSales,
    /// <summary>The customer waits: the unit is backordered, penalised every period it waits, and served first from the next arrivals.</summary>
    Backorder,
}
