"""Stable-Baselines3 side of the whole-process comparison in docs/benchmarks.md.

PPO with rl-baselines3-zoo's CartPole-v1 preset, the same one `pg train ppo CartPole-v1` uses.
Time the whole process from outside: `/usr/bin/time -f %e python3 sb3_ppo_cartpole.py SEED`.
Needs stable-baselines3 2.4.1, gymnasium 1.0.0 and torch importable (docs/benchmarks.md says how
they were installed for the published figures).
"""
import sys

from stable_baselines3 import PPO
from stable_baselines3.common.env_util import make_vec_env

seed = int(sys.argv[1]) if len(sys.argv) > 1 else 0
env = make_vec_env("CartPole-v1", n_envs=8, seed=seed)


def linear(initial):
    return lambda progress_remaining: progress_remaining * initial


model = PPO("MlpPolicy", env, n_steps=32, batch_size=256, gae_lambda=0.8, gamma=0.98, n_epochs=20,
            ent_coef=0.0, learning_rate=linear(0.001), clip_range=linear(0.2), seed=seed,
            device="cpu", verbose=0)
model.learn(100_000)
