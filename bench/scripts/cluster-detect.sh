#!/usr/bin/env bash
# Failure detection of `pg cluster silo` (issue 12, docs/distributed.md "Fault handling"): two silo processes
# (development clustering) and a sync ppo learner with 4 workers, optionally under extra CPU load (HOGS busy
# loops). MODE=kill (default): kill -9 of the second silo once training runs; prints the seconds from the kill
# to the learner's first "lost" line (the silo declared dead, read by the learner's 1-second membership poll).
# MODE=live: no kill; trains for SECONDS (default 180) and prints how many workers the learner lost (a live
# silo declared dead) and whether both silos still run. Load averages before and after are printed.
# Usage: bench/scripts/cluster-detect.sh [path/to/pg]    env: MODE=kill|live HOGS=0 SECONDS_LIVE=180
set -uo pipefail
PG=$(realpath "${1:-src/PolicyGradient.Cli/bin/Release/net10.0/pg}")
W=$(mktemp -d); base=$((20000 + RANDOM % 20000)); id="detect-$RANDOM"; hogs=()
cleanup() { kill -9 "${hogs[@]}" 2>/dev/null; kill -TERM ${l:-} 2>/dev/null; kill -TERM ${s0:-} ${s1:-} 2>/dev/null; wait 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT
stamp() { perl -MTime::HiRes=time -ne '$|=1; printf "%.3f %s", time, $_'; }
silo() { : > "$W/s$1.log"; "$PG" cluster silo --cluster-id "$id" --port $((base + 2 * $1)) --gateway-port $((base + 2 * $1 + 1)) "${@:2}" > "$W/s$1.out" 2> "$W/s$1.log" & }
silo 0; s0=$!; until grep -q "stop it with" "$W/s0.log"; do sleep 0.2; done
silo 1 --primary "127.0.0.1:$base"; s1=$!; until grep -q "stop it with" "$W/s1.log"; do sleep 0.2; done
for ((i = 0; i < ${HOGS:-0}; i++)); do (exec yes > /dev/null) & hogs+=($!); done
cd "$W"
"$PG" train ppo CartPole-v1 --seed 2 --timesteps 100000000 --quiet --set n_envs=4 --set n_steps=64 --set batch_size=64 --set n_epochs=2 \
  --cluster "$id" --gateways "127.0.0.1:$((base + 1)),127.0.0.1:$((base + 3))" --workers 4 --out run > l.out 2> >(stamp > l.log) &
l=$!
for i in $(seq 1 900); do
  kill -0 $l 2>/dev/null || { cat l.log; exit 1; }
  [[ -f run/progress.csv && $(wc -l < run/progress.csv) -ge 4 ]] && break
  sleep 0.2
done
echo "load before: $(uptime | sed 's/.*load average: //'); ${HOGS:-0} extra busy loops"
if [[ "${MODE:-kill}" == pause ]]; then
  kill -STOP $s1; sleep "${PAUSE:-3}"; kill -CONT $s1; sleep 15
  alive=0; kill -0 $s1 2>/dev/null && alive=1
  echo "load after: $(uptime | sed 's/.*load average: //')"
  echo "pause ${PAUSE:-3} s: silos declared dead: $(grep -c "declared dead by the cluster$" l.log), workers lost: $(grep -c "lost (" l.log), paused silo still running: $alive"
elif [[ "${MODE:-kill}" == live ]]; then
  sleep "${SECONDS_LIVE:-180}"
  alive=0; kill -0 $s0 2>/dev/null && alive=$((alive + 1)); kill -0 $s1 2>/dev/null && alive=$((alive + 1))
  echo "load after: $(uptime | sed 's/.*load average: //')"
  echo "live: ${SECONDS_LIVE:-180} s, $(($(wc -l < run/progress.csv) - 1)) updates, silos declared dead: $(grep -c "declared dead by the cluster$" l.log), workers lost: $(grep -c "lost (" l.log), silos still running: $alive of 2"
  grep "lost (" l.log | cut -c1-220
else
  t0=$(perl -MTime::HiRes=time -e 'printf "%.3f", time'); kill -9 $s1
  for i in $(seq 1 600); do grep -q "lost (" l.log && break; sleep 0.1; done
  t1=$(grep -m1 "declared dead by the cluster$" l.log | cut -d' ' -f1); t2=$(grep -m1 "lost (" l.log | cut -d' ' -f1)
  echo "load after: $(uptime | sed 's/.*load average: //')"
  if [[ -n "$t1" ]]; then echo "kill -9 to declared dead (learner's poll): $(echo "$t1 - $t0" | bc) s"; else echo "not declared dead within 60 s of the kill"; fi
  if [[ -n "$t2" ]]; then echo "kill -9 to the first re-created worker: $(echo "$t2 - $t0" | bc) s"; fi
fi
