namespace PolicyGradient.Language.Training;

/// <summary>
/// A blocking, compacting collection after each training step. Two reasons:
/// <list type="number">
/// <item>The step's dead TorchSharp objects that free native memory only in their finalizers (the implicit
/// <c>Scalar</c>s of TorchSharp's own optimizers and operators) are finalized now rather than whenever a
/// collection happens to run; left scattered through glibc's heap between the freed tensor buffers, those small
/// native blocks keep it from coalescing and the heap grows with every step.</item>
/// <item>A step runs in a no-GC region (<see cref="Interop.ScalarLifetimeGuard"/>, a 128 MB allocation budget):
/// starting one makes the collector set aside that budget, and with only young-generation collections in
/// between, the regions it commits for it were not given back: the managed heap grew by about 2 MB a step
/// (a step allocates 0.3 MB in SFT, 24 MB in GRPO) and the committed memory to 330 MB after 40 SFT steps. A
/// compacting collection of the whole (small) heap leaves it at its live size and releases the rest.</item>
/// </list>
/// Measured on Addition-v0, one thread (docs/benchmarks.md, "Language runs: peak memory"): peak RSS of a
/// 100-step SFT run 427-436 MB with a generation-0 collection per step, 292-295 MB with this one, CPU time the
/// same (15.4-16.2 s against 15.6-16.5 s). It changes no tensor and no value of a run.
/// </summary>
internal static class StepGarbage
{
    /// <summary>Collects the whole heap and compacts it (outside the step's no-GC region: every native call of the step has returned).</summary>
    public static void Collect() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
}
