using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PolicyGradient.Language.Training;

/// <summary>
/// A trainer's gradient buffers, allocated when the trainer is built instead of by its first backward pass.
/// <para>
/// Why: libtorch allocates a parameter's gradient the first time backward reaches it, in the middle of the first
/// update's activations, and keeps it for the whole run (the optimizer zeroes it in place). Those ~50 long-lived
/// blocks then sit between the freed activation buffers and split glibc's heap into pieces too small for the next
/// update's activations, so the heap grows past what any step needs (docs/benchmarks.md, "Where a GRPO step's peak
/// goes": GRPO 20 steps from the 28 % start peaked at 473-528 MB with lazy gradients, 451-457 MB with these).
/// Allocated up front, they lie below the activations.
/// </para>
/// <para>
/// Same values: the first backward adds its gradient to zeros (0 + g = g; only a −0 becomes +0, which no later
/// operation can tell apart), in the parameters' own layout, as every later step already did after zero_grad.
/// A step that trains no row before any backward has run (every advantage 0) must see no gradient at all, as
/// before (AdamW skips a parameter without one, and its step count stays): <see cref="Release"/> restores that.
/// </para>
/// </summary>
internal static class GradientBuffers
{
    /// <summary>Gives every trainable parameter without a gradient a zero gradient of its own shape and layout.</summary>
    public static void Allocate(IEnumerable<Parameter> parameters)
    {
        using var _ = no_grad();
        foreach (var p in parameters)
        {
            if (!p.requires_grad) continue;
            using var existing = p.grad;
            if (existing is not null) continue;
            using var zeros = zeros_like(p);
            p.grad = zeros;   // the parameter holds its own reference; this handle goes
        }
    }

    /// <summary>Drops the parameters' gradients: the state before any backward pass (optimizers skip them).</summary>
    public static void Release(IEnumerable<Parameter> parameters)
    {
        foreach (var p in parameters) p.grad = null;
    }
}
