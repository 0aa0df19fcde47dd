#!/usr/bin/env bash
# PG.NET against a PyTorch eager re-implementation (bench/compare/torch_language.py) on the Addition-v0
# model (806,528 parameters), one thread each, interleaved round by round so both see the same load
# (docs/results-language.md, "PyTorch reference"). Per round:
#   pg:    pg train grpo Addition-v0 --init SFT --steps GRPO_STEPS (64 prompts x 8, 5 new tokens; generation and
#          update tokens/s are the means of progress.csv's generation_tokens_per_second/training_tokens_per_second),
#          pg train sft Addition-v0 --steps SFT_STEPS (batch 64; answer_tokens_per_second: answer + EOS tokens)
#   torch: torch_language.py grpo SFT --steps GRPO_STEPS, torch_language.py sft SFT --steps SFT_STEPS
# Every process runs under /usr/bin/time -v (peak RSS, CPU seconds). First it checks that both sides give the
# same held-out greedy accuracy for the checkpoint (pg eval vs torch_language.py eval).
#
#   SFT=runs/sft-Addition-v0 ROUNDS=3 bench/scripts/language-vs-torch.sh
#
# Needs a Release build (dotnet build -c Release src/PolicyGradient.Cli) and a python3 with torch
# (PYTHON=/usr/bin/python3 by default; the machine's is 1.13).
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
pg=${PG:-dotnet $repo/src/PolicyGradient.Cli/bin/Release/net10.0/pg.dll}
python=${PYTHON:-/usr/bin/python3}
sft=${SFT:?set SFT to a pg sft run folder of Addition-v0 (pg train sft Addition-v0 --out DIR)}
rounds=${ROUNDS:-3}
grpo_steps=${GRPO_STEPS:-20}
sft_steps=${SFT_STEPS:-100}
out=$(mktemp -d "${TMPDIR:-/tmp}/pg-vs-torch.XXXXXX")
trap 'rm -rf "$out"' EXIT
ref="$repo/bench/compare/torch_language.py"

timed() { # label, command...: prints the command's last output line, CPU seconds and peak RSS
  local label=$1; shift
  /usr/bin/time -v -o "$out/time" "$@" > "$out/stdout" 2>&1
  local rc=$?
  printf '%s rc=%d %s' "$label" "$rc" "$(awk -F': ' '/User time/{u=$2} /System time/{s=$2} /Maximum resident/{m=$2}
    END{printf "cpu=%.1fs peak_rss=%.0fMB", u+s, m/1024}' "$out/time")"
}
csv_mean() { # progress.csv, column: mean of the column over the rows that have it
  awk -F, -v col="$2" 'NR==1{for(i=1;i<=NF;i++) if($i==col) c=i; next} c && $c!=""{s+=$c; n++} END{if(n) printf "%s=%.0f", col, s/n}' "$1"
}

echo "# $(date -u '+%F %T') UTC, load: $(cut -d' ' -f1-3 /proc/loadavg), checkpoint: $sft"
echo "pg eval:    $($pg eval "$sft" --problems 300 --json)"
echo "torch eval: $($python "$ref" eval "$sft" --problems 300)"
for r in $(seq 1 "$rounds"); do
  echo "# round $r, load: $(cut -d' ' -f1-3 /proc/loadavg)"
  timed "pg grpo" $pg train grpo Addition-v0 --init "$sft" --steps "$grpo_steps" --set eval_every=0 --set eval_problems=1 \
    --threads 1 --quiet --force --out "$out/grpo"
  echo " $(csv_mean "$out/grpo/progress.csv" generation_tokens_per_second) $(csv_mean "$out/grpo/progress.csv" training_tokens_per_second)"
  timed "torch grpo" "$python" "$ref" grpo "$sft" --steps "$grpo_steps"; echo " $(tail -1 "$out/stdout")"
  timed "pg sft" $pg train sft Addition-v0 --steps "$sft_steps" --set eval_every=0 --set eval_problems=1 \
    --threads 1 --quiet --force --out "$out/sft"
  echo " $(csv_mean "$out/sft/progress.csv" answer_tokens_per_second)"
  timed "torch sft" "$python" "$ref" sft "$sft" --steps "$sft_steps"; echo " $(tail -1 "$out/stdout")"
done
