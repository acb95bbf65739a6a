"""The rollout runners' documented Python API: run_with(env=..., wrappers=..., agent=...) and deterministic=."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from line_walker_env import GreedyWalkerPolicy, LineWalkerEnv

from maze.core.agent.policy import Policy
from maze.core.log_stats.log_stats import GlobalLogState
from maze.core.rollout.parallel_rollout_runner import ParallelRolloutRunner
from maze.core.rollout.sequential_rollout_runner import SequentialRolloutRunner
from maze.core.utils.seeding import MazeSeeding

SCALING = {"maze.core.wrappers.reward_scaling_wrapper.RewardScalingWrapper": {"scale": 0.1}}


class GreedyOnlyWhenDeterministic(Policy):
    """Walks to the goal when asked for deterministic actions, otherwise stays where it is."""

    def needs_state(self) -> bool:
        return False

    def seed(self, seed: int) -> None:
        pass

    def compute_action(self, observation: Any, maze_state: Any = None, env: Any = None, actor_id: Any = None,
                       deterministic: bool = False) -> Any:
        if deterministic:
            return GreedyWalkerPolicy().compute_action(observation)
        return {"move": np.int64(1)}  # move 0: stay


def _sequential(tmp_path, **kwargs) -> SequentialRolloutRunner:
    GlobalLogState.reset()
    runner = SequentialRolloutRunner(n_episodes=2, **kwargs)
    runner.output_dir = str(tmp_path)
    runner.maze_seeding = MazeSeeding(explicit_env_seeds=[3], agent_seed=1)
    return runner


def test_sequential_run_with_applies_the_wrappers_and_takes_the_agent(tmp_path):
    plain = _sequential(tmp_path / "plain").run_with(LineWalkerEnv(size=10, max_steps=12), GreedyWalkerPolicy())
    scaled = _sequential(tmp_path / "scaled").run_with(env=LineWalkerEnv(size=10, max_steps=12), wrappers=SCALING,
                                                       agent=GreedyWalkerPolicy())
    assert [r.steps for r in scaled] == [r.steps for r in plain]
    np.testing.assert_allclose([r.total_reward for r in scaled], [0.1 * r.total_reward for r in plain])
    # configs work as well: the env config gets the wrappers, the policy config the env's declarations
    from_configs = _sequential(tmp_path / "configs").run_with(
        env={"_target_": "line_walker_env.make_line_walker_env", "size": 10, "max_steps": 12}, wrappers=SCALING,
        agent={"_target_": "line_walker_env.GreedyWalkerPolicy"})
    assert [r.total_reward for r in from_configs] == [r.total_reward for r in scaled]
    runner = _sequential(tmp_path / "bad")
    with pytest.raises(TypeError, match="pass exactly one of policy=... and agent="):
        runner.run_with(LineWalkerEnv())
    with pytest.raises(TypeError, match="got both policy= and agent="):
        runner.run_with(LineWalkerEnv(), GreedyWalkerPolicy(), agent=GreedyWalkerPolicy())


@pytest.mark.parametrize("deterministic", [False, True])
def test_sequential_rollouts_ask_for_deterministic_actions(tmp_path, deterministic):
    results = _sequential(tmp_path, deterministic=deterministic).run_with(
        LineWalkerEnv(size=10, max_steps=12), agent=GreedyOnlyWhenDeterministic())
    if deterministic:
        assert all(r.terminated and r.steps < 12 for r in results)
    else:
        assert all(r.truncated and r.steps == 12 for r in results)


def test_parallel_run_with_and_deterministic_reach_the_workers(tmp_path):
    GlobalLogState.reset()
    runner = ParallelRolloutRunner(n_processes=1, n_episodes=2, deterministic=True)
    runner.output_dir = str(tmp_path)
    runner.maze_seeding = MazeSeeding(explicit_env_seeds=[3, 4], agent_seed=1)
    reports = runner.run_with(env={"_target_": "line_walker_env.make_line_walker_env", "size": 10, "max_steps": 12},
                              wrappers=SCALING, agent=GreedyOnlyWhenDeterministic())
    expected = {}
    for index, seed in enumerate([3, 4]):
        env, policy = LineWalkerEnv(size=10, max_steps=12), GreedyWalkerPolicy()
        obs, _ = env.reset(seed=seed)
        total, steps, done = 0.0, 0, False
        while not done:
            obs, reward, terminated, truncated, _ = env.step(policy.compute_action(obs))
            total, steps, done = total + reward, steps + 1, terminated or truncated
        expected[index] = (0.1 * total, steps)
    for report in reports:
        total, steps = expected[report.episode_index]
        assert report.steps == steps < 12 and report.total_reward == pytest.approx(total)
