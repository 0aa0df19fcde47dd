using System.Runtime;
using PolicyGradient.Interop;

namespace PolicyGradient.Tests.Interop;

public class ScalarLifetimeGuardTests
{
    [Fact]
    public void No_collection_runs_inside_the_block_and_the_region_ends_after_it()
    {
        int before = 0, after = 0;
        var mode = ScalarLifetimeGuard.Run(() =>
        {
            before = GC.CollectionCount(0);
            var garbage = new List<byte[]>();
            for (int i = 0; i < 200; i++) garbage.Add(new byte[64 * 1024]);   // 12.5 MB, inside the budget
            after = GC.CollectionCount(0);
            return GCSettings.LatencyMode;
        });
        Assert.Equal(GCLatencyMode.NoGCRegion, mode);
        Assert.Equal(before, after);
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    [Fact]
    public void Nested_blocks_and_blocks_that_outgrow_the_budget_still_run_and_return()
    {
        int inner = ScalarLifetimeGuard.Run(() => ScalarLifetimeGuard.Run(() => 7));
        Assert.Equal(7, inner);
        long total = ScalarLifetimeGuard.Run(() =>
        {
            long sum = 0;
            for (int i = 0; i < 40; i++) sum += new byte[8 * 1024 * 1024].Length;   // 320 MB > budget: a GC ends the region
            return sum;
        });
        Assert.Equal(40L * 8 * 1024 * 1024, total);
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        var e = Assert.Throws<InvalidOperationException>(() => ScalarLifetimeGuard.Run<int>(() => throw new InvalidOperationException("boom")));
        Assert.Equal("boom", e.Message);
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }
}
