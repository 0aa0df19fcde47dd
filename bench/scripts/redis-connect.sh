#!/usr/bin/env bash
# Redis membership under load (issue 12, docs/distributed.md "Redis membership"): starts its own
# redis-server on a free 127.0.0.1 port, two `pg cluster silo --membership` processes, then connects
# N times with `pg cluster status --membership` and prints each connection's wall time and exit code
# (with the error line of a failure), with `uptime` before and after. Run it beside a CPU load to see
# how the connection behaves when the machine is starved.
# With TRAIN=1 an async ppo learner with 4 workers trains on the same silos meanwhile (the situation
# in which connections were seen to time out).
# Usage: bench/scripts/redis-connect.sh [path/to/pg]    env: N=10 TRAIN=0
set -euo pipefail
PG=${1:-src/PolicyGradient.Cli/bin/Release/net10.0/pg}
N=${N:-10}
WORK=$(mktemp -d)
PIDS=()
# Stops the learner, then the silos, then redis-server (last started first), each before the next,
# so the silos can still write their "dead" status into the table.
cleanup() {
  for ((k = ${#PIDS[@]} - 1; k >= 0; k--)); do kill -TERM "${PIDS[k]}" 2>/dev/null || true; wait "${PIDS[k]}" 2>/dev/null || true; done
  if [[ -n "${KEEP:-}" ]]; then echo "logs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
port=$((40000 + RANDOM % 10000)); base=$((20000 + RANDOM % 15000)); id="redis-$RANDOM"
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no > "$WORK/redis.log" 2>&1 &
PIDS+=($!)
until redis-cli -p "$port" ping > /dev/null 2>&1; do sleep 0.1; done
M="redis://127.0.0.1:$port"
for i in 0 1; do
  : > "$WORK/silo-$i.log"
  "$PG" cluster silo --cluster-id "$id" --port $((base + 2 * i)) --gateway-port $((base + 2 * i + 1)) --membership "$M" > "$WORK/silo-$i.out" 2> "$WORK/silo-$i.log" &
  PIDS+=($!)
done
for i in 0 1; do until grep -q "stop it with" "$WORK/silo-$i.log"; do sleep 0.2; grep -q "pg: " "$WORK/silo-$i.log" && ! grep -q "stop it with" "$WORK/silo-$i.log" && { cat "$WORK/silo-$i.log"; exit 1; }; done; done
if [[ "${TRAIN:-0}" == 1 ]]; then
  "$PG" train ppo CartPole-v1 --timesteps 100000000 --quiet --cluster "$id" --membership "$M" --workers 4 --cluster-mode async --out "$WORK/run" > "$WORK/train.log" 2>&1 &
  PIDS+=($!)
  until [[ -f "$WORK/run/progress.csv" ]]; do sleep 0.5; done
fi
echo "load before: $(uptime | sed 's/.*load average: //')"
fails=0
for ((k = 1; k <= N; k++)); do
  start=$(date +%s.%N)
  set +e; "$PG" cluster status --cluster "$id" --membership "$M" > "$WORK/out" 2> "$WORK/err"; code=$?; set -e
  secs=$(echo "$(date +%s.%N) - $start" | bc)
  line=$(head -1 "$WORK/out")
  [[ $code -ne 0 ]] && { fails=$((fails + 1)); line=$(head -1 "$WORK/err"); }
  printf 'connect %2d: %5.1f s  exit %d  %s\n' "$k" "$secs" "$code" "$line"
done
echo "load after: $(uptime | sed 's/.*load average: //'); $fails of $N connections failed"
grep -ioh "[a-z.]*timeout[a-z]*\|[a-z.]*exception" "$WORK"/silo-*.out "$WORK"/silo-*.log | sort | uniq -c | head -20 || true
