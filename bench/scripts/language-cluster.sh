#!/usr/bin/env bash
# GRPO on language rollout workers (issue 12, docs/distributed.md "Language runs"): from one Addition-v0
# SFT checkpoint, a local `pg train grpo` against the same run with --workers 2 on two `pg cluster silo`
# processes on loopback, sync (--deterministic, so it must end with the local run's weights) and async;
# held-out accuracy before and after with `pg eval RUN --problems 300 --json`, wall time and `uptime`.
# Usage: bench/scripts/language-cluster.sh [path/to/pg]
#   env: SFT=/tmp/lw-sft (made with `train sft Addition-v0 --steps SFT_STEPS` when missing)  SFT_STEPS=600
#        STEPS=60  SEED=1  MODES="local sync async"  OUT=/tmp/lw-runs  WORKERS=2  SET="" (extra --set k=v of the grpo runs)
# Prints one line per run: mode, accuracy before/after, wall seconds, policy lag and dropped slices, load.
# Runs one cluster at a time; stops its silos on exit.
set -euo pipefail
PG=${1:-src/PolicyGradient.Cli/bin/Release/net10.0/pg}
SFT=${SFT:-/tmp/lw-sft}
SFT_STEPS=${SFT_STEPS:-600}
STEPS=${STEPS:-60}
SEED=${SEED:-1}
MODES=${MODES:-local sync async}
OUT=${OUT:-/tmp/lw-runs}
WORKERS=${WORKERS:-2}
SETS=(); for kv in ${SET:-}; do SETS+=(--set "$kv"); done
mkdir -p "$OUT"
PIDS=()
stop_silos() { for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && kill -TERM "$p" 2>/dev/null || true; done
               for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && wait "$p" 2>/dev/null || true; done; PIDS=(); }
trap stop_silos EXIT

accuracy() { "$PG" eval "$1" --problems 300 --json | python3 -c 'import json,sys; a = json.load(sys.stdin)["accuracy"]; print("%.1f %%" % (100 * a))'; }

# mean and max of a progress.csv column ("-" when absent)
column() { python3 - "$1" "$2" <<'PY'
import csv, sys
vals = [float(r[sys.argv[2]]) for r in csv.DictReader(open(sys.argv[1])) if r.get(sys.argv[2])]
print(f"mean {sum(vals)/len(vals):.2f} max {max(vals):.0f} sum {sum(vals):.0f}" if vals else "-")
PY
}

start_silos() { # two silos, the second joining the first; sets GATEWAYS and CLUSTER
  local base=$((20000 + RANDOM % 20000))
  CLUSTER="lang-$RANDOM"; GATEWAYS="127.0.0.1:$((base + 1)),127.0.0.1:$((base + 3))"
  for i in 0 1; do
    local primary=(); ((i > 0)) && primary=(--primary "127.0.0.1:$base")
    : > "$OUT/silo-$i.log"
    "$PG" cluster silo --cluster-id "$CLUSTER" --port $((base + 2 * i)) --gateway-port $((base + 2 * i + 1)) "${primary[@]}" > /dev/null 2> "$OUT/silo-$i.log" &
    PIDS+=($!)
    until grep -q "stop it with" "$OUT/silo-$i.log"; do sleep 0.2; done
  done
}

if [[ ! -d "$SFT" ]]; then
  echo "# SFT checkpoint: train sft Addition-v0 --steps $SFT_STEPS --seed $SEED (load $(uptime | sed 's/.*load average: //'))"
  "$PG" train sft Addition-v0 --steps "$SFT_STEPS" --seed "$SEED" --out "$SFT" --quiet > "$OUT/sft.log" 2>&1
fi
BEFORE=$(accuracy "$SFT")
echo "# grpo Addition-v0 --init $SFT --steps $STEPS --seed $SEED; held-out accuracy of the SFT checkpoint: $BEFORE"
for mode in $MODES; do
  dir="$OUT/grpo-$mode"; rm -rf "$dir"
  flags=(--deterministic)
  if [[ $mode != local ]]; then
    start_silos
    flags=(--cluster "$CLUSTER" --gateways "$GATEWAYS" --workers "$WORKERS" --cluster-mode "$mode")
    [[ $mode == sync ]] && flags+=(--deterministic)
  fi
  load=$(uptime | sed 's/.*load average: //')
  start=$(date +%s.%N)
  "$PG" train grpo Addition-v0 --init "$SFT" --steps "$STEPS" --seed "$SEED" "${SETS[@]}" "${flags[@]}" --out "$dir" --quiet > "$OUT/$mode.log" 2>&1 \
    || { cat "$OUT/$mode.log"; exit 1; }
  wall=$(python3 -c "import time; print(f'{time.time() - $start:.0f}')")
  stop_silos
  printf '%-6s before %s  after %s  wall %s s  policy_lag %s  dropped %s  (load %s)\n' "$mode" "$BEFORE" "$(accuracy "$dir")" "$wall" \
    "$(column "$dir/progress.csv" policy_lag_max)" "$(column "$dir/progress.csv" dropped_batches)" "$load"
done
if [[ -f "$OUT/grpo-local/checkpoints/final/model.safetensors" && -f "$OUT/grpo-sync/checkpoints/final/model.safetensors" ]]; then
  echo "# model.safetensors SHA-256: local $(sha256sum "$OUT/grpo-local/checkpoints/final/model.safetensors" | cut -c1-16), sync $(sha256sum "$OUT/grpo-sync/checkpoints/final/model.safetensors" | cut -c1-16)"
fi
