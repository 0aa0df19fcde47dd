#!/usr/bin/env bash
# Cluster scaling measurement (issue 12, docs/distributed.md "Scaling"): rollout throughput with 1, 2
# and 4 worker processes (`pg cluster silo`, one worker each) for CartPole-v1 whose step sleeps
# STEP_COST_MS (default 1 ms; a stand-in for a remote simulator), the learner's update rate, and the
# weight broadcast's round trip (step cost 0, one step per rollout, so the rollout is the messages).
# Usage: bench/scripts/cluster-scaling.sh [path/to/pg]
#   env: SILOS="1 2 4"  STEP_COST_MS=1  ITERS=12 (rollouts per run)  MODE=sync|async
#        WORKERS_PER_SILO=1  NET="" (e.g. "[256,256]" for policy.net_arch)
# Prints one line per run: silos, workers, median rollout_sps and learner_sps over the run's
# iterations after the first, and `uptime` just before the run. Runs one cluster at a time.
set -euo pipefail
PG=${1:-src/PolicyGradient.Cli/bin/Release/net10.0/pg}
SILOS=${SILOS:-1 2 4}
STEP_COST_MS=${STEP_COST_MS:-1}
ITERS=${ITERS:-12}
MODE=${MODE:-sync}
WORKERS_PER_SILO=${WORKERS_PER_SILO:-1}
NET=${NET:-}
WORK=$(mktemp -d)
PIDS=()
stop_silos() { for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && kill -TERM "$p" 2>/dev/null || true; done
               for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && wait "$p" 2>/dev/null || true; done; PIDS=(); }
trap 'stop_silos; rm -rf "$WORK"' EXIT

# median of a progress.csv column over the rows after the first (the first rollout includes warm-up)
median() { python3 - "$1" "$2" <<'PY'
import csv, sys, statistics
rows = list(csv.DictReader(open(sys.argv[1])))[1:]
vals = [float(r[sys.argv[2]]) for r in rows if r.get(sys.argv[2])]
print(f"{statistics.median(vals):.0f}" if vals else "n/a")
PY
}

run() { # $1 silos, $2 step cost ms, $3 n_steps (empty: the preset's 32)
  local s=$1 cost=$2 nsteps=${3:-} base=$((20000 + RANDOM % 20000)) id="scale-$RANDOM" gateways=()
  for ((i = 0; i < s; i++)); do
    local primary=(); ((i > 0)) && primary=(--primary "127.0.0.1:$base")
    : > "$WORK/silo-$i.log"
    "$PG" cluster silo --cluster-id "$id" --port $((base + 2 * i)) --gateway-port $((base + 2 * i + 1)) "${primary[@]}" > "$WORK/silo-$i.out" 2> "$WORK/silo-$i.log" &
    PIDS+=($!)
    gateways+=("127.0.0.1:$((base + 2 * i + 1))")
    until grep -q "stop it with" "$WORK/silo-$i.log"; do sleep 0.2; done
  done
  local workers=$((s * WORKERS_PER_SILO)) out="$WORK/run-$s-$cost-${nsteps:-p}"
  local sets=(--set "env_kwargs.step_cost_ms=$cost")
  [[ -n "$nsteps" ]] && sets+=(--set "n_steps=$nsteps" --set "batch_size=$((nsteps * 8))")
  [[ -n "$NET" ]] && sets+=(--set "policy.net_arch=$NET")
  local per_iter=$(( ${nsteps:-32} * 8 ))
  local load; load=$(uptime | sed 's/.*load average: //')
  "$PG" train ppo CartPole-v1 --seed 1 "${sets[@]}" --timesteps $((ITERS * per_iter)) --quiet \
    --cluster "$id" --gateways "$(IFS=,; echo "${gateways[*]}")" --workers "$workers" --cluster-mode "$MODE" --out "$out" > "$WORK/train.log" 2>&1 \
    || { cat "$WORK/train.log"; exit 1; }
  printf 'silos %d  workers %d  step_cost_ms %s  n_steps %s  mode %s  rollout_sps %s  learner_sps %s  (load %s)\n' \
    "$s" "$workers" "$cost" "${nsteps:-32}" "$MODE" "$(median "$out/progress.csv" rollout_sps)" "$(median "$out/progress.csv" learner_sps)" "$load"
  stop_silos
}

echo "# rollout throughput, CartPole-v1 with step_cost_ms=$STEP_COST_MS (sleep), ppo preset n_envs 8, n_steps 32"
for s in $SILOS; do run "$s" "$STEP_COST_MS"; done
echo "# weight broadcast round trip: step cost 0, n_steps 1 (rollout seconds = 8 / rollout_sps; learner: 20 epochs of one batch of 8)"
for s in $SILOS; do run "$s" 0 1; done
