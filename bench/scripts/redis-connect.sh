#!/usr/bin/env bash
# Redis membership under load (issue 12, docs/distributed.md "Redis membership"): starts its own
# redis-server on a free 127.0.0.1 port, two `pg cluster silo --membership` processes, then connects
# N times with `pg cluster status --membership` and prints each connection's wall time and exit code
# (with the error line of a failure), with `uptime` before and after. Run it beside a CPU load to see
# how the connection behaves when the machine is starved.
# Usage: bench/scripts/redis-connect.sh [path/to/pg]    env: N=10
set -euo pipefail
PG=${1:-src/PolicyGradient.Cli/bin/Release/net10.0/pg}
N=${N:-10}
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
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
