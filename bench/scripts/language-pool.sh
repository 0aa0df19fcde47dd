#!/usr/bin/env bash
# "RL beyond the data" (issue 16; docs/results-language.md, "RL beyond the data"): per seed, SFT on a fixed pool
# of POOL training problems (sft_pool_size) for SFT_STEPS steps, evaluated every EVAL_EVERY steps so the
# plateau/overfitting shows, then each RL algorithm of ALGOS from that SFT run on fresh prompts, rewarded by the
# verifier only, with the shipped RL preset (RL_ARGS adds flags, e.g. "--steps 100"). One process at a time, one
# libtorch thread, each under /usr/bin/time -v. Prints per run: CPU seconds, peak RSS, and `pg eval --problems 300`.
#
#   SEEDS="1 2 3" ALGOS="grpo drgrpo dapo rloo gspo sapo" OUT=runs/pool bench/scripts/language-pool.sh
#
# Needs a Release build (dotnet build -c Release src/PolicyGradient.Cli) or PG="dotnet path/to/pg.dll".
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
pg=${PG:-dotnet $repo/src/PolicyGradient.Cli/bin/Release/net10.0/pg.dll}
seeds=${SEEDS:-1 2 3}
algos=${ALGOS:-grpo drgrpo dapo rloo gspo sapo}
pool=${POOL:-2000}
sft_steps=${SFT_STEPS:-2000}
eval_every=${EVAL_EVERY:-250}
out=${OUT:-runs/pool}
mkdir -p "$out"
timed() { # name, command...: runs it under /usr/bin/time -v; prints CPU seconds, wall and peak RSS
  local name=$1; shift
  /usr/bin/time -v -o "$out/$name.time" "$@" > "$out/$name.log" 2>&1
  local rc=$?
  awk -v n="$name" -v rc="$rc" -F': ' '/User time/{u=$2} /System time/{s=$2} /Elapsed/{w=$2} /Maximum resident/{m=$2}
    END{printf "%s rc=%d cpu=%.1f s wall=%s peak_rss=%.0f MB\n", n, rc, u+s, w, m/1024}' "$out/$name.time"
}
echo "# $(date -u '+%F %T') UTC, load: $(cut -d' ' -f1-3 /proc/loadavg), pool $pool, SFT $sft_steps steps"
for s in $seeds; do
  timed "sft-pool-$s" $pg train sft Addition-v0 --seed "$s" --steps "$sft_steps" --threads 1 --force --out "$out/sft-pool-$s" \
    --set sft_pool_size="$pool" --set eval_every="$eval_every" ${SFT_ARGS:-}
  echo "sft-pool-$s curve (step: held-out): $(awk -F, 'NR==1{for(i=1;i<=NF;i++) if($i=="heldout_accuracy") c=i; next} $c!=""{printf "%s: %.1f %%  ", $1, 100*$c}' "$out/sft-pool-$s/progress.csv")"
  echo "sft-pool-$s eval: $($pg eval "$out/sft-pool-$s" --problems 300 --json)"
  for a in $algos; do
    timed "$a-$s" $pg train "$a" Addition-v0 --init "$out/sft-pool-$s" --seed "$s" --threads 1 --force --out "$out/$a-$s" ${RL_ARGS:-}
    echo "$a-$s eval: $($pg eval "$out/$a-$s" --problems 300 --json)"
  done
  echo "# $(date -u '+%F %T') UTC, load: $(cut -d' ' -f1-3 /proc/loadavg)"
done
