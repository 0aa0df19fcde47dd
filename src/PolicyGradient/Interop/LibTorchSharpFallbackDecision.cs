namespace PolicyGradient.Interop;

/// <summary>What <see cref="LibTorchSharpFallback"/> decides from the host and the deployed library.</summary>
internal enum LibTorchSharpFallbackDecision
{
    /// <summary>No libstdc++ found where the loader looks (not glibc Linux): nothing to do.</summary>
    NoHostLibStdCxx,
    /// <summary>The host's libstdc++ defines GLIBCXX_3.4.32: the packaged library loads as is.</summary>
    HostHasVersion,
    /// <summary>No deployed libLibTorchSharp.so found: TorchSharp reports the missing package itself.</summary>
    LibraryNotFound,
    /// <summary>The deployed copy no longer needs the version (the build patched it).</summary>
    AlreadyPatched,
    /// <summary>Write a patched copy to the per-user cache and load it before TorchSharp does.</summary>
    PatchAndPreload,
}
