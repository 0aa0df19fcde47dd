#!/usr/bin/env bash
# Learner stop with a dead silo (issue 12, docs/distributed.md "Fault handling"): two `pg cluster silo`
# processes (development clustering), a sync ppo learner with 4 workers, then kill -9 of one silo and
# SIGTERM to the learner 0.3 s later. Prints the learner's exit code and seconds from SIGTERM to exit
# (or STILL RUNNING after 150 s), and its last lines.
# Usage: bench/scripts/cluster-stop.sh [path/to/pg]    env: KILL=second (default) | primary
set -uo pipefail
PG=$(realpath "${1:-src/PolicyGradient.Cli/bin/Release/net10.0/pg}")
W=$(mktemp -d); base=$((20000 + RANDOM % 20000)); id="stop-$RANDOM"
trap 'kill -TERM ${s0:-} ${s1:-} 2>/dev/null; wait 2>/dev/null; rm -rf "$W"' EXIT
silo() { : > "$W/s$1.log"; "$PG" cluster silo --cluster-id "$id" --port $((base + 2 * $1)) --gateway-port $((base + 2 * $1 + 1)) "${@:2}" > "$W/s$1.out" 2> "$W/s$1.log" & }
silo 0; s0=$!; until grep -q "stop it with" "$W/s0.log"; do sleep 0.2; done
silo 1 --primary "127.0.0.1:$base"; s1=$!; until grep -q "stop it with" "$W/s1.log"; do sleep 0.2; done
cd "$W"
"$PG" train ppo CartPole-v1 --seed 2 --timesteps 10000000 --quiet --checkpoint-every 512 --set n_envs=4 --set n_steps=64 \
  --set batch_size=64 --set n_epochs=2 --cluster "$id" --gateways "127.0.0.1:$((base + 1)),127.0.0.1:$((base + 3))" --workers 4 --out run > l.out 2> l.log &
l=$!
for i in $(seq 1 900); do
  kill -0 $l 2>/dev/null || { cat l.log; exit 1; }
  [[ -f run/progress.csv && $(wc -l < run/progress.csv) -ge 4 ]] && break
  sleep 0.2
done
victim=$s1; [[ "${KILL:-second}" == primary ]] && victim=$s0
echo "load: $(uptime | sed 's/.*load average: //'); killing the ${KILL:-second} silo"
kill -9 $victim; sleep 0.3; t0=$(date +%s.%N); kill -TERM $l
for i in $(seq 1 300); do kill -0 $l 2>/dev/null || break; sleep 0.5; done
if kill -0 $l 2>/dev/null; then echo "STILL RUNNING $(echo "$(date +%s.%N) - $t0" | bc) s after SIGTERM"; kill -9 $l
else wait $l; echo "exit $? $(echo "$(date +%s.%N) - $t0" | bc) s after SIGTERM"; fi
grep -v "^   at " l.log | tail -4
