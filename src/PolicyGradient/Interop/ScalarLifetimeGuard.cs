using System.Runtime;

namespace PolicyGradient.Interop;

/// <summary>
/// Runs a block of TorchSharp work with the garbage collector held off, so no <c>Scalar</c> created
/// inside it can be finalized while libtorch still reads it.
/// <para>
/// Why: TorchSharp 0.107 turns C# numbers into native <c>Scalar</c> objects implicitly
/// (<c>t.mul_(0.5)</c>, and inside its own optimizers, e.g. AdamW's <c>param.mul_(1 − lr·wd)</c>), passes
/// only the native handle to libtorch, and frees the handle in the finalizer. Nothing keeps the managed
/// object alive during the native call, so a garbage collection at that moment lets the finalizer
/// thread free the Scalar under libtorch's feet: the call fails with "Unknown scalar type" (seen here
/// after ~130 SFT steps of a transformer; TorchSharp PRs #1434/#1496 address the same lifetime issue).
/// Inside a no-GC region no collection runs, so nothing allocated inside can be finalized before the
/// region ends, when every native call of the block has returned. Objects that died earlier may still
/// be finalized meanwhile; their native calls are long over.
/// </para>
/// </summary>
public static class ScalarLifetimeGuard
{
    /// <summary>Managed allocation budget of one guarded block (a training step allocates far less).</summary>
    public const long BudgetBytes = 128L * 1024 * 1024;

    /// <summary>Runs <paramref name="work"/> without garbage collections when the runtime grants the region; otherwise runs it as is.</summary>
    public static T Run<T>(Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        bool region = GCSettings.LatencyMode != GCLatencyMode.NoGCRegion && TryStart();
        try { return work(); }
        finally
        {
            // The region ends by itself when the block allocated more than the budget (a GC ran); then
            // EndNoGCRegion throws, and there is nothing left to end.
            if (region && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
                try { GC.EndNoGCRegion(); } catch (InvalidOperationException) { }
        }
    }

    static bool TryStart()
    {
        try { return GC.TryStartNoGCRegion(BudgetBytes); }
        catch (ArgumentOutOfRangeException) { return false; }     // budget larger than this GC allows
        catch (InvalidOperationException) { return false; }       // already in a region
    }
}
