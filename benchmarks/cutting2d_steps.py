"""Sub-steps per second of the masked structured Cutting-2D env, as ratios to raw CartPole-v1 steps/s.

Measured in the same run:

* ``raw CartPole``: ``gymnasium.make("CartPole-v1")`` stepped with pre-drawn random actions (reset on done);
* ``bare``: ``MaskedStructuredCutting2DEnvironment`` (the ``cutting2d_struct_masked`` config: the tutorial's
  simple problem, 180-step episodes) stepped by ``MaskedRandomPolicy`` (with the env's mask keys);
* ``full stack``: the same env built from the Hydra configs ``env=cutting2d_struct_masked
  wrappers=tutorial_cutting_2d`` (TimeLimitWrapper + MazeEnvMonitoringWrapper) plus ``LogStatsWrapper``,
  same policy.

Policy time is included for the Cutting-2D runs (and reported separately). Each figure is the best of
``--rounds`` rounds. Targets: bare >= 0.15x raw CartPole, full stack >= 0.06x.

    python benchmarks/cutting2d_steps.py [--steps 20000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import time
from typing import Any, Callable

import gymnasium as gym
import numpy as np

from maze.core.agent.random_policy import MaskedRandomPolicy

TARGET_BARE, TARGET_FULL = 0.15, 0.06


def _best(fn: Callable[[int], float], steps: int, rounds: int) -> float:
    return max(fn(steps) for _ in range(rounds))


def cartpole_steps_per_s(steps: int) -> float:
    env = gym.make("CartPole-v1")
    env.reset(seed=0)
    actions = np.random.default_rng(0).integers(0, 2, size=steps).tolist()
    t0 = time.perf_counter()
    for a in actions:
        _, _, terminated, truncated, _ = env.step(a)
        if terminated or truncated:
            env.reset()
    return steps / (time.perf_counter() - t0)


def masked_env_steps_per_s(make: Callable[[], Any], steps: int) -> float:
    env = make()
    policy = MaskedRandomPolicy(env.action_spaces_dict, mask_keys=env.action_mask_keys, seed=0)
    obs, _ = env.reset(seed=0)
    compute, step, actor_id = policy.compute_action, env.step, env.actor_id
    t0 = time.perf_counter()
    for _ in range(steps):
        obs, _, terminated, truncated, _ = step(compute(obs, actor_id=actor_id()))
        if terminated or truncated:
            obs, _ = env.reset()
    return steps / (time.perf_counter() - t0)


def policy_only_per_s(make: Callable[[], Any], steps: int) -> float:
    """Cost of the masked random policy alone on recorded observations of both sub-steps."""
    env = make()
    policy = MaskedRandomPolicy(env.action_spaces_dict, mask_keys=env.action_mask_keys, seed=0)
    obs, _ = env.reset(seed=0)
    recorded = []
    for _ in range(200):
        aid = env.actor_id()
        action = policy.compute_action(obs, actor_id=aid)
        recorded.append((obs, aid))
        obs, *_ = env.step(action)
    t0 = time.perf_counter()
    for i in range(steps):
        o, aid = recorded[i % 200]
        policy.compute_action(o, actor_id=aid)
    return steps / (time.perf_counter() - t0)


def make_bare() -> Any:
    from maze.envs.cutting2d.env.struct_env_masked import masked_struct_env_factory

    return masked_struct_env_factory(max_pieces_in_inventory=50, raw_piece_size=(4, 3),
                                     static_demand=[[1, 2], [1, 2], [1, 1], [2, 2], [1, 2], [1, 1]], max_steps=180)


def make_full_stack() -> Any:
    from hydra import compose, initialize_config_module

    from maze.core.utils.config_utils import make_env
    from maze.core.wrappers.log_stats_wrapper import LogStatsWrapper

    with initialize_config_module(config_module="maze.core.conf", version_base=None):
        cfg = compose(config_name="conf_rollout", overrides=["env=cutting2d_struct_masked", "wrappers=tutorial_cutting_2d"])
    return LogStatsWrapper.wrap(make_env(cfg.env, cfg.wrappers, call_plugins=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    cartpole = _best(cartpole_steps_per_s, args.steps, args.rounds)
    bare = _best(lambda n: masked_env_steps_per_s(make_bare, n), args.steps, args.rounds)
    full = _best(lambda n: masked_env_steps_per_s(make_full_stack, n), args.steps, args.rounds)
    policy = _best(lambda n: policy_only_per_s(make_bare, n), args.steps, args.rounds)

    print(f"raw CartPole-v1                        {cartpole:12,.0f} steps/s")
    print(f"masked struct Cutting-2D, bare         {bare:12,.0f} sub-steps/s   ratio {bare / cartpole:.3f}x "
          f"(target >= {TARGET_BARE}x, reference implementation 0.033x)")
    print(f"  + tutorial wrappers + LogStatsWrapper {full:12,.0f} sub-steps/s   ratio {full / cartpole:.3f}x "
          f"(target >= {TARGET_FULL}x, reference implementation 0.014x)")
    print(f"(MaskedRandomPolicy alone              {policy:12,.0f} actions/s: "
          f"{1e6 / policy:.1f} of {1e6 / bare:.1f} us per bare sub-step)")


if __name__ == "__main__":
    main()
