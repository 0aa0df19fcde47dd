using PolicyGradient.Build;

namespace PolicyGradient.Tests.Build;

/// <summary>The build step that makes TorchSharp's native library load on pre-GCC-13 libstdc++ hosts.</summary>
public class ElfVersionNeedPatcherTests
{
    static string PackagedLibrary() => PackagedLibTorchSharp.Find();

    [Fact]
    public void ElfHash_matches_known_values()
    {
        // Values as stored by the GNU toolchain in .gnu.version_r (readelf shows them).
        Assert.Equal(0x08922974u, ElfVersionNeedPatcher.ElfHash("GLIBCXX_3.4"));
        Assert.Equal(0x09691a75u, ElfVersionNeedPatcher.ElfHash("GLIBC_2.2.5"));
        Assert.Equal(0u, ElfVersionNeedPatcher.ElfHash(""));
    }

    [Fact]
    public void Stored_hashes_of_the_packaged_library_match_ElfHash()
    {
        var needs = ElfVersionNeedPatcher.ReadVersionNeeds(File.ReadAllBytes(PackagedLibrary()));
        Assert.NotEmpty(needs);
        foreach (var n in needs) Assert.Equal(ElfVersionNeedPatcher.ElfHash(n.Version), n.Hash);
    }

    [Fact]
    public void Packaged_library_needs_GLIBCXX_3_4_32_and_patch_removes_only_that_need()
    {
        byte[] original = File.ReadAllBytes(PackagedLibrary());
        var before = ElfVersionNeedPatcher.ReadVersionNeeds(original);
        Assert.Contains(before, n => n.Library == "libstdc++.so.6" && n.Version == "GLIBCXX_3.4.32");
        Assert.Contains(before, n => n.Library == "libstdc++.so.6" && n.Version == "GLIBCXX_3.4.21");

        byte[] patched = (byte[])original.Clone();
        Assert.Equal(ElfPatchOutcome.Patched, ElfVersionNeedPatcher.Patch(patched, "libstdc++.so.6", "GLIBCXX_3.4.32", "GLIBCXX_3.4.21"));

        var after = ElfVersionNeedPatcher.ReadVersionNeeds(patched);
        Assert.DoesNotContain(after, n => n.Version == "GLIBCXX_3.4.32");
        Assert.Equal(before.Count, after.Count);
        // Same size; only the 8 bytes (vna_hash, vna_name) of one record differ.
        Assert.Equal(original.Length, patched.Length);
        int changed = 0;
        for (int i = 0; i < original.Length; i++) if (original[i] != patched[i]) changed++;
        Assert.InRange(changed, 1, 8);
        foreach (var n in after) Assert.Equal(ElfVersionNeedPatcher.ElfHash(n.Version), n.Hash);
    }

    [Fact]
    public void Patching_is_idempotent_on_disk_and_keeps_the_timestamp()
    {
        string dir = Directory.CreateTempSubdirectory("pg-elf-").FullName;
        try
        {
            string copy = Path.Combine(dir, "libLibTorchSharp.so");
            File.Copy(PackagedLibrary(), copy);
            var stamp = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc);
            File.SetLastWriteTimeUtc(copy, stamp);

            Assert.Equal(ElfPatchOutcome.Patched, ElfVersionNeedPatcher.PatchFile(copy, "libstdc++.so.6", "GLIBCXX_3.4.32", "GLIBCXX_3.4.21"));
            byte[] once = File.ReadAllBytes(copy);
            Assert.Equal(stamp, File.GetLastWriteTimeUtc(copy));

            Assert.Equal(ElfPatchOutcome.NotNeeded, ElfVersionNeedPatcher.PatchFile(copy, "libstdc++.so.6", "GLIBCXX_3.4.32", "GLIBCXX_3.4.21"));
            Assert.Equal(once, File.ReadAllBytes(copy));
            Assert.Single(Directory.GetFiles(dir)); // no temporary left behind
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Patch_refuses_when_the_replacement_name_is_not_already_needed()
    {
        byte[] bytes = File.ReadAllBytes(PackagedLibrary());
        var ex = Assert.Throws<InvalidDataException>(() =>
            ElfVersionNeedPatcher.Patch(bytes, "libstdc++.so.6", "GLIBCXX_3.4.32", "GLIBCXX_9.9.9"));
        Assert.Contains("GLIBCXX_9.9.9", ex.Message);
    }

    [Fact]
    public void Non_elf_and_truncated_input_are_rejected_clearly()
    {
        Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.ReadVersionNeeds(new byte[100]));
        byte[] head = File.ReadAllBytes(PackagedLibrary()).AsSpan(0, 4096).ToArray();
        var ex = Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.ReadVersionNeeds(head));
        Assert.Contains("truncated", ex.Message);
    }

    [Fact]
    public void Build_output_copy_is_patched_exactly_when_the_host_lacks_the_version()
    {
        string? host = ElfVersionNeedPatcher.FindHostLibStdCxx();
        if (host == null) return; // not a glibc Linux host: nothing to patch
        bool hostHas = ElfVersionNeedPatcher.Defines(host, "GLIBCXX_3.4.32");
        string output = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(output), $"expected the native library in the test output at {output}");
        var needs = ElfVersionNeedPatcher.ReadVersionNeeds(File.ReadAllBytes(output));
        Assert.Equal(hostHas, needs.Any(n => n.Version == "GLIBCXX_3.4.32"));
    }
}
