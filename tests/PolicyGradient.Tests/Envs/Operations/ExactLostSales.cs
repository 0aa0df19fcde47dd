namespace PolicyGradient.Tests.EnvTests.Operations;

/// <summary>
/// An independent, simulation-free model of InventoryLostSales-v0 for tests: it propagates the exact
/// distribution of (on hand, pipeline) period by period under a deterministic policy and returns
/// the expected cost of every period (Poisson pmf truncated where it is below 1e-300).
/// </summary>
internal static class ExactLostSales
{
    internal static double[] ExpectedCosts(int leadTime, double mean, double h, double p, int initialOnHand, int periods, Func<int, int[], int> policy)
    {
        var pmf = new List<double> { Math.Exp(-mean) };
        while (pmf.Count < mean + 20 || pmf[^1] > 1e-300) pmf.Add(pmf[^1] * mean / pmf.Count);
        var dist = new Dictionary<string, (int OnHand, int[] Pipe, double Prob)> { ["start"] = (initialOnHand, new int[leadTime], 1.0) };
        var costs = new double[periods];
        for (int t = 0; t < periods; t++)
        {
            var next = new Dictionary<string, (int, int[], double)>();
            foreach (var (onHand, pipe, prob) in dist.Values)
            {
                int order = policy(onHand, pipe);
                int available = onHand + pipe[0];
                var newPipe = pipe[1..].Append(order).ToArray();
                string tail = string.Join(',', newPipe);
                for (int d = 0; d < pmf.Count; d++)
                {
                    double q = prob * pmf[d];
                    int left = Math.Max(0, available - d);
                    costs[t] += q * (h * left + p * Math.Max(0, d - available));
                    if (d > available) continue; // every d >= available leaves 0 on hand: merged below
                    string key = left + "|" + tail;
                    next[key] = next.TryGetValue(key, out var e) ? (left, newPipe, e.Item3 + (d == available ? prob * Tail(pmf, d) : q)) : (left, newPipe, d == available ? prob * Tail(pmf, d) : q);
                }
            }
            dist = next;
        }
        return costs;
    }

    static double Tail(List<double> pmf, int from)
    {
        double s = 0;
        for (int d = from; d < pmf.Count; d++) s += pmf[d];
        return s;
    }

    internal static Func<int, int[], int> BaseStock(int level, int cap, int maxOrder) =>
        (onHand, pipe) => Math.Min(Math.Min(Math.Max(0, level - onHand - pipe.Sum()), cap), maxOrder);
}
