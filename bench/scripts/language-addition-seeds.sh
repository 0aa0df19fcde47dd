#!/usr/bin/env bash
# The shipped Addition-v0 pipeline (docs/results-language.md §0) on several seeds, one after another,
# one libtorch thread: `pg train sft`, then `pg train grpo --init <sft>`, then `pg eval --problems 300`.
# Each process runs under /usr/bin/time -v (user + system CPU seconds and peak RSS are printed, since wall
# times on a shared machine are not comparable). Extra `pg train` arguments for both stages: SFT_ARGS,
# RL_ARGS (e.g. RL_ARGS="--set learning_rate=1e-4"); ALGO picks the RL algorithm (default grpo).
#
#   SEEDS="1 2 3" OUT=runs/addition-seeds bench/scripts/language-addition-seeds.sh
#
# Needs a Release build (dotnet build -c Release src/PolicyGradient.Cli) or PG="dotnet path/to/pg.dll".
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
pg=${PG:-dotnet $repo/src/PolicyGradient.Cli/bin/Release/net10.0/pg.dll}
seeds=${SEEDS:-1 2 3}
algo=${ALGO:-grpo}
out=${OUT:-runs/addition-seeds}
mkdir -p "$out"
timed() { # name, command...: runs it, prints CPU seconds, wall and peak RSS from /usr/bin/time -v
  local name=$1; shift
  /usr/bin/time -v -o "$out/$name.time" "$@" > "$out/$name.log" 2>&1
  local rc=$?
  awk -v n="$name" -v rc="$rc" -F': ' '/User time/{u=$2} /System time/{s=$2} /Elapsed/{w=$2} /Maximum resident/{m=$2}
    END{printf "%s rc=%d cpu=%.1f s (user %.1f + sys %.1f) wall=%s peak_rss=%.0f MB\n", n, rc, u+s, u, s, w, m/1024}' "$out/$name.time"
}
echo "# $(date -u '+%F %T') UTC, load: $(cut -d' ' -f1-3 /proc/loadavg), pg: $pg"
for s in $seeds; do
  timed "sft-$s" $pg train sft Addition-v0 --seed "$s" --threads 1 --force --out "$out/sft-$s" ${SFT_ARGS:-}
  grep -oE "accuracy[^,]*" "$out/sft-$s.log" | tail -1
  timed "$algo-$s" $pg train "$algo" Addition-v0 --init "$out/sft-$s" --seed "$s" --threads 1 --force --out "$out/$algo-$s" ${RL_ARGS:-}
  echo "sft-$s eval: $($pg eval "$out/sft-$s" --problems 300 --json)"
  echo "$algo-$s eval: $($pg eval "$out/$algo-$s" --problems 300 --json)"
  echo "# $(date -u '+%F %T') UTC, load: $(cut -d' ' -f1-3 /proc/loadavg)"
done
