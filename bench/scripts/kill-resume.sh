#!/usr/bin/env bash
# Kill-and-resume check (issue 5): a PPO run killed with SIGKILL at an arbitrary moment and resumed
# with `pg resume` must end with the same weights, env state and progress.csv rows as a run that
# never stopped. Usage: bench/scripts/kill-resume.sh [path/to/pg]   (about 30 s on a quiet machine)
set -euo pipefail
PG=${1:-src/PolicyGradient.Cli/bin/Release/net10.0/pg}
STEPS=${STEPS:-24576}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
ARGS=(ppo CartPole-v1 --seed 3 --timesteps "$STEPS" --checkpoint-every 4096 --deterministic --quiet)

"$PG" train "${ARGS[@]}" --out "$WORK/straight" > /dev/null 2>&1

"$PG" train "${ARGS[@]}" --out "$WORK/killed" > /dev/null 2>&1 &
pid=$!
# Kill once at least one checkpoint exists, at a random moment after it.
until ls "$WORK/killed/checkpoints" 2>/dev/null | grep -q '^step-'; do
  kill -0 "$pid" 2>/dev/null || { echo "run ended before its first checkpoint; raise STEPS"; exit 1; }
  sleep 0.05
done
sleep "0.$((RANDOM % 10))"
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
echo "killed after: $(ls "$WORK/killed/checkpoints" | tr '\n' ' ')"

"$PG" resume "$WORK/killed" --deterministic --quiet > /dev/null 2>&1

status=0
for f in model.safetensors env-state.bin; do
  a=$(sha256sum < "$WORK/straight/checkpoints/final/$f"); b=$(sha256sum < "$WORK/killed/checkpoints/final/$f")
  if [[ "$a" == "$b" ]]; then echo "same $f"; else echo "DIFFERENT $f"; status=1; fi
done
# progress.csv: same rows apart from wall_seconds (3) and sps (16).
rows() { cut -d, -f1,2,4-15 "$1/progress.csv"; }
if diff <(rows "$WORK/straight") <(rows "$WORK/killed") > /dev/null; then echo "same progress.csv rows"; else echo "DIFFERENT progress.csv"; status=1; fi
exit $status
