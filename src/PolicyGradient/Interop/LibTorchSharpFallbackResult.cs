namespace PolicyGradient.Interop;

/// <summary>Outcome of <see cref="LibTorchSharpFallback.EnsureLoadable"/>.</summary>
public enum LibTorchSharpFallbackResult
{
    /// <summary>Nothing was needed: not Linux, a modern libstdc++, or an already patched deployment.</summary>
    NotNeeded,
    /// <summary>A patched copy from the per-user cache was loaded before TorchSharp's own load.</summary>
    Preloaded,
    /// <summary>The patched copy could not be prepared or loaded (reported on standard error).</summary>
    Failed,
}
