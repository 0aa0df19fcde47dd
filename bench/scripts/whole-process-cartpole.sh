#!/usr/bin/env bash
# Whole-process timing of `pg train ppo CartPole-v1` (docs/benchmarks.md, "Whole process against
# Stable-Baselines3"): the installed pg tool, the repository build, the library loop (PpoSpeed) and a
# Stable-Baselines3 process, interleaved round by round; SB3 runs in the first SB3_ROUNDS rounds only.
# ALGO=a2c times `pg train a2c CartPole-v1` the same way (zoo preset: 8 envs, 500k steps) against
# bench/compare/sb3_a2c_cartpole.py; PG_TOOL= (empty) skips the installed tool.
# Prints one line per run: what, seed, wall seconds of the whole process, and what the run reported.
#
#   PG_TOOL=~/.dotnet/tools/pg ROUNDS=9 SB3_ROUNDS=3 bench/scripts/whole-process-cartpole.sh
#   ALGO=a2c PG_TOOL= ROUNDS=3 SB3_ROUNDS=3 bench/scripts/whole-process-cartpole.sh
#
# Needs: a Release build (dotnet build -c Release; dotnet build -c Release bench/PpoSpeed), the tool
# installed from `dotnet pack -c Release` (docs/packaging.md), and for SB3 a python3 that imports
# stable_baselines3 2.4.1 (PYTHONPATH as in docs/benchmarks.md); leave PYTHON empty to skip SB3.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
tool=${PG_TOOL-pg}
algo=${ALGO:-ppo}
case $algo in ppo) library_steps=100000 ;; a2c) library_steps=500000 ;; *) echo "ALGO must be ppo or a2c" >&2; exit 2 ;; esac
rounds=${ROUNDS:-9}
sb3_rounds=${SB3_ROUNDS:-3}
python=${PYTHON-/usr/bin/python3}
out=$(mktemp -d "${TMPDIR:-/tmp}/pg-whole-process.XXXXXX")
trap 'rm -rf "$out"' EXIT
echo "# $(date -u '+%F %T') UTC, load: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$rounds"); do
  seed=$(( (r - 1) % 3 ))
  for what in tool build library sb3; do
    case $what in
      tool) [ -n "$tool" ] || continue
            cmd=("$tool" train "$algo" CartPole-v1 --seed "$seed" --quiet --out "$out/tool-$r") ;;
      build) cmd=(dotnet "$repo/src/PolicyGradient.Cli/bin/Release/net10.0/pg.dll" train "$algo" CartPole-v1 --seed "$seed" --quiet --out "$out/build-$r") ;;
      library) cmd=(dotnet "$repo/bench/PpoSpeed/bin/Release/net10.0/PpoSpeed.dll" 1 "$library_steps" "$algo") ;;
      sb3) [ -n "$python" ] && [ "$r" -le "$sb3_rounds" ] || continue
           cmd=("$python" "$repo/bench/compare/sb3_${algo}_cartpole.py" "$seed") ;;
    esac
    start=$(date +%s.%N)
    report=$("${cmd[@]}" 2>&1 | grep -oE "[0-9.]+ s wall|mean return [0-9.]+" | tr '\n' ' ')
    end=$(date +%s.%N)
    printf '%s %s %.2f %s\n' "$what" "$seed" "$(echo "$end - $start" | bc)" "$report"
  done
done
echo "# $(date -u '+%F %T') UTC, load: $(cut -d' ' -f1-3 /proc/loadavg)"
