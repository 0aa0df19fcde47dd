#!/usr/bin/env bash
# docs/variance.md, "PROPS on Pendulum-v1": the shipped ppo Pendulum-v1 preset (100k steps, 4 copies x 1024 steps), seeds
# 1-3, on-policy sampling against PROPS with the settings below (extra `--set` arguments replace them), an evaluation
# every 20k steps (10 deterministic episodes) and 20 deterministic episodes of each final policy. Per run: the mean and
# median of sampling_error over the 25 updates, the PROPS update figures, the evaluations, the final evaluation and the
# CPU seconds.
#
#   bench/scripts/variance-props-pendulum.sh [OUT_DIR] [--set key=value ...]
#
# Needs a Release build (dotnet build -c Release).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$(mktemp -d "${TMPDIR:-/tmp}/pg-props.XXXXXX")}
shift || true
pg=(dotnet "$repo/src/PolicyGradient.Cli/bin/Release/net10.0/pg.dll")
props=(--set sampling=props --set props.update_every=64 --set props.learning_rate=0.001 --set props.clip_range=0.3
       --set props.kl_weight=0.3 --set props.target_kl=0.004 --set props.freeze_features=true "$@")
echo "# $(date -u '+%F %T') UTC, load: $(cut -d' ' -f1-3 /proc/loadavg), commit $(git -C "$repo" rev-parse --short HEAD)"
for seed in 1 2 3; do
  for sampling in on_policy props; do
    run="$out/$sampling-s$seed"
    extra=(); [ "$sampling" = props ] && extra=("${props[@]}")
    /usr/bin/time -f "%U %S" -o "$run.time" "${pg[@]}" train ppo Pendulum-v1 --seed "$seed" --threads 1 --quiet --force --out "$run" \
      --set eval_freq=20000 --set eval_episodes=10 "${extra[@]}" > /dev/null
    final=$("${pg[@]}" eval "$run" --episodes 20 --deterministic --json)
    python3 - "$run" "$sampling" "$seed" "$final" "$(cat "$run.time")" <<'PY'
import csv, json, os, statistics, sys
run, sampling, seed, final, times = sys.argv[1:6]
rows = list(csv.DictReader(open(os.path.join(run, 'progress.csv'))))
se = [float(r['sampling_error']) for r in rows if r.get('sampling_error')]
kl = [float(r['props_approx_kl']) for r in rows if r.get('props_approx_kl')]
ev = list(csv.DictReader(open(os.path.join(run, 'evaluations.csv'))))
key = next(k for k in ev[0] if 'mean' in k)
f = json.loads(final)
print(f"{sampling} seed {seed}: sampling_error mean {statistics.mean(se):.6f} median {statistics.median(se):.6f} over {len(se)} updates"
      + (f", PROPS approx KL {statistics.mean(kl):.4f}" if kl else "")
      + f"; evaluations {[round(float(r[key])) for r in ev]}; final {f['mean_return']:.1f} ± {f['std_return']:.1f}; CPU {sum(map(float, times.split())):.0f} s")
PY
  done
done
echo "# $(date -u '+%F %T') UTC, load: $(cut -d' ' -f1-3 /proc/loadavg)"
