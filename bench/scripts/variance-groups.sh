#!/usr/bin/env bash
# docs/variance.md, "Group estimators on Addition-v0": an SFT checkpoint (600 steps, the default seed 0), then the group
# estimators' variance and bias for group sizes 2, 4, 8, 16 (K = 16 batches of 8 prompts, reference: rloo at G = 16
# over 16 batches). Prints the table and writes OUT_DIR/groups.csv.
#
#   bench/scripts/variance-groups.sh [OUT_DIR]
#
# Needs a Release build (dotnet build -c Release).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$(mktemp -d "${TMPDIR:-/tmp}/pg-groups.XXXXXX")}
pg=(dotnet "$repo/src/PolicyGradient.Cli/bin/Release/net10.0/pg.dll")
echo "# $(date -u '+%F %T') UTC, load: $(cut -d' ' -f1-3 /proc/loadavg), commit $(git -C "$repo" rev-parse --short HEAD)"
"${pg[@]}" train sft Addition-v0 --steps 600 --threads 1 --out "$out/sft" > /dev/null
"${pg[@]}" eval "$out/sft"
"${pg[@]}" diagnose gradients "$out/sft" --group-sizes 2,4,8,16 --csv "$out/groups.csv"
