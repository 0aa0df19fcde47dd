namespace PolicyGradient.Language.Training;

/// <summary>
/// A young-generation collection after each training step, so the step's dead TorchSharp objects that free
/// native memory only in their finalizers (the implicit <c>Scalar</c>s of TorchSharp's own optimizers and
/// operators) are finalized now rather than whenever a collection happens to run. A step allocates little
/// managed memory and runs in a no-GC region (<see cref="Interop.ScalarLifetimeGuard"/>), so collections are
/// rare; meanwhile those small native blocks stay scattered through glibc's heap between the freed tensor
/// buffers, which then cannot be coalesced, and the heap grows with every step. Measured on the SFT step of
/// the 0.8M-parameter model (400 steps, one thread): resident size 377 → 410 MB and peak 427 MB without,
/// flat at about 300 MB and peak 310 MB with it, at no measurable cost (a gen-0 collection of a small heap).
/// </summary>
internal static class StepGarbage
{
    /// <summary>Collects generation 0 (outside the step's no-GC region: every native call of the step has returned).</summary>
    public static void Collect() => GC.Collect(0);
}
