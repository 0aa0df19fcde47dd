"""Stable-Baselines3 side of the off-policy whole-process comparison in docs/benchmarks.md.

`python3 sb3_offpolicy_pendulum.py ALGO SEED [STEPS]` trains SAC, TD3 or DDPG on Pendulum-v1 with
rl-baselines3-zoo's Pendulum-v1 hyperparameters as `pg train ALGO Pendulum-v1` ships them:
SAC: SB3 defaults (256-256 ReLU, batch 256, buffer 1e6, learning_starts 100, tau 0.005, gamma 0.99,
train_freq 1, gradient_steps 1, ent_coef auto) with learning_rate 1e-3, 20k steps.
TD3/DDPG: net_arch 400-300, Gaussian action noise std 0.1, learning_starts 10000, learning_rate 1e-3,
buffer_size 200000, gamma 0.98, train_freq (1, "episode"), gradient_steps -1, 20k steps.
Time the whole process from outside: `/usr/bin/time -f %e python3 sb3_offpolicy_pendulum.py sac 1`.
Prints the mean return of 10 deterministic evaluation episodes.
Needs stable-baselines3 2.4.1, gymnasium 1.0.0 and torch importable (docs/benchmarks.md).
"""
import sys

import numpy as np
from stable_baselines3 import DDPG, SAC, TD3
from stable_baselines3.common.evaluation import evaluate_policy
from stable_baselines3.common.noise import NormalActionNoise

algo = sys.argv[1] if len(sys.argv) > 1 else "sac"
seed = int(sys.argv[2]) if len(sys.argv) > 2 else 0
steps = int(sys.argv[3]) if len(sys.argv) > 3 else 20_000
if algo == "sac":
    model = SAC("MlpPolicy", "Pendulum-v1", learning_rate=1e-3, seed=seed, device="cpu", verbose=0)
else:
    noise = NormalActionNoise(mean=np.zeros(1), sigma=0.1 * np.ones(1))
    cls = {"td3": TD3, "ddpg": DDPG}[algo]
    model = cls("MlpPolicy", "Pendulum-v1", learning_rate=1e-3, learning_starts=10_000, action_noise=noise,
                buffer_size=200_000, gamma=0.98, train_freq=(1, "episode"), gradient_steps=-1,
                policy_kwargs=dict(net_arch=[400, 300]), seed=seed, device="cpu", verbose=0)
model.learn(steps)
mean, std = evaluate_policy(model, model.get_env(), n_eval_episodes=10, deterministic=True)
print(f"mean return {mean:.1f} +- {std:.1f}")
