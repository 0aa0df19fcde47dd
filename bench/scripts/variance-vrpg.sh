#!/usr/bin/env bash
# docs/variance.md, "Momentum variance reduction": the shipped vrpg/CartPole-v1 preset on seeds 1-3 with the
# paired variance probe every 10 updates, a 20-episode deterministic evaluation of each final policy, and per seed
# the probes where the direction d_t's total variance and MSE to the reference are below the plain g_t's.
#
#   bench/scripts/variance-vrpg.sh [OUT_DIR]
#
# Needs a Release build (dotnet build -c Release).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$(mktemp -d "${TMPDIR:-/tmp}/pg-vrpg.XXXXXX")}
pg=(dotnet "$repo/src/PolicyGradient.Cli/bin/Release/net10.0/pg.dll")
echo "# $(date -u '+%F %T') UTC, load: $(cut -d' ' -f1-3 /proc/loadavg), commit $(git -C "$repo" rev-parse --short HEAD)"
for seed in 1 2 3; do
  run="$out/vrpg-s$seed"
  /usr/bin/time -f "seed $seed: %e s wall, %U s user" "${pg[@]}" train vrpg CartPole-v1 --seed "$seed" --threads 1 --quiet --force \
    --out "$run" --set variance_probe_every=10 > /dev/null
  "${pg[@]}" eval "$run" --episodes 20 --deterministic
  python3 - "$run/progress.csv" <<'PY'
import csv, statistics, sys
p = 'vrpg/probe/'
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r.get(p + 'plain_total_variance')]
tv = [float(r[p + 'direction_total_variance']) / float(r[p + 'plain_total_variance']) for r in rows]
mse = [float(r[p + 'direction_mse']) / float(r[p + 'plain_mse']) for r in rows]
print(f"  tr Σ(d) < tr Σ(g): {sum(x < 1 for x in tv)}/{len(tv)}, ratio median {statistics.median(tv):.3f} ({min(tv):.3f}-{max(tv):.3f}); "
      f"MSE(d) < MSE(g): {sum(x < 1 for x in mse)}/{len(mse)}, ratio median {statistics.median(mse):.3f} ({min(mse):.3f}-{max(mse):.3f})")
PY
done
