using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using PolicyGradient.Build;

namespace PolicyGradient.Interop;

/// <summary>
/// Run-time second layer of the libLibTorchSharp.so portability fix (docs/packaging.md).
/// <para>
/// The build patches the copy of TorchSharp 0.107's <c>libLibTorchSharp.so</c> in an output folder
/// when the host's libstdc++ lacks <c>GLIBCXX_3.4.32</c> (build/PolicyGradient.targets). That step
/// runs only where the targets are imported: inside this repository and in projects that reference
/// the PolicyGradient package. A project that references <c>PolicyGradient.csproj</c> from outside,
/// or an installed <c>pg</c> tool, gets the unpatched file, and TorchSharp then fails with "doesn't
/// contain a reference to libtorch-cpu-linux-x64".
/// </para>
/// <para>
/// So, when this assembly is first used on such a host, this initializer writes a patched copy into
/// a per-user cache folder (never the NuGet package cache, never the application folder), loads
/// libtorch from where TorchSharp's natives were deployed, then loads the patched copy. TorchSharp's
/// own load of "LibTorchSharp" then finds it: the dynamic loader matches a bare library name against
/// the SONAME of a library already loaded. Nothing happens off Linux, on hosts whose libstdc++ has
/// the version, or when the deployed copy is already patched.
/// </para>
/// <para>
/// It runs when any type of this assembly is first touched; a program that calls TorchSharp before
/// touching anything of PolicyGradient calls <see cref="EnsureLoadable"/> first.
/// </para>
/// </summary>
public static class LibTorchSharpFallback
{
    /// <summary>Environment variable naming the folder for patched copies (default: $XDG_CACHE_HOME or ~/.cache, then policygradient/native).</summary>
    public const string CacheVariable = "POLICYGRADIENT_NATIVE_CACHE";

    const string LibraryFile = "libLibTorchSharp.so";
    static readonly object Gate = new();
    static LibTorchSharpFallbackResult? outcome;

    // A library's module initializer on purpose: it must run before TorchSharp loads its natives,
    // whatever the application touches first of this assembly.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize() => EnsureLoadable();

    /// <summary>
    /// Makes TorchSharp's native library loadable on this host (see the type's remarks). Idempotent
    /// and cheap after the first call; never throws: a failure is reported on standard error once and
    /// TorchSharp's own error follows at the first tensor operation.
    /// </summary>
    public static LibTorchSharpFallbackResult EnsureLoadable()
    {
        lock (Gate)
        {
            return outcome ??= Run();
        }
    }

    static LibTorchSharpFallbackResult Run()
    {
        try
        {
            if (!OperatingSystem.IsLinux()) return LibTorchSharpFallbackResult.NotNeeded;
            string? host = ElfVersionNeedPatcher.FindHostLibStdCxx();
            bool? hostHas = host == null ? null : ElfVersionNeedPatcher.Defines(host, ElfVersionNeedPatcher.MissingVersion);
            string? library = FindDeployed(LibraryFile);
            bool? needs = library == null ? null : NeedsMissingVersion(File.ReadAllBytes(library));
            LibTorchSharpFallbackDecision decision = Decide(hostHas, needs);
            if (decision != LibTorchSharpFallbackDecision.PatchAndPreload) return LibTorchSharpFallbackResult.NotNeeded;

            string patched = PreparePatchedCopy(library!, CacheRoot());
            string? torch = FindDeployed("libtorch.so", Path.GetDirectoryName(library));
            if (torch != null) NativeLibrary.Load(torch);
            NativeLibrary.Load(patched);
            return LibTorchSharpFallbackResult.Preloaded;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine(
                $"PolicyGradient: could not prepare a loadable {LibraryFile} for this host's libstdc++ ({e.Message}); " +
                $"set {CacheVariable} to a writable folder, or see docs/packaging.md.");
            return LibTorchSharpFallbackResult.Failed;
        }
    }

    /// <summary>
    /// What to do, from what was found: <paramref name="hostDefinesVersion"/> is null when no
    /// libstdc++ was found (not glibc Linux), <paramref name="libraryNeedsVersion"/> is null when no
    /// deployed libLibTorchSharp.so was found.
    /// </summary>
    internal static LibTorchSharpFallbackDecision Decide(bool? hostDefinesVersion, bool? libraryNeedsVersion) =>
        (hostDefinesVersion, libraryNeedsVersion) switch
        {
            (null, _) => LibTorchSharpFallbackDecision.NoHostLibStdCxx,
            (true, _) => LibTorchSharpFallbackDecision.HostHasVersion,
            (false, null) => LibTorchSharpFallbackDecision.LibraryNotFound,
            (false, false) => LibTorchSharpFallbackDecision.AlreadyPatched,
            (false, true) => LibTorchSharpFallbackDecision.PatchAndPreload,
        };

    /// <summary>True when the ELF image still needs GLIBCXX_3.4.32 from libstdc++.</summary>
    internal static bool NeedsMissingVersion(byte[] elf) =>
        ElfVersionNeedPatcher.ReadVersionNeeds(elf).Exists(
            n => n.Library == ElfVersionNeedPatcher.LibStdCxx && n.Version == ElfVersionNeedPatcher.MissingVersion);

    /// <summary>
    /// Writes (once) a patched copy of <paramref name="original"/> under
    /// <paramref name="cacheRoot"/>/&lt;first 16 hex digits of its SHA-256&gt;/ and returns its path.
    /// A copy already there is reused as is; a new one is written to a temporary name and renamed
    /// into place, so concurrent processes never see a partial file. The original is only read.
    /// </summary>
    internal static string PreparePatchedCopy(string original, string cacheRoot)
    {
        byte[] bytes = File.ReadAllBytes(original);
        string key = Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
        string dir = Path.Combine(cacheRoot, key);
        string target = Path.Combine(dir, LibraryFile);
        if (File.Exists(target) && !NeedsMissingVersion(File.ReadAllBytes(target))) return target;

        ElfVersionNeedPatcher.Patch(bytes, ElfVersionNeedPatcher.LibStdCxx,
            ElfVersionNeedPatcher.MissingVersion, ElfVersionNeedPatcher.ReplacementVersion);
        Directory.CreateDirectory(dir);
        string tmp = Path.Combine(dir, $"{LibraryFile}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(tmp, bytes);
        File.Move(tmp, target, overwrite: true);
        return target;
    }

    /// <summary>The cache folder: $POLICYGRADIENT_NATIVE_CACHE, else $XDG_CACHE_HOME/policygradient/native, else ~/.cache/policygradient/native.</summary>
    internal static string CacheRoot()
    {
        string? explicitRoot = Environment.GetEnvironmentVariable(CacheVariable);
        if (!string.IsNullOrEmpty(explicitRoot)) return explicitRoot;
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string baseDir = !string.IsNullOrEmpty(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(baseDir, "policygradient", "native");
    }

    /// <summary>
    /// Finds a native file where the runtime looks for TorchSharp's natives: <paramref name="preferredDir"/>
    /// first, then the host's native search folders (from the app's deps.json), then TorchSharp's folder.
    /// </summary>
    static string? FindDeployed(string file, string? preferredDir = null)
    {
        var dirs = new List<string>();
        if (preferredDir != null) dirs.Add(preferredDir);
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string search)
            dirs.AddRange(search.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        string? torchSharp = Path.GetDirectoryName(typeof(TorchSharp.torch).Assembly.Location);
        if (!string.IsNullOrEmpty(torchSharp))
        {
            dirs.Add(torchSharp);
            dirs.Add(Path.Combine(torchSharp, "runtimes", "linux-x64", "native"));
        }
        return dirs.Select(d => Path.Combine(d, file)).FirstOrDefault(File.Exists);
    }
}
