using PolicyGradient.Interop;

namespace PolicyGradient.Tests.Build;

/// <summary>The run-time layer of the libLibTorchSharp.so fix: its decision and the per-user patched copy.</summary>
public class LibTorchSharpFallbackTests
{
    static string PackagedLibrary() => PackagedLibTorchSharp.Find();

    [Theory]
    [InlineData(null, null, "NoHostLibStdCxx")]
    [InlineData(null, true, "NoHostLibStdCxx")]
    [InlineData(true, true, "HostHasVersion")]
    [InlineData(true, null, "HostHasVersion")]
    [InlineData(false, null, "LibraryNotFound")]
    [InlineData(false, false, "AlreadyPatched")]
    [InlineData(false, true, "PatchAndPreload")]
    public void Patches_only_when_the_host_lacks_the_version_and_the_deployed_copy_still_needs_it(
        bool? hostDefines, bool? libraryNeeds, string expected) =>
        Assert.Equal(Enum.Parse<LibTorchSharpFallbackDecision>(expected), LibTorchSharpFallback.Decide(hostDefines, libraryNeeds));

    [Fact]
    public void Inside_this_repository_the_build_patch_leaves_the_run_time_layer_nothing_to_do()
    {
        // The test output's copy was patched by build/PolicyGradient.targets where the host needs it,
        // so the module initializer neither preloaded a cached copy nor failed, on any host.
        Assert.Equal(LibTorchSharpFallbackResult.NotNeeded, LibTorchSharpFallback.EnsureLoadable());
    }

    [Fact]
    public void Patched_copy_goes_to_the_cache_once_and_the_original_is_untouched()
    {
        string original = PackagedLibrary();
        byte[] pristine = File.ReadAllBytes(original);
        Assert.True(LibTorchSharpFallback.NeedsMissingVersion(pristine));
        string cache = Directory.CreateTempSubdirectory("pg-native-cache-").FullName;
        try
        {
            string first = LibTorchSharpFallback.PreparePatchedCopy(original, cache);
            Assert.StartsWith(cache, first);
            Assert.Equal("libLibTorchSharp.so", Path.GetFileName(first));
            byte[] patched = File.ReadAllBytes(first);
            Assert.False(LibTorchSharpFallback.NeedsMissingVersion(patched));
            Assert.Equal(pristine.Length, patched.Length);
            Assert.InRange(pristine.Zip(patched).Count(p => p.First != p.Second), 1, 8);
            Assert.Equal(pristine, File.ReadAllBytes(original));

            // A second process finds the copy and reuses it as is: same path, not rewritten.
            var stamp = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc);
            File.SetLastWriteTimeUtc(first, stamp);
            string second = LibTorchSharpFallback.PreparePatchedCopy(original, cache);
            Assert.Equal(first, second);
            Assert.Equal(stamp, File.GetLastWriteTimeUtc(second));
            Assert.Single(Directory.GetFiles(Path.GetDirectoryName(first)!)); // no temporary left behind
        }
        finally { Directory.Delete(cache, true); }
    }

    [Fact]
    public void An_unpatched_file_in_the_cache_is_replaced()
    {
        string original = PackagedLibrary();
        string cache = Directory.CreateTempSubdirectory("pg-native-cache-").FullName;
        try
        {
            string path = LibTorchSharpFallback.PreparePatchedCopy(original, cache);
            File.Copy(original, path, overwrite: true); // e.g. a copy left by hand
            Assert.Equal(path, LibTorchSharpFallback.PreparePatchedCopy(original, cache));
            Assert.False(LibTorchSharpFallback.NeedsMissingVersion(File.ReadAllBytes(path)));
        }
        finally { Directory.Delete(cache, true); }
    }

    [Fact]
    public void Copies_of_different_libraries_get_different_cache_folders()
    {
        string original = PackagedLibrary();
        string cache = Directory.CreateTempSubdirectory("pg-native-cache-").FullName;
        try
        {
            string other = Path.Combine(cache, "other.so");
            // Same ELF structure, different content: one byte appended past the section headers.
            File.WriteAllBytes(other, [.. File.ReadAllBytes(original), 0]);
            string a = LibTorchSharpFallback.PreparePatchedCopy(original, cache);
            string b = LibTorchSharpFallback.PreparePatchedCopy(other, cache);
            Assert.NotEqual(Path.GetDirectoryName(a), Path.GetDirectoryName(b));
        }
        finally { Directory.Delete(cache, true); }
    }
}
