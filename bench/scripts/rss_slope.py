#!/usr/bin/env python3
"""Memory slope of a long `pg train` run (docs/benchmarks.md, "Language runs: peak memory").

Runs the pg command, polls /proc/PID/status (VmRSS) and the run folder's progress.csv every --poll seconds,
and records VmRSS the first time the run's step count reaches each multiple of --every. At the end it prints
the samples, the peak (VmHWM) and the least-squares slope of VmRSS in MB per 100 steps over the second half
of the samples (the first half holds the start-up: libraries loading, the first evaluation).

    python3 bench/scripts/rss_slope.py --out /tmp/sft -- dotnet pg.dll train sft Addition-v0 --out /tmp/sft --force

--out must be the run folder the command writes (its progress.csv gives the step). Memory does not depend on
the machine's load, so this can run beside other work; its times do not mean anything then.
"""
import argparse
import os
import subprocess
import time


def status(pid):
    values = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    values[key] = int(rest.split()[0]) / 1024
    except (FileNotFoundError, ProcessLookupError):
        return None
    return values if "VmRSS" in values else None


def last_step(progress):
    try:
        with open(progress, "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 4096))
            lines = f.read().decode(errors="replace").strip().splitlines()
        return int(float(lines[-1].split(",")[0])) if len(lines) > 1 else 0
    except (FileNotFoundError, ValueError, IndexError):
        return 0


def slope(points):
    """Least-squares slope of (step, MB) points, in MB per 100 steps."""
    n = len(points)
    if n < 2:
        return float("nan")
    mx = sum(s for s, _ in points) / n
    my = sum(m for _, m in points) / n
    sxx = sum((s - mx) ** 2 for s, _ in points)
    return 100 * sum((s - mx) * (m - my) for s, m in points) / sxx if sxx else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="the run folder the command writes")
    parser.add_argument("--every", type=int, default=25)
    parser.add_argument("--poll", type=float, default=0.5)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    progress = os.path.join(args.out, "progress.csv")
    if os.path.exists(progress):
        os.remove(progress)   # --force overwrites the folder; do not read the old run's steps meanwhile
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    samples, next_mark, hwm = [], args.every, 0.0
    print("step,vmrss_mb", flush=True)
    while proc.poll() is None:
        s = status(proc.pid)
        if s is not None:
            hwm = max(hwm, s["VmHWM"])
            step = last_step(progress)
            while step >= next_mark:
                samples.append((next_mark, s["VmRSS"]))
                print(f"{next_mark},{s['VmRSS']:.0f}", flush=True)   # as it goes, so a cut-short run still tells
                next_mark += args.every
        time.sleep(args.poll)
    print(f"exit={proc.returncode} peak(VmHWM)={hwm:.0f}MB samples={len(samples)}")
    half = samples[len(samples) // 2:]
    print(f"slope over the second half (steps {half[0][0] if half else '-'}-{half[-1][0] if half else '-'}): "
          f"{slope(half):+.2f} MB per 100 steps")


if __name__ == "__main__":
    main()
