#!/usr/bin/env bash
# docs/variance.md, "Group estimators on Addition-v0, 3 seeds": SFT checkpoints (600 steps) for seeds 1-3, then per seed
# the group estimators' variance and bias for group sizes 2, 4, 8, 16 (K = 16 batches of 8 prompts, reference: rloo at
# G = 16 over 16 batches) with 95 % percentile-bootstrap intervals over the K batches (1,000 resamples), and the table
# and the orderings over the seeds (bench/scripts/variance-groups-summary.py).
#
#   bench/scripts/variance-groups-seeds.sh [OUT_DIR]
#
# Needs a Release build (dotnet build -c Release). About 3 CPU-minutes of SFT and 1.5 of diagnosis per seed.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$(mktemp -d "${TMPDIR:-/tmp}/pg-groups-seeds.XXXXXX")}
pg=(dotnet "$repo/src/PolicyGradient.Cli/bin/Release/net10.0/pg.dll")
echo "# $(date -u '+%F %T') UTC, load: $(cut -d' ' -f1-3 /proc/loadavg), commit $(git -C "$repo" rev-parse --short HEAD)"
for seed in 1 2 3; do
  sft="$out/sft-$seed"
  [ -d "$sft" ] || /usr/bin/time -f "# seed $seed SFT: %e s wall, %U s user" "${pg[@]}" train sft Addition-v0 --steps 600 --seed "$seed" --threads 1 --out "$sft" > /dev/null
  echo "# seed $seed eval: $("${pg[@]}" eval "$sft" --json)"
  /usr/bin/time -f "# seed $seed diagnosis: %e s wall, %U s user" "${pg[@]}" diagnose gradients "$sft" --group-sizes 2,4,8,16 --bootstrap 1000 \
    --json > "$out/groups-$seed.jsonl"
done
python3 "$repo/bench/scripts/variance-groups-summary.py" "$out"/groups-{1,2,3}.jsonl
echo "# $(date -u '+%F %T') UTC, load: $(cut -d' ' -f1-3 /proc/loadavg)"
