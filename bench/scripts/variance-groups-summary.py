# bench/scripts/variance-groups-seeds.sh: the group-estimator table over seeds, from one `pg diagnose gradients <sft> --json --bootstrap N` file per seed.
# usage: variance-groups-summary.py groups-1.jsonl groups-2.jsonl groups-3.jsonl
import json, sys
seeds = []
for path in sys.argv[1:]:
    rows = {}
    for line in open(path):
        line = line.strip()
        if line.startswith('{'):
            r = json.loads(line); rows[(r['estimator'], r['group_size'])] = r
    seeds.append(rows)
keys = list(seeds[0].keys())
ests = list(dict.fromkeys(k[0] for k in keys)); sizes = sorted(set(k[1] for k in keys))
def g(x): return f"{x:.3g}" if abs(x) < 1000 else f"{x:.0f}"
def tv(r): return f"{g(r['total_variance'])} [{g(r['total_variance_low'])}, {g(r['total_variance_high'])}]"
def cos(r): return f"{r['cosine_to_reference']:.2f} [{r['cosine_low']:.2f}, {r['cosine_high']:.2f}]" if 'cosine_low' in r else f"{r['cosine_to_reference']:.2f}"
print("| estimator | G | tr Σ, seed 1 | seed 2 | seed 3 | cosine to g*, seed 1 | seed 2 | seed 3 |")
print("|---|---|---|---|---|---|---|---|")
for e in ests:
    for G in sizes:
        rs = [s[(e, G)] for s in seeds]
        print(f"| {e} | {G} | " + " | ".join(tv(r) for r in rs) + " | " + " | ".join(cos(r) for r in rs) + " |")
def below(a, b, strict):   # a's tr Σ below b's; strict: a's interval entirely below b's
    return a['total_variance_high'] < b['total_variance_low'] if strict else a['total_variance'] < b['total_variance']
claims = []
for e in ests:
    claims.append((f"{e}: tr Σ at G = {sizes[-1]} below G = {sizes[0]}", lambda s, st, e=e: below(s[(e, sizes[-1])], s[(e, sizes[0])], st)))
    claims.append((f"{e}: tr Σ above at G = {sizes[-1]} than at G = {sizes[0]}", lambda s, st, e=e: below(s[(e, sizes[0])], s[(e, sizes[-1])], st)))
    claims.append((f"{e}: tr Σ falls at every step of G", lambda s, st, e=e: all(below(s[(e, sizes[i + 1])], s[(e, sizes[i])], st) for i in range(len(sizes) - 1))))
for G in sizes:
    for a, b in [("drgrpo", "grpo"), ("bnpo", "drgrpo"), ("rloo", "remax"), ("grpo", "reinforce_plus_plus"), ("remax", "reinforce_plus_plus"), ("rloo", "reinforce_plus_plus")]:
        if (a, G) in seeds[0] and (b, G) in seeds[0]:
            claims.append((f"G = {G}: tr Σ {a} < {b}", lambda s, st, a=a, b=b, G=G: below(s[(a, G)], s[(b, G)], st)))
print()
for text, pred in claims:
    print(f"- {text}: {sum(pred(s, False) for s in seeds)}/{len(seeds)} seeds (intervals apart: {sum(pred(s, True) for s in seeds)}/{len(seeds)})")
