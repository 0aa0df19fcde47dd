// Rewrites one version-need entry of an ELF64 shared library so that it loads on hosts whose
// libstdc++ predates GCC 13. See docs/torchsharp-portability.md and docs/packaging.md.
//
// TorchSharp 0.107's libLibTorchSharp.so lists `GLIBCXX_3.4.32` among the versions it needs from
// libstdc++.so.6, for a single symbol (std::ios_base_library_init) that no relocation references.
// The dynamic loader checks every version-need entry at load time, so on GCC 12's libstdc++ the
// library fails with "version `GLIBCXX_3.4.32' not found" although nothing would ever use it.
// Pointing that entry's name and hash at a version the file already needs (GLIBCXX_3.4.21 and
// older are provided by every libstdc++ since GCC 5) removes the impossible requirement and
// changes nothing else: same size, same offsets, only 8 bytes of one Vernaux record differ.
//
// This file is compiled twice: by MSBuild's RoslynCodeTaskFactory as the build task (see
// build/PolicyGradient.targets, which the repository imports and the PolicyGradient package ships
// as buildTransitive), and into the PolicyGradient library with PG_NO_MSBUILD defined, where the
// run-time fallback (Interop/LibTorchSharpFallback.cs) uses it and the tests reach it. Keep it to
// APIs available to netstandard2.0; the patcher types stay internal so the library's public API
// does not grow.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace PolicyGradient.Build
{
    /// <summary>Outcome of <see cref="ElfVersionNeedPatcher.Patch"/>.</summary>
    internal enum ElfPatchOutcome
    {
        /// <summary>The version need was found and rewritten.</summary>
        Patched,
        /// <summary>The file does not need the missing version (never did, or already patched).</summary>
        NotNeeded,
    }

    /// <summary>Reads and rewrites ELF64 little-endian version-need (.gnu.version_r) records.</summary>
    internal static class ElfVersionNeedPatcher
    {
        /// <summary>The library whose version need is rewritten.</summary>
        public const string LibStdCxx = "libstdc++.so.6";
        /// <summary>The version libLibTorchSharp.so needs but GCC 12's libstdc++ lacks.</summary>
        public const string MissingVersion = "GLIBCXX_3.4.32";
        /// <summary>The version the need is rewritten to (already needed by the same file).</summary>
        public const string ReplacementVersion = "GLIBCXX_3.4.21";

        const uint ShtGnuVerdef = 0x6ffffffd;
        const uint ShtGnuVerneed = 0x6ffffffe;

        /// <summary>The System V ELF hash used in vna_hash / vd_hash.</summary>
        public static uint ElfHash(string name)
        {
            uint h = 0;
            foreach (char c in name)
            {
                h = (h << 4) + (byte)c;
                uint g = h & 0xf0000000;
                if (g != 0) h ^= g >> 24;
                h &= ~g;
            }
            return h;
        }

        /// <summary>One version-need auxiliary entry: the library it is needed from and its version name.</summary>
        public struct VersionNeed
        {
            /// <summary>File name of the needed library, e.g. libstdc++.so.6.</summary>
            public string Library;
            /// <summary>Version name, e.g. GLIBCXX_3.4.21.</summary>
            public string Version;
            /// <summary>Stored hash of the name.</summary>
            public uint Hash;
            /// <summary>Offset of the Vernaux record in the file.</summary>
            public long AuxOffset;
            /// <summary>Offset of the name in the dynamic string table.</summary>
            public uint NameOffset;
        }

        /// <summary>Lists every version-need entry of an ELF64 little-endian file.</summary>
        public static List<VersionNeed> ReadVersionNeeds(byte[] elf)
        {
            var result = new List<VersionNeed>();
            Section? verneed = FindSection(elf, ShtGnuVerneed);
            if (verneed == null) return result;
            Section strtab = SectionAt(elf, (int)verneed.Value.Link);
            long entry = verneed.Value.Offset;
            for (uint i = 0; i < verneed.Value.Info; i++)
            {
                ushort count = U16(elf, entry + 2);
                uint file = U32(elf, entry + 4);
                uint aux = U32(elf, entry + 8);
                uint next = U32(elf, entry + 12);
                string library = CString(elf, strtab.Offset + file);
                long a = entry + aux;
                for (int j = 0; j < count; j++)
                {
                    uint nameOff = U32(elf, a + 8);
                    result.Add(new VersionNeed
                    {
                        Library = library,
                        Version = CString(elf, strtab.Offset + nameOff),
                        Hash = U32(elf, a),
                        AuxOffset = a,
                        NameOffset = nameOff,
                    });
                    uint auxNext = U32(elf, a + 12);
                    if (auxNext == 0) break;
                    a += auxNext;
                }
                if (next == 0) break;
                entry += next;
            }
            return result;
        }

        /// <summary>Lists the version names an ELF64 file defines (.gnu.version_d), e.g. a libstdc++'s GLIBCXX_* set.</summary>
        public static List<string> ReadVersionDefinitions(byte[] elf)
        {
            var result = new List<string>();
            Section? verdef = FindSection(elf, ShtGnuVerdef);
            if (verdef == null) return result;
            Section strtab = SectionAt(elf, (int)verdef.Value.Link);
            long entry = verdef.Value.Offset;
            for (uint i = 0; i < verdef.Value.Info; i++)
            {
                uint aux = U32(elf, entry + 12);
                uint next = U32(elf, entry + 16);
                result.Add(CString(elf, strtab.Offset + U32(elf, entry + aux)));
                if (next == 0) break;
                entry += next;
            }
            return result;
        }

        /// <summary>
        /// Rewrites, in memory, the need of <paramref name="missing"/> from <paramref name="library"/>
        /// into a need of <paramref name="replacement"/>, which the file must already need from the
        /// same library (so its name is in the string table). Idempotent.
        /// </summary>
        public static ElfPatchOutcome Patch(byte[] elf, string library, string missing, string replacement)
        {
            List<VersionNeed> needs = ReadVersionNeeds(elf);
            VersionNeed? target = null, donor = null;
            foreach (VersionNeed n in needs)
            {
                if (n.Library != library) continue;
                if (n.Version == missing) target = n;
                if (n.Version == replacement) donor = n;
            }
            if (target == null) return ElfPatchOutcome.NotNeeded;
            if (donor == null)
                throw new InvalidDataException(
                    $"cannot patch: the file needs {missing} from {library} but not {replacement}, whose name the patch reuses");
            WriteU32(elf, target.Value.AuxOffset, ElfHash(replacement));
            WriteU32(elf, target.Value.AuxOffset + 8, donor.Value.NameOffset);
            return ElfPatchOutcome.Patched;
        }

        /// <summary>
        /// Patches a file on disk: writes a temporary copy beside it, then renames it over the
        /// original (never a partial file), keeping the original's timestamp so incremental builds
        /// do not copy it again. A hard-linked file (e.g. into a package cache) is replaced, not edited.
        /// </summary>
        public static ElfPatchOutcome PatchFile(string path, string library, string missing, string replacement)
        {
            byte[] bytes = File.ReadAllBytes(path);
            ElfPatchOutcome outcome = Patch(bytes, library, missing, replacement);
            if (outcome != ElfPatchOutcome.Patched) return outcome;
            DateTime stamp = File.GetLastWriteTimeUtc(path);
            string tmp = path + ".patch-tmp";
            File.WriteAllBytes(tmp, bytes);
            File.SetLastWriteTimeUtc(tmp, stamp);
            // File.Replace renames over the original: a hard link to a package cache is broken, not written through.
            File.Replace(tmp, path, null);
            File.SetLastWriteTimeUtc(path, stamp);
            return outcome;
        }

        /// <summary>
        /// Finds the libstdc++.so.6 the dynamic loader would pick first (LD_LIBRARY_PATH, then the
        /// usual multiarch and lib64 directories), or null when none is found (not Linux/glibc).
        /// </summary>
        public static string? FindHostLibStdCxx()
        {
            var dirs = new List<string>();
            string? ld = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
            if (!string.IsNullOrEmpty(ld)) dirs.AddRange(ld!.Split(':'));
            dirs.AddRange(new[]
            {
                "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu",
                "/usr/lib/aarch64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib64",
            });
            foreach (string d in dirs)
            {
                if (d.Length == 0) continue;
                string p = Path.Combine(d, "libstdc++.so.6");
                if (File.Exists(p)) return p;
            }
            return null;
        }

        /// <summary>True when the library at <paramref name="path"/> defines version <paramref name="version"/>.</summary>
        public static bool Defines(string path, string version) =>
            ReadVersionDefinitions(File.ReadAllBytes(path)).Contains(version);

        struct Section { public long Offset; public long Size; public uint Link; public uint Info; }

        static void CheckHeader(byte[] elf)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                throw new InvalidDataException("not an ELF file");
            if (elf[4] != 2 || elf[5] != 1)
                throw new InvalidDataException("only 64-bit little-endian ELF files are supported");
        }

        static Section SectionAt(byte[] elf, int index)
        {
            long shoff = (long)U64(elf, 0x28);
            ushort shentsize = U16(elf, 0x3A);
            ushort shnum = U16(elf, 0x3C);
            if (index < 0 || index >= shnum) throw new InvalidDataException($"section index {index} out of range");
            long h = shoff + (long)index * shentsize;
            var s = new Section
            {
                Offset = (long)U64(elf, h + 0x18),
                Size = (long)U64(elf, h + 0x20),
                Link = U32(elf, h + 0x28),
                Info = U32(elf, h + 0x2C),
            };
            if (s.Offset < 0 || s.Offset + s.Size > elf.Length) throw new InvalidDataException("section outside the file (truncated?)");
            return s;
        }

        static Section? FindSection(byte[] elf, uint type)
        {
            CheckHeader(elf);
            long shoff = (long)U64(elf, 0x28);
            ushort shentsize = U16(elf, 0x3A);
            ushort shnum = U16(elf, 0x3C);
            if (shoff <= 0 || shoff + (long)shnum * shentsize > elf.Length)
                throw new InvalidDataException("section header table outside the file (truncated?)");
            for (int i = 0; i < shnum; i++)
                if (U32(elf, shoff + (long)i * shentsize + 4) == type) return SectionAt(elf, i);
            return null;
        }

        static void Check(byte[] b, long at, int n)
        {
            if (at < 0 || at + n > b.Length) throw new InvalidDataException($"read past the end of the file at offset {at}");
        }
        static ushort U16(byte[] b, long at) { Check(b, at, 2); return BitConverter.ToUInt16(b, (int)at); }
        static uint U32(byte[] b, long at) { Check(b, at, 4); return BitConverter.ToUInt32(b, (int)at); }
        static ulong U64(byte[] b, long at) { Check(b, at, 8); return BitConverter.ToUInt64(b, (int)at); }
        static void WriteU32(byte[] b, long at, uint v)
        {
            Check(b, at, 4);
            byte[] bytes = BitConverter.GetBytes(v);
            Array.Copy(bytes, 0, b, at, 4);
        }
        static string CString(byte[] b, long at)
        {
            Check(b, at, 1);
            long end = at;
            while (end < b.Length && b[end] != 0) end++;
            return Encoding.ASCII.GetString(b, (int)at, (int)(end - at));
        }
    }

#if !PG_NO_MSBUILD
    /// <summary>
    /// MSBuild task: patches every libLibTorchSharp.so under <see cref="Directory"/> when the host's
    /// libstdc++ lacks GLIBCXX_3.4.32. Does nothing on hosts that have it, or off Linux.
    /// </summary>
    public class PatchLibTorchSharpGlibcxx : Microsoft.Build.Utilities.Task
    {
        /// <summary>The build or publish output directory to scan.</summary>
        [Microsoft.Build.Framework.Required]
        public string Directory { get; set; } = "";

        /// <inheritdoc />
        public override bool Execute()
        {
            const string Missing = ElfVersionNeedPatcher.MissingVersion, Replacement = ElfVersionNeedPatcher.ReplacementVersion,
                Library = ElfVersionNeedPatcher.LibStdCxx;
            if (!System.IO.Directory.Exists(Directory)) return true;
            string? host = ElfVersionNeedPatcher.FindHostLibStdCxx();
            if (host == null) return true;
            try
            {
                if (ElfVersionNeedPatcher.Defines(host, Missing)) return true;
            }
            catch (Exception e)
            {
                Log.LogWarning($"could not read {host}: {e.Message}; leaving libLibTorchSharp.so unpatched");
                return true;
            }
            foreach (string so in System.IO.Directory.GetFiles(Directory, "libLibTorchSharp.so", SearchOption.AllDirectories))
            {
                try
                {
                    if (ElfVersionNeedPatcher.PatchFile(so, Library, Missing, Replacement) == ElfPatchOutcome.Patched)
                        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                            $"patched {so}: {host} lacks {Missing}, need rewritten to {Replacement} (PolicyGradient: see docs/packaging.md)");
                }
                catch (Exception e)
                {
                    Log.LogError($"failed to patch {so} for this host's libstdc++ ({host} lacks {Missing}): {e.Message}");
                    return false;
                }
            }
            return true;
        }
    }
#endif
}
