#!/usr/bin/env python3
"""PyTorch eager reference of PolicyGradient.NET's language policy, for the speed/memory comparison (issue 16).

Written for this comparison from PolicyGradient.NET's own documentation and code (Language/Model,
Language/Serialization, Language/Tasks, Environments/Rng), nothing copied from elsewhere. It needs only
torch (1.13 is what the development machine has) and the standard library.

The model: the 806,528-parameter decoder of the Addition-v0 preset, GPT-2 layout: token + learned position
embeddings, 4 pre-norm blocks (LayerNorm eps 1e-5, 4-head causal self-attention with biases, MLP 128 -> 512
-> 128 with tanh-GELU), final LayerNorm, output head tied to the token embedding. Positions count only real
tokens (left padding: position = real tokens before it), a query attends to the real keys up to itself and
always to itself, as TransformerPolicy.Forward does. Weights come from a `pg` checkpoint folder
(model.safetensors in the Hugging Face GPT-2 layout that HfCheckpoint writes, config.json).

The task: Addition-v0 (3 digits) with the same problems as `pg`: xoshiro256** seeded by SplitMix64 (Rng),
Lemire's bounded integers (Rng.NextInt), the FNV-1a held-out split (1 prompt in 10), the held-out set of
seed 20240601, the character tokenizer (pad 0, BOS 1, EOS 2, then the alphabet).

Modes (one libtorch thread unless --threads):
  eval  CKPT [--problems 300]          greedy held-out exact match (compare with `pg eval CKPT --problems 300`)
  gen   CKPT [--steps 5]               GRPO generation: 64 prompts x 8 samples at T = 1, KV cache, 5 new tokens
  grpo  CKPT [--steps 5]               generation + one GRPO update (group-normalized advantages, PPO-clip
                                       0.2 token-mean, one epoch, rows with zero advantage skipped, AdamW 2e-4,
                                       gradient clip 1.0): generation and update tokens/s reported separately
  sft   CKPT [--steps 20]              SFT steps of 64 problems (AdamW 1e-3, clip 1.0)
Every mode prints one JSON line: the figures, and the process's peak RSS (ru_maxrss).

Token counts, as `pg` counts them: generation and update tokens are response tokens up to and including
EOS (padding after EOS excluded), summed over the whole batch; SFT tokens are the answer tokens plus EOS
(the tokens the loss is computed on; prompt tokens excluded).
"""
import argparse
import json
import math
import os
import resource
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

MASK64 = (1 << 64) - 1
ALPHABET = "0123456789+-*/=()[],:; abcdefghijklmnopqrstuvwxyz<>|"
PAD, BOS, EOS = 0, 1, 2
HELDOUT_SEED = 20240601


# ---------------------------------------------------------------- problems (same stream as pg's Rng)
class Rng:
    """xoshiro256** seeded through SplitMix64, as PolicyGradient.Environments.Rng."""

    def __init__(self, seed):
        x = seed & MASK64
        s = []
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & MASK64
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
            s.append(z ^ (z >> 31))
        self.s = s

    @staticmethod
    def _rotl(v, k):
        return ((v << k) | (v >> (64 - k))) & MASK64

    def next_u64(self):
        s0, s1, s2, s3 = self.s
        result = (self._rotl((s1 * 5) & MASK64, 7) * 9) & MASK64
        t = (s1 << 17) & MASK64
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = self._rotl(s3, 45)
        self.s = [s0, s1, s2, s3]
        return result

    def next_int(self, n):
        """Lemire's method on the low 32 bits, as Rng.NextInt(n)."""
        m = (self.next_u64() & 0xFFFFFFFF) * n
        low = m & 0xFFFFFFFF
        if low < n:
            threshold = ((1 << 32) - n) % n
            while low < threshold:
                m = (self.next_u64() & 0xFFFFFFFF) * n
                low = m & 0xFFFFFFFF
        return m >> 32


def is_held_out(prompt):
    h = 2166136261
    for c in prompt:
        h ^= ord(c)
        h = (h * 16777619) & 0xFFFFFFFF
    return h % 10 == 0


def addition(rng, digits=3):
    lo, hi = 10 ** (digits - 1), 10 ** digits - 1
    a = lo + rng.next_int(hi + 1 - lo)
    b = lo + rng.next_int(hi + 1 - lo)
    return f"{a}+{b}=", str(a + b)


def train_problems(rng, count):
    out = []
    while len(out) < count:
        p = addition(rng)
        if not is_held_out(p[0]):
            out.append(p)
    return out


def held_out(count):
    rng, seen, out = Rng(HELDOUT_SEED), set(), []
    for _ in range(200 * count):
        if len(out) == count:
            break
        p = addition(rng)
        if is_held_out(p[0]) and p[0] not in seen:
            seen.add(p[0])
            out.append(p)
    return out


def encode(text):
    return [3 + ALPHABET.index(c) for c in text]


def decode(ids):
    chars = []
    for i in ids:
        if i == EOS:
            break
        if 3 <= i < 3 + len(ALPHABET):
            chars.append(ALPHABET[i - 3])
    return "".join(chars)


def left_pad(seqs):
    width = max(len(s) for s in seqs)
    tokens = torch.tensor([[PAD] * (width - len(s)) + s for s in seqs], dtype=torch.long)
    mask = torch.tensor([[0] * (width - len(s)) + [1] * len(s) for s in seqs], dtype=torch.long)
    return tokens, mask


def right_pad(seqs):
    width = max(len(s) for s in seqs)
    tokens = torch.tensor([s + [PAD] * (width - len(s)) for s in seqs], dtype=torch.long)
    mask = torch.tensor([[1.0] * len(s) + [0.0] * (width - len(s)) for s in seqs])
    return tokens, mask


# ---------------------------------------------------------------- the model
class Block(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.ln_1 = nn.LayerNorm(width, eps=1e-5)
        self.q, self.k, self.v, self.o = (nn.Linear(width, width) for _ in range(4))
        self.ln_2 = nn.LayerNorm(width, eps=1e-5)
        self.up = nn.Linear(width, 4 * width)
        self.down = nn.Linear(4 * width, width)

    def attend(self, x, allowed, cache, layer):
        b, t, w = x.shape
        hs = w // self.heads

        def split(y):
            return y.view(b, t, self.heads, hs).transpose(1, 2)

        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        if cache is not None:
            if layer in cache:
                pk, pv = cache[layer]
                k, v = torch.cat([pk, k], 2), torch.cat([pv, v], 2)
            cache[layer] = (k, v)
        scores = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(hs)
        scores = scores.masked_fill(~allowed, float("-inf"))
        y = torch.matmul(F.softmax(scores, -1), v)
        return self.o(y.transpose(1, 2).contiguous().view(b, t, w))

    def forward(self, x, allowed, cache, layer):
        x = x + self.attend(self.ln_1(x), allowed, cache, layer)
        return x + self.down(F.gelu(self.up(self.ln_2(x)), approximate="tanh"))


class Policy(nn.Module):
    def __init__(self, vocab, width, layers, heads, positions):
        super().__init__()
        self.wte = nn.Embedding(vocab, width)
        self.wpe = nn.Embedding(positions, width)
        self.h = nn.ModuleList(Block(width, heads) for _ in range(layers))
        self.ln_f = nn.LayerNorm(width, eps=1e-5)

    def forward(self, tokens, mask, cache=None, past=0):
        """Logits [B, T, V] of `tokens` [B, T]; `mask` [B, past + T] marks real tokens."""
        t, s = tokens.shape[1], mask.shape[1]
        key_mask = mask.ne(0)
        positions = (key_mask.long().cumsum(1) - 1).clamp_min(0)[:, past:past + t]
        key_index = torch.arange(s).unsqueeze(0)
        query_index = torch.arange(past, s).unsqueeze(1)
        allowed = (key_index.le(query_index).unsqueeze(0) & key_mask.unsqueeze(1)) | key_index.eq(query_index).unsqueeze(0)
        x = self.wte(tokens) + self.wpe(positions)
        for i, block in enumerate(self.h):
            x = block(x, allowed.unsqueeze(1), cache, i)
        return torch.matmul(self.ln_f(x), self.wte.weight.t())


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise SystemExit(f"{path}: tensor {name} is {info['dtype']}; this reference reads F32 checkpoints")
        a, b = info["data_offsets"]
        out[name] = torch.frombuffer(bytearray(data[8 + n + a:8 + n + b]), dtype=torch.float32).view(info["shape"])
    return out


def load(ckpt):
    folder = os.path.join(ckpt, "checkpoints", "final") if os.path.isdir(os.path.join(ckpt, "checkpoints", "final")) else ckpt
    with open(os.path.join(folder, "config.json")) as f:
        cfg = json.load(f)
    if cfg.get("model_type") != "gpt2":
        raise SystemExit(f"{folder}: model_type {cfg.get('model_type')!r}; this reference implements the GPT-2 layout only")
    model = Policy(cfg["vocab_size"], cfg["n_embd"], cfg["n_layer"], cfg["n_head"], cfg["n_positions"])
    w = read_safetensors(os.path.join(folder, "model.safetensors"))
    width = cfg["n_embd"]
    state = {"wte.weight": w["transformer.wte.weight"], "wpe.weight": w["transformer.wpe.weight"],
             "ln_f.weight": w["transformer.ln_f.weight"], "ln_f.bias": w["transformer.ln_f.bias"]}
    for i in range(cfg["n_layer"]):
        p, h = f"h.{i}.", f"transformer.h.{i}."
        for ln in ("ln_1", "ln_2"):
            state[p + ln + ".weight"], state[p + ln + ".bias"] = w[h + ln + ".weight"], w[h + ln + ".bias"]
        # Conv1D layout [in, out]; c_attn holds q | k | v along out.
        cw, cb = w[h + "attn.c_attn.weight"], w[h + "attn.c_attn.bias"]
        for j, name in enumerate("qkv"):
            state[p + name + ".weight"] = cw[:, j * width:(j + 1) * width].t().contiguous()
            state[p + name + ".bias"] = cb[j * width:(j + 1) * width].clone()
        state[p + "o.weight"], state[p + "o.bias"] = w[h + "attn.c_proj.weight"].t().contiguous(), w[h + "attn.c_proj.bias"]
        state[p + "up.weight"], state[p + "up.bias"] = w[h + "mlp.c_fc.weight"].t().contiguous(), w[h + "mlp.c_fc.bias"]
        state[p + "down.weight"], state[p + "down.bias"] = w[h + "mlp.c_proj.weight"].t().contiguous(), w[h + "mlp.c_proj.bias"]
    model.load_state_dict(state)
    return model


# ---------------------------------------------------------------- generation, losses
@torch.no_grad()
def generate(model, prompts, max_new, greedy, generator=None):
    """Tokens [B, max_new] (PAD after EOS) and the response mask [B, max_new] (1 up to and including EOS)."""
    tokens, mask = prompts
    cache = {}
    logits = model(tokens, mask, cache, 0)[:, -1]
    b = tokens.shape[0]
    finished = torch.zeros(b, dtype=torch.bool)
    out, out_mask = [], []
    for step in range(max_new):
        if greedy:
            nxt = logits.argmax(-1)
        else:
            nxt = torch.multinomial(F.softmax(logits.float(), -1), 1, generator=generator).squeeze(-1)
        nxt = nxt.masked_fill(finished, PAD)
        out.append(nxt)
        out_mask.append((~finished).float())
        finished = finished | nxt.eq(EOS)
        if bool(finished.all()) or step == max_new - 1:
            break
        past = mask.shape[1]
        mask = torch.cat([mask, torch.ones(b, 1, dtype=torch.long)], 1)
        logits = model(nxt.unsqueeze(1), mask, cache, past)[:, -1]
    return torch.stack(out, 1), torch.stack(out_mask, 1)


def response_log_probs(model, prompt, prompt_mask, response, response_mask):
    tokens = torch.cat([prompt, response], 1)
    mask = torch.cat([prompt_mask, response_mask.long()], 1)
    logits = model(tokens, mask)[:, prompt.shape[1] - 1:-1]
    return torch.gather(F.log_softmax(logits.float(), -1), 2, response.unsqueeze(-1)).squeeze(-1)


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_eval(model, args):
    problems = held_out(args.problems)
    model.eval()
    correct = 0
    for i in range(0, len(problems), 100):
        chunk = problems[i:i + 100]
        prompts = left_pad([[BOS] + encode(p) for p, _ in chunk])
        out, _ = generate(model, prompts, max_new=5, greedy=True)
        correct += sum(decode(row.tolist()).strip() == ref for row, (_, ref) in zip(out, chunk))
    return {"accuracy": correct / len(problems), "problems": len(problems)}


def run_grpo(model, args, update):
    rng, gen = Rng(args.seed), torch.Generator().manual_seed(args.seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-4, weight_decay=0.0)
    gen_tokens = gen_s = upd_tokens = upd_s = 0.0
    for _ in range(args.steps):
        problems = train_problems(rng, 64)
        rows = [p for p in problems for _ in range(8)]
        prompt, prompt_mask = left_pad([[BOS] + encode(p) for p, _ in rows])
        model.eval()
        t0 = time.perf_counter()
        response, response_mask = generate(model, (prompt, prompt_mask), max_new=5, greedy=False, generator=gen)
        gen_s += time.perf_counter() - t0
        tokens = float(response_mask.sum())
        gen_tokens += tokens
        if not update:
            continue
        rewards = torch.tensor([float(decode(r.tolist()).strip() == ref) for r, (_, ref) in zip(response, rows)]).view(64, 8)
        adv = ((rewards - rewards.mean(1, keepdim=True)) / (rewards.std(1, keepdim=True) + 1e-6)).view(-1)
        model.train()
        t0 = time.perf_counter()
        keep = adv.ne(0).nonzero().squeeze(-1)   # rows whose advantage is 0 add nothing to the gradient
        optimizer.zero_grad()
        if keep.numel() > 0:
            logp = response_log_probs(model, prompt[keep], prompt_mask[keep], response[keep], response_mask[keep])
            ratio = torch.exp(logp - logp.detach())   # one epoch: old policy = current policy
            a = adv[keep].unsqueeze(1)
            per_token = -torch.min(ratio * a, ratio.clamp(0.8, 1.2) * a)
            loss = (per_token * response_mask[keep]).sum() / response_mask.sum()   # token-mean over the whole batch
            loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        upd_s += time.perf_counter() - t0
        upd_tokens += tokens
    result = {"generation_tokens_per_second": gen_tokens / gen_s, "generation_seconds": gen_s}
    if update:
        result.update({"update_tokens_per_second": upd_tokens / upd_s, "update_seconds": upd_s})
    return result


def run_sft(model, args):
    rng = Rng(args.seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.0)
    model.train()
    tokens = seconds = 0.0
    for _ in range(args.steps):
        problems = train_problems(rng, 64)
        prompt, prompt_mask = left_pad([[BOS] + encode(p) for p, _ in problems])
        target, target_mask = right_pad([encode(r) + [EOS] for _, r in problems])
        t0 = time.perf_counter()
        logp = response_log_probs(model, prompt, prompt_mask, target, target_mask)
        loss = -(logp * target_mask).sum() / target_mask.sum()
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        seconds += time.perf_counter() - t0
        tokens += float(target_mask.sum())
    return {"sft_tokens_per_second": tokens / seconds, "sft_seconds": seconds, "last_loss": float(loss)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["eval", "gen", "grpo", "sft"])
    ap.add_argument("checkpoint", help="a pg run folder or checkpoint folder (config.json + model.safetensors)")
    ap.add_argument("--problems", type=int, default=300)
    ap.add_argument("--steps", type=int, default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    model = load(args.checkpoint)
    params = sum(p.numel() for p in model.parameters())
    start = time.perf_counter()
    if args.mode == "eval":
        result = run_eval(model, args)
    elif args.mode in ("gen", "grpo"):
        args.steps = args.steps or 5
        result = run_grpo(model, args, update=args.mode == "grpo")
    else:
        args.steps = args.steps or 20
        result = run_sft(model, args)
    result.update({"mode": args.mode, "parameters": params, "threads": args.threads, "torch": torch.__version__,
                   "steps": args.steps, "wall_seconds": time.perf_counter() - start, "peak_rss_mb": rss_mb()})
    print(json.dumps(result))


if __name__ == "__main__":
    sys.exit(main())
