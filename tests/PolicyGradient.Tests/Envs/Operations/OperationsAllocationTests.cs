using PolicyGradient.Environments;
using PolicyGradient.Environments.Operations;

namespace PolicyGradient.Tests.EnvTests.Operations;

public class OperationsAllocationTests
{
    public static TheoryData<string> Ids => new() { "InventoryLostSales-v0", "InventoryNetwork-v0" };

    [Theory]
    [MemberData(nameof(Ids))]
    public void Step_and_reset_allocate_nothing(string id)
    {
        using var env = Environments.Envs.Make(id, new Dictionary<string, object> { ["horizon"] = 50 });
        var obs = new float[env.ObservationSpace.FlatSize];
        var action = new float[env.ActionSpace.FlatSize];
        Array.Fill(action, 4f);
        env.Reset(obs, 0);
        void Run(int steps)
        {
            for (int i = 0; i < steps; i++)
                if (env.Step(action, obs).Done) env.Reset(obs);
        }
        Run(500); // warm up (JIT, first-use paths)
        // A per-step allocation shows in every window; a one-off allocation by the runtime (tiered
        // JIT recompiling the loop under load) shows in at most one, so take the smallest of three.
        long smallest = long.MaxValue;
        for (int window = 0; window < 3; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            Run(10_000);
            smallest = Math.Min(smallest, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.Equal(0, smallest);
    }
}
