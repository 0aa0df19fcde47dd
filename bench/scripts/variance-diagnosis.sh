#!/usr/bin/env bash
# docs/variance.md: `pg diagnose gradients` at mid-training PPO checkpoints (the shipped presets, 100k steps,
# the checkpoint nearest 50k steps) on CartPole-v1 and Pendulum-v1, seeds 1-3, default estimators
# (mc, mc-mean, mc-value, optimal, gae:1, gae:0.95, gae:0.8), K = 32 batches of 2048 steps, R = 32.
# Prints one JSON line per estimator, prefixed with env and seed.
#
#   bench/scripts/variance-diagnosis.sh [OUT_DIR]
#
# Needs a Release build (dotnet build -c Release).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$(mktemp -d "${TMPDIR:-/tmp}/pg-variance.XXXXXX")}
pg=(dotnet "$repo/src/PolicyGradient.Cli/bin/Release/net10.0/pg.dll")
echo "# $(date -u '+%F %T') UTC, load: $(cut -d' ' -f1-3 /proc/loadavg), commit $(git -C "$repo" rev-parse --short HEAD)"
for env in CartPole-v1 Pendulum-v1; do
  middle=$([ "$env" = CartPole-v1 ] && echo 20000 || echo 50000)
  for seed in 1 2 3; do
    run="$out/ppo-$env-$seed"
    "${pg[@]}" train ppo "$env" --seed "$seed" --checkpoint-every 10000 --set keep_checkpoints=20 --quiet --out "$run" --force > /dev/null
    # the checkpoint nearest the middle of the run
    mid=$(ls "$run/checkpoints" | grep '^step-' | sed 's/step-//' | awk -v m="$middle" '{d=$1-m; if (d<0) d=-d; print d, $1}' | sort -n | head -1 | cut -d' ' -f2)
    eval=$("${pg[@]}" eval "$run/checkpoints/step-$mid" --episodes 10 --deterministic --json)
    echo "# $env seed $seed checkpoint step-$mid eval $eval"
    "${pg[@]}" diagnose gradients "$run/checkpoints/step-$mid" --json --csv "$out/$env-$seed.csv" --plot "$out/$env-$seed.png" | sed "s/^/$env $seed /"
  done
done
echo "# $(date -u '+%F %T') UTC, load: $(cut -d' ' -f1-3 /proc/loadavg)"
