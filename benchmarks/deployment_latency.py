"""Latency of ``AgentDeployment.act`` against a direct ``policy.compute_action`` call.

An external gymnasium CartPole-v1 (not a Maze env) produces the states; the deployment runs the policy
behind the wrapper stack TimeLimitWrapper + LogStatsWrapper on a GymMazeEnv. Both the deployment and the
baseline use the same policy on the same kind of observations, measured in the same run.

    python benchmarks/deployment_latency.py [--calls 5000] [--policy random|heuristic]

Prints p50/p99 latency in µs and the ratio of ``act`` to the direct policy call; for context also the
cost of one step of an ordinary rollout with the same stack (policy + wrapped env step). p99 values are
sensitive to machine load (thread wake-ups).
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import gymnasium as gym
import numpy as np

from maze.core.agent.policy import Policy
from maze.core.agent.random_policy import RandomPolicy
from maze.core.agent_deployment.agent_deployment import AgentDeployment
from maze.core.wrappers.log_stats_wrapper import LogStatsWrapper
from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
from maze.core.wrappers.time_limit_wrapper import TimeLimitWrapper


class HeuristicCartPolePolicy(Policy):
    """A cheap deterministic policy (pushes towards the leaning side) that exposes the deployment overhead."""

    def needs_state(self) -> bool:
        return False

    def seed(self, seed: int) -> None:
        pass

    def compute_action(self, observation: Any, maze_state: Any = None, env: Any = None, actor_id: Any = None,
                       deterministic: bool = False) -> Any:
        obs = observation["observation"]
        return {"action": int(obs[2] + 0.5 * obs[3] > 0)}


def _percentiles(ns: list[int]) -> tuple[float, float]:
    arr = np.asarray(ns, dtype=np.float64) / 1000.0
    return float(np.percentile(arr, 50)), float(np.percentile(arr, 99))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=5000)
    parser.add_argument("--policy", choices=["random", "heuristic"], default="heuristic")
    args = parser.parse_args()

    env = LogStatsWrapper.wrap(TimeLimitWrapper.wrap(GymMazeEnv("CartPole-v1"), max_episode_steps=500))
    make_policy = (lambda: RandomPolicy(env.action_spaces_dict, seed=0)) if args.policy == "random" else HeuristicCartPolePolicy
    deployment = AgentDeployment(policy=make_policy(), env=env)
    external = gym.make("CartPole-v1")

    # warm-up + measurement of act()
    act_ns: list[int] = []
    states: list[np.ndarray] = []
    state, _ = external.reset(seed=0)
    reward, episodes = 0.0, 0
    perf = time.perf_counter_ns
    for i in range(args.calls + 200):
        t0 = perf()
        maze_action = deployment.act(state, reward, False, {})
        dt = perf() - t0
        if i >= 200:
            act_ns.append(dt)
            states.append(state)
        state, reward, terminated, truncated, _ = external.step(maze_action)
        if terminated or truncated:
            deployment.close(state, reward, terminated, {})
            episodes += 1
            state, _ = external.reset()
            reward = 0.0
    deployment.shutdown()

    # baseline: the same policy called directly on the same observations
    policy = make_policy()
    direct_ns: list[int] = []
    for s in states:
        obs = {"observation": s}
        t0 = perf()
        policy.compute_action(obs, actor_id=None)
        direct_ns.append(perf() - t0)

    # context: one step of a normal (non-deployed) rollout with the same stack and policy
    env2 = LogStatsWrapper.wrap(TimeLimitWrapper.wrap(GymMazeEnv("CartPole-v1"), max_episode_steps=500))
    policy2 = make_policy()
    obs, _ = env2.reset(seed=0)
    step_ns: list[int] = []
    for _ in range(args.calls):
        t0 = perf()
        action = policy2.compute_action(obs, actor_id=None)
        obs, _, terminated, truncated, _ = env2.step(action)
        step_ns.append(perf() - t0)
        if terminated or truncated:
            obs, _ = env2.reset()

    act50, act99 = _percentiles(act_ns)
    dir50, dir99 = _percentiles(direct_ns)
    st50, st99 = _percentiles(step_ns)
    print(f"policy: {args.policy}   calls: {args.calls}   episodes closed: {episodes}")
    print(f"{'':28s}{'p50 [µs]':>10s}{'p99 [µs]':>10s}")
    print(f"{'AgentDeployment.act':28s}{act50:10.1f}{act99:10.1f}")
    print(f"{'policy.compute_action':28s}{dir50:10.1f}{dir99:10.1f}")
    print(f"{'policy + env.step (rollout)':28s}{st50:10.1f}{st99:10.1f}   (includes the CartPole simulation)")
    print(f"ratio act / direct: p50 {act50 / dir50:.1f}x   p99 {act99 / dir99:.1f}x   "
          f"(overhead p50 {act50 - dir50:.1f} µs: wrapper stack + two thread hand-offs)")


if __name__ == "__main__":
    main()
