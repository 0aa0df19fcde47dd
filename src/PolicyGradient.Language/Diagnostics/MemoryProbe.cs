using System.Globalization;
using System.Runtime.InteropServices;

namespace PolicyGradient.Language.Diagnostics;

/// <summary>
/// Memory readings at the phase boundaries of a language run (sampling, the update's forward and backward,
/// the optimizer step, the collection after a step, evaluation, checkpoint), for finding in which phase the
/// process reaches its peak resident size and what that memory is (docs/benchmarks.md, "Where a GRPO step's
/// peak goes"). Off unless the environment variable <c>PG_MEMORY_PROBE</c> is set; then each boundary writes
/// one line to standard error:
/// <list type="bullet">
/// <item><c>PG_MEMORY_PROBE=1</c>: VmRSS and VmHWM (the process's peak so far) from /proc/self/status, so the
/// phase that raised the peak is the one after whose boundary VmHWM jumped;</item>
/// <item><c>PG_MEMORY_PROBE=phase</c>: the same, but VmHWM is reset after each reading (writing 5 to
/// /proc/self/clear_refs), so each line's peak is the phase's own. This also resets what
/// <c>/usr/bin/time</c> reports as the maximum resident size: do not combine the two.</item>
/// </list>
/// Each line also gives the resident anonymous and file-backed memory, glibc's heap bytes in use and free but
/// kept (mallinfo2: what a free-but-resident heap holds) and the managed heap's size and committed bytes.
/// Off, a call is one static field test; on, a call allocates a little managed memory and changes no tensor.
/// </summary>
internal static class MemoryProbe
{
    static readonly string? Mode = Environment.GetEnvironmentVariable("PG_MEMORY_PROBE") is { Length: > 0 } m && m != "0" ? m : null;

    /// <summary>Whether the probe writes anything.</summary>
    public static bool Enabled => Mode is not null;

    /// <summary>Writes one reading, labelled "<paramref name="trainer"/> step <paramref name="step"/> <paramref name="phase"/>", when the probe is on.</summary>
    public static void Mark(string trainer, long step, string phase)
    {
        if (Mode is not null) Write($"{trainer} step {step} {phase}");
    }

    /// <summary>Writes one reading labelled <paramref name="label"/> when the probe is on.</summary>
    public static void Mark(string label)
    {
        if (Mode is not null) Write(label);
    }

    static void Write(string label)
    {
        var status = ReadStatus();
        var gc = GC.GetGCMemoryInfo();
        string malloc = MallocFigures();
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"memory {label}: rss={Mb(status, "VmRSS")} hwm={Mb(status, "VmHWM")} anon={Mb(status, "RssAnon")} file={Mb(status, "RssFile")} " +
            $"{malloc} gc_heap={gc.HeapSizeBytes / 1048576.0:F1} gc_committed={gc.TotalCommittedBytes / 1048576.0:F1} " +
            $"gc_allocated={GC.GetTotalAllocatedBytes() / 1048576.0:F1}"));
        if (Mode == "phase") ResetPeak();
    }

    static Dictionary<string, long> ReadStatus()
    {
        var values = new Dictionary<string, long>();
        try
        {
            foreach (string line in File.ReadAllLines("/proc/self/status"))
            {
                int colon = line.IndexOf(':');
                if (colon <= 0) continue;
                var parts = line[(colon + 1)..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 2 && parts[1] == "kB" && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out long kb))
                    values[line[..colon]] = kb;
            }
        }
        catch (IOException) { }            // not Linux: the line says "n/a"
        catch (UnauthorizedAccessException) { }
        return values;
    }

    static string Mb(Dictionary<string, long> status, string key) =>
        status.TryGetValue(key, out long kb) ? (kb / 1024.0).ToString("F1", CultureInfo.InvariantCulture) : "n/a";

    static void ResetPeak()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>glibc's struct mallinfo2 (glibc 2.33+): every field a size_t.</summary>
    [StructLayout(LayoutKind.Sequential)]
    struct MallInfo2
    {
        public nuint Arena, OrdBlks, SmBlks, HBlks, HBlkHd, UsmBlks, FsmBlks, UordBlks, FordBlks, KeepCost;
    }

    [DllImport("libc", EntryPoint = "mallinfo2")]
    static extern MallInfo2 NativeMallInfo2();

    /// <summary>glibc's heap: bytes obtained with brk/arenas, of them in use and free; bytes in mmapped chunks.</summary>
    static string MallocFigures()
    {
        try
        {
            var i = NativeMallInfo2();
            return string.Create(CultureInfo.InvariantCulture,
                $"malloc_arena={i.Arena / 1048576.0:F1} malloc_used={i.UordBlks / 1048576.0:F1} malloc_free={i.FordBlks / 1048576.0:F1} malloc_mmap={i.HBlkHd / 1048576.0:F1}");
        }
        catch (DllNotFoundException) { return "malloc=n/a"; }
        catch (EntryPointNotFoundException) { return "malloc=n/a"; }
    }
}
