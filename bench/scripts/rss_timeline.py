#!/usr/bin/env python3
"""Resident memory of a process over its life, read from /proc (docs/benchmarks.md, "Language runs: peak memory").

Runs COMMAND, samples /proc/PID/status every --interval seconds (VmRSS split into RssAnon and RssFile) and
notes the moment each watched file is first mapped (libtorch_cpu.so, Orleans, ONNX, Skia, ...). At the
sample with the highest VmRSS and at the last sample it also reads /proc/PID/smaps and prints the resident
megabytes per mapped file (anonymous memory as "[anon]"), largest first.

    python3 bench/scripts/rss_timeline.py -- dotnet pg.dll train sft Addition-v0 --steps 2 --out /tmp/x
    python3 bench/scripts/rss_timeline.py --every-line -- python3 bench/compare/torch_language.py sft RUN --steps 2

--every-line also takes a sample each time the command prints a line (printed next to the line), so the
phases of a run can be told apart. Memory figures do not depend on the machine's load; times do.
"""
import argparse
import collections
import os
import subprocess
import sys
import threading
import time

WATCH = ("libtorch_cpu", "libtorch.so", "libLibTorchSharp", "libgomp", "libiomp", "libmkl", "libSkiaSharp",
         "libHarfBuzzSharp", "onnxruntime", "OnnxSharp", "Orleans", "StackExchange.Redis", "ScottPlot",
         "SkiaSharp.dll", "Microsoft.ML.Tokenizers", "Microsoft.CodeAnalysis", "YamlDotNet",
         "TorchSharp.dll", "PolicyGradient.Language.dll", "PolicyGradient.Distributed.dll", "Spectre.Console",
         "libcoreclr", "libclrjit", "System.Private.CoreLib", "_C.cpython", "libpython")


def status(pid):
    values = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "RssAnon", "RssFile", "RssShmem", "VmHWM", "Threads"):
                    values[key] = int(rest.split()[0])
    except (FileNotFoundError, ProcessLookupError):
        return None
    return values if "VmRSS" in values else None  # a zombie has no memory lines


def mapped_files(pid):
    try:
        with open(f"/proc/{pid}/maps") as f:
            return {line.split(None, 5)[5].strip() for line in f if len(line.split(None, 5)) == 6}
    except (FileNotFoundError, ProcessLookupError):
        return set()


def smaps_by_file(pid):
    """Resident kB per mapped path ("[anon]" for anonymous memory, heap and stacks included)."""
    per = collections.Counter()
    name = "[anon]"
    try:
        with open(f"/proc/{pid}/smaps") as f:
            for line in f:
                first = line.split(None, 1)[0]
                if "-" in first and not first.endswith(":"):
                    parts = line.split(None, 5)
                    low, high = (int(x, 16) for x in first.split("-"))
                    if len(parts) == 6 and parts[5].strip():
                        name = parts[5].strip()
                    else:  # the .NET GC reserves its heap as one huge range; glibc arenas are 64 MB ranges
                        name = "[anon, range >= 1 GB]" if high - low >= 1 << 30 else (
                            "[anon, 64 MB range]" if high - low == 1 << 26 else "[anon, other]")
                elif first == "Rss:":
                    per[name] += int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return per


def split(pid):
    """Anonymous memory split: glibc's main heap, the rest (GC heap, other mmaps, stacks), libtorch_cpu's pages."""
    per = smaps_by_file(pid)
    heap = per.pop("[heap]", 0)
    anon = sum(kb for path, kb in per.items() if not path.startswith("/"))
    torch_file = sum(kb for path, kb in per.items() if "libtorch_cpu" in path)
    return f" [heap]={heap / 1024:.0f}MB other-anon={anon / 1024:.0f}MB libtorch_cpu={torch_file / 1024:.0f}MB"


def fmt(s):
    return (f"rss={s['VmRSS'] / 1024:.0f}MB anon={s['RssAnon'] / 1024:.0f}MB file={s['RssFile'] / 1024:.0f}MB "
            f"threads={s.get('Threads', 0)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--interval", type=float, default=0.02)
    parser.add_argument("--every-line", action="store_true")
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    start = time.time()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    pid = proc.pid
    lock = threading.Lock()
    state = {"peak": None, "peak_smaps": None, "seen": set()}

    def sample(label=None):
        s = status(pid)
        if s is None:
            return None
        with lock:
            t = time.time() - start
            for path in mapped_files(pid) - state["seen"]:
                state["seen"].add(path)
                if any(w in path for w in WATCH):
                    print(f"  {t:7.2f}s mapped {os.path.basename(path)}  ({fmt(s)})", flush=True)
            if state["peak"] is None or s["VmRSS"] > state["peak"]["VmRSS"]:
                state["peak"], state["peak_smaps"], state["peak_t"] = s, smaps_by_file(pid), t
            if label:
                print(f"  {t:7.2f}s {fmt(s)}{split(pid)}  <- {label}", flush=True)
        return s

    def reader():
        for line in proc.stdout:
            if args.every_line:
                sample(line.rstrip()[:110])
            else:
                print("  | " + line.rstrip()[:110], flush=True)

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    while proc.poll() is None:
        sample()
        time.sleep(args.interval)
    thread.join(timeout=5)
    print(f"exit={proc.returncode} wall={time.time() - start:.1f}s")
    s = state["peak"]
    if s is not None:
        print(f"peak sample at {state['peak_t']:.2f}s: {fmt(s)} VmHWM={s.get('VmHWM', 0) / 1024:.0f}MB; resident per file at that sample:")
        for path, kb in state["peak_smaps"].most_common(args.top):
            print(f"  {kb / 1024:8.1f} MB  {path}")


if __name__ == "__main__":
    main()
