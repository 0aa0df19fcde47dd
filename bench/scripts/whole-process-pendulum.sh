#!/usr/bin/env bash
# Whole-process timing of the off-policy algorithms on Pendulum-v1 (docs/benchmarks.md, "Off-policy
# whole process against Stable-Baselines3"): `pg train ALGO Pendulum-v1` from the repository build
# (shipped preset: 20k steps, one gradient step per env step, batch 256) and, in the first SB3_ROUNDS
# rounds, bench/compare/sb3_offpolicy_pendulum.py with the same hyperparameters, interleaved round by
# round. After each pg run, `pg eval --episodes 10 --deterministic` gives the evaluation mean.
# Prints one line per run: what, seed, wall seconds of the whole training process, eval mean.
#
#   ALGO=sac ROUNDS=3 SB3_ROUNDS=2 bench/scripts/whole-process-pendulum.sh
#   STEPS=3000 ROUNDS=2 SB3_ROUNDS=2 bench/scripts/whole-process-pendulum.sh   # shorter runs on both sides
#
# Needs a Release build (dotnet build -c Release) and, for SB3, a python3 that imports
# stable_baselines3 2.4.1 (PYTHONPATH as in docs/benchmarks.md); PYTHON= (empty) skips SB3.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
algo=${ALGO:-sac}
rounds=${ROUNDS:-3}
sb3_rounds=${SB3_ROUNDS:-2}
steps=${STEPS:-}   # empty: the preset's 20k steps
python=${PYTHON-/usr/bin/python3}
pg=(dotnet "$repo/src/PolicyGradient.Cli/bin/Release/net10.0/pg.dll")
out=$(mktemp -d "${TMPDIR:-/tmp}/pg-offpolicy.XXXXXX")
trap 'rm -rf "$out"' EXIT
echo "# $(date -u '+%F %T') UTC, load: $(cut -d' ' -f1-3 /proc/loadavg), $algo Pendulum-v1"
for r in $(seq 1 "$rounds"); do
  seed=$r
  start=$(date +%s.%N)
  "${pg[@]}" train "$algo" Pendulum-v1 --seed "$seed" ${steps:+--timesteps "$steps"} --quiet --out "$out/pg-$r" > /dev/null 2>&1
  end=$(date +%s.%N)
  eval=$("${pg[@]}" eval "$out/pg-$r" --episodes 10 --deterministic --json 2>/dev/null | grep -oE '"mean_return":-?[0-9.]+' | cut -d: -f2)
  printf 'pg %s %.2f eval %s\n' "$seed" "$(echo "$end - $start" | bc)" "$eval"
  if [ -n "$python" ] && [ "$r" -le "$sb3_rounds" ]; then
    start=$(date +%s.%N)
    report=$("$python" "$repo/bench/compare/sb3_offpolicy_pendulum.py" "$algo" "$seed" ${steps:+"$steps"} 2>&1 | grep -oE "mean return -?[0-9.]+")
    end=$(date +%s.%N)
    printf 'sb3 %s %.2f %s\n' "$seed" "$(echo "$end - $start" | bc)" "$report"
  fi
done
echo "# $(date -u '+%F %T') UTC, load: $(cut -d' ' -f1-3 /proc/loadavg)"
