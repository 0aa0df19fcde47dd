"""Stable-Baselines3 side of the A2C whole-process comparison in docs/benchmarks.md.

A2C with rl-baselines3-zoo's CartPole-v1 preset (8 envs, 500k steps, ent_coef 0; SB3's A2C defaults
otherwise: n_steps 5, RMSprop lr 7e-4, gamma 0.99), the one `pg train a2c CartPole-v1` uses.
Time the whole process from outside: `/usr/bin/time -f %e python3 sb3_a2c_cartpole.py SEED`.
Needs stable-baselines3 2.4.1, gymnasium 1.0.0 and torch importable (SB3 from its v2.4.1 sources, Gymnasium v1.0.0 sources, Debian python3-torch; docs/benchmarks.md).
"""
import sys

from stable_baselines3 import A2C
from stable_baselines3.common.env_util import make_vec_env

seed = int(sys.argv[1]) if len(sys.argv) > 1 else 0
env = make_vec_env("CartPole-v1", n_envs=8, seed=seed)
model = A2C("MlpPolicy", env, ent_coef=0.0, seed=seed, device="cpu", verbose=0)
model.learn(500_000)
