#!/usr/bin/env bash
# Failure detection of `pg cluster silo` (issue 12, docs/distributed.md "Fault handling"): SILOS silo processes
# (development clustering, default 2; silo 0 is the primary) and a sync ppo learner with 4 workers, optionally under
# extra CPU load (HOGS busy loops). The victim is the last silo (never the primary).
# MODE=kill (default): kill -9 of the victim once training runs; prints the seconds from the kill to the learner's
#   "declared dead" line (read by its 1-second membership poll), to its first and last "re-created" line, and to the
#   first progress.csv row written after the last re-creation (the run's recovery).
# MODE=pause: SIGSTOP of the victim for PAUSE seconds (default 3), then SIGCONT; during and after it `pg cluster
#   status` through the primary's gateway (STATUS_GATEWAYS=all: every gateway) every STATUS_EVERY seconds (default 5)
#   shows what the membership says of the victim and how long status takes; then WAIT_AFTER seconds (default 30).
#   Prints the learner's fault lines, the status lines, the victim's last log lines, whether it still runs, and
#   progress.csv rows before, during and after the pause.
# MODE=live: no kill; trains for SECONDS_LIVE (default 180) and prints how many workers the learner lost (a live
#   silo declared dead) and whether the silos still run. Load averages before and after are printed.
# Usage: bench/scripts/cluster-detect.sh [path/to/pg]    env: MODE=kill|pause|live SILOS=2 HOGS=0 PAUSE=3 SECONDS_LIVE=180
set -uo pipefail
PG=$(realpath "${1:-src/PolicyGradient.Cli/bin/Release/net10.0/pg}")
W=$(mktemp -d); base=$((20000 + RANDOM % 20000)); id="detect-$RANDOM"; hogs=(); pids=(); n=${SILOS:-2}
cleanup() { kill -9 "${hogs[@]}" ${poller:-} 2>/dev/null; kill -CONT "${pids[@]}" 2>/dev/null; kill -TERM ${l:-} 2>/dev/null; kill -TERM "${pids[@]}" 2>/dev/null; wait 2>/dev/null
  if [[ -n "${KEEP:-}" ]]; then echo "logs kept in $W"; else rm -rf "$W"; fi; }
trap cleanup EXIT
now() { perl -MTime::HiRes=time -e 'printf "%.3f", time'; }
stamp() { perl -MTime::HiRes=time -ne '$|=1; printf "%.3f %s", time, $_'; }
silo() { : > "$W/s$1.log"; "$PG" cluster silo --cluster-id "$id" --port $((base + 2 * $1)) --gateway-port $((base + 2 * $1 + 1)) "${@:2}" > "$W/s$1.out" 2> >(stamp > "$W/s$1.log") & pids+=($!); }
silo 0; until grep -q "stop it with" "$W/s0.log"; do sleep 0.2; done
gateways="127.0.0.1:$((base + 1))"
for ((i = 1; i < n; i++)); do
  silo $i --primary "127.0.0.1:$base"; until grep -q "stop it with" "$W/s$i.log"; do sleep 0.2; done
  gateways+=",127.0.0.1:$((base + 2 * i + 1))"
done
victim=${pids[$((n - 1))]}
for ((i = 0; i < ${HOGS:-0}; i++)); do (exec yes > /dev/null) & hogs+=($!); done
cd "$W"
"$PG" train ppo CartPole-v1 --seed 2 --timesteps 100000000 --quiet --set n_envs=4 --set n_steps=64 --set batch_size=64 --set n_epochs=2 \
  --cluster "$id" --gateways "$gateways" --workers 4 --out run > l.out 2> >(stamp > l.log) &
l=$!
for i in $(seq 1 900); do
  kill -0 $l 2>/dev/null || { cat l.log; exit 1; }
  [[ -f run/progress.csv && $(wc -l < run/progress.csv) -ge 4 ]] && break
  sleep 0.2
done
rows() { echo $(($(wc -l < run/progress.csv) - 1)); }
# progress.csv's row count with a time stamp whenever it changes.
(last=-1; while true; do r=$(rows); [[ $r != "$last" ]] && { echo "$(now) $r"; last=$r; }; sleep 0.1; done) > rows.log 2>/dev/null &
poller=$!
echo "load before: $(uptime | sed 's/.*load average: //'); $n silos; ${HOGS:-0} extra busy loops; $(grep -m1 "rollout workers" l.log | cut -d' ' -f2-)"
since() { echo "$1 - $2" | bc; }
if [[ "${MODE:-kill}" == pause ]]; then
  sg="127.0.0.1:$((base + 1))"; [[ "${STATUS_GATEWAYS:-primary}" == all ]] && sg=$gateways
  status() { timeout 60 "$PG" cluster status --cluster "$id" --gateways "$sg" > st.$1 2>&1; local rc=$?; echo "$(now) exit $rc" >> st.$1; }
  r0=$(rows); t0=$(now); kill -STOP $victim
  (k=0; end=$(echo "$t0 + ${PAUSE:-3} + ${WAIT_AFTER:-30}" | bc)
   while (( $(echo "$(now) < $end" | bc) )); do k=$((k + 1)); echo "$(now) $k" >> st.started; status $k & sleep "${STATUS_EVERY:-5}"; done; wait) &
  statuses=$!
  sleep "${PAUSE:-3}"; r1=$(rows); kill -CONT $victim; t1=$(now)
  sleep "${WAIT_AFTER:-30}"; wait $statuses
  alive=0; kill -0 $victim 2>/dev/null && alive=1
  echo "load after: $(uptime | sed 's/.*load average: //')"
  echo "pause ${PAUSE:-3} s: progress.csv rows $r0 at SIGSTOP, $r1 at SIGCONT, $(rows) ${WAIT_AFTER:-30} s later; paused silo still running: $alive; learner running: $(kill -0 $l 2>/dev/null && echo yes || echo no)"
  if ! kill -0 $l 2>/dev/null; then wait $l; echo "learner exited $?: $(grep -v "^[0-9.]*    at " l.log | tail -2 | cut -c1-300)"; fi
  echo "learner's fault lines (seconds after SIGSTOP):"
  grep -E "declared dead|lost \(|sent again|failed|membership|error" l.log | while read -r t rest; do echo "  +$(since "$t" "$t0") s: ${rest:0:200}"; done
  echo "pg cluster status --gateways $sg (started / answered, seconds after SIGSTOP; exit 124: killed by timeout 60):"
  while read -r t k; do
    e=$(tail -1 "st.$k" | cut -d' ' -f1); echo "  +$(since "$t" "$t0") / +$(since "$e" "$t0") s, $(tail -1 "st.$k" | cut -d' ' -f2-):"
    grep -E "^silo|error|^workers|^cluster" "st.$k" | sed 's/^/      /' | cut -c1-160
  done < st.started
  echo "the other silos' membership lines (seconds after SIGSTOP):"
  for ((i = 0; i < n - 1; i++)); do grep -ihE "dead|suspect|declar|vot" "s$i.log" | head -8 | while read -r t rest; do echo "  silo $i +$(since "$t" "$t0") s: ${rest:0:220}"; done; done
  echo "paused silo's log after SIGCONT (seconds after SIGSTOP; stack frames left out):"
  grep -v "^[0-9.]* *at " "s$((n - 1)).log" | awk -v t="$t1" '$1 > t' | head -6 | while read -r t rest; do echo "  +$(since "$t" "$t0") s: ${rest:0:240}"; done
elif [[ "${MODE:-kill}" == live ]]; then
  sleep "${SECONDS_LIVE:-180}"
  alive=0; for p in "${pids[@]}"; do kill -0 $p 2>/dev/null && alive=$((alive + 1)); done
  echo "load after: $(uptime | sed 's/.*load average: //')"
  echo "live: ${SECONDS_LIVE:-180} s, $(rows) updates, silos declared dead: $(grep -c "declared dead by the cluster$" l.log), workers lost: $(grep -c "lost (" l.log), silos still running: $alive of $n"
  grep "lost (" l.log | cut -c1-220
else
  t0=$(now); kill -9 $victim
  for i in $(seq 1 600); do grep -q "re-created on" l.log && break; sleep 0.1; done
  sleep 5   # the other lost workers' re-creations and the next updates
  t1=$(grep -m1 "declared dead by the cluster$" l.log | cut -d' ' -f1)
  t2=$(grep -m1 "re-created on" l.log | cut -d' ' -f1); t3=$(grep "re-created on" l.log | tail -1 | cut -d' ' -f1)
  t4=$([[ -n "$t3" ]] && awk -v t="$t3" '$1 > t { print $1; exit }' rows.log)
  echo "load after: $(uptime | sed 's/.*load average: //')"
  echo "workers lost: $(grep -c "re-created on" l.log)"
  if [[ -n "$t1" ]]; then echo "kill -9 to declared dead (learner's poll): $(since "$t1" "$t0") s"; else echo "not declared dead within 60 s of the kill"; fi
  if [[ -n "$t2" ]]; then echo "kill -9 to the first / last re-created worker: $(since "$t2" "$t0") / $(since "$t3" "$t0") s"; fi
  if [[ -n "$t4" ]]; then echo "kill -9 to the first update after the last re-creation (recovery): $(since "$t4" "$t0") s"; fi
fi
