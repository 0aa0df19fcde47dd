using PolicyGradient.Environments.Spaces;
using PolicyGradient.Environments.Wrappers;

namespace PolicyGradient.Environments;

/// <summary>Helpers around <see cref="IActionMaskProvider"/>: mask sizes, finding a provider through wrappers, validity checks.</summary>
public static class ActionMasks
{
    /// <summary>Entries of an action mask for <paramref name="actionSpace"/>: n for Discrete(n), Σ nvec for MultiDiscrete.</summary>
    /// <exception cref="ArgumentException">The space is neither Discrete nor MultiDiscrete (masks apply to discrete choices only).</exception>
    public static int Size(Space actionSpace) => actionSpace switch
    {
        Discrete d => d.N,
        MultiDiscrete m => m.Nvec.Sum(),
        _ => throw new ArgumentException($"action masks need a Discrete or MultiDiscrete action space, the env has {actionSpace}; remove the mask provider or use a discrete action space", nameof(actionSpace)),
    };

    /// <summary>The mask provider of <paramref name="env"/>: the env itself or the first wrapper (outermost first) that provides masks; null when none does.</summary>
    public static IActionMaskProvider? Find(IEnv env)
    {
        IEnv? e = env;
        while (e is not null)
        {
            if (e is IActionMaskProvider p) return p;
            e = (e as Wrapper)?.Env;
        }
        return null;
    }

    /// <summary>
    /// Null when <paramref name="mask"/> is a usable mask for <paramref name="actionSpace"/> (the right
    /// length, at least one allowed choice per dimension); otherwise what is wrong.
    /// </summary>
    public static string? Problem(Space actionSpace, ReadOnlySpan<bool> mask)
    {
        int size = Size(actionSpace);
        if (mask.Length != size) return $"the mask has {mask.Length} entries, the action space {actionSpace} needs {size}";
        int[] blocks = actionSpace is MultiDiscrete m ? m.Nvec : [size];
        for (int d = 0, offset = 0; d < blocks.Length; offset += blocks[d], d++)
            if (!mask.Slice(offset, blocks[d]).Contains(true))
                return blocks.Length == 1 ? "the mask allows no action" : $"the mask allows no choice in dimension {d}";
        return null;
    }

    /// <summary>True when every component of <paramref name="action"/> (flat form) is allowed by <paramref name="mask"/>.</summary>
    public static bool Allows(Space actionSpace, ReadOnlySpan<bool> mask, ReadOnlySpan<float> action)
    {
        switch (actionSpace)
        {
            case Discrete d:
                return mask[(int)action[0] - d.Start];
            case MultiDiscrete m:
                for (int i = 0, offset = 0; i < m.Nvec.Length; offset += m.Nvec[i], i++)
                    if (!mask[offset + (int)action[i]]) return false;
                return true;
            default:
                return true;
        }
    }
}
