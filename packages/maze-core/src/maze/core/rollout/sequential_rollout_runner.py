"""Sequential rollouts in the main process (supports rendering)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from maze.core.rollout.rollout_runner import RolloutRunner
from maze.core.utils.progress import Progress

logger = logging.getLogger(__name__)


@dataclass
class EpisodeResult:
    """Summary of one episode."""

    episode: int
    steps: int
    total_reward: float
    terminated: bool
    truncated: bool


class SequentialRolloutRunner(RolloutRunner):
    """Runs episodes one after the other in this process.

    :param n_episodes: number of episodes.
    :param max_episode_steps: step limit per episode (0: none).
    :param record_trajectory: record trajectory data.
    :param record_event_logs: write raw event logs.
    :param render: render every step with the env's renderer (saved as images in the output dir).
    :param deterministic: ask the policy for deterministic actions.
    """

    def __init__(self, n_episodes: int = 50, max_episode_steps: int | None = None,
                 record_trajectory: bool = False, record_event_logs: bool = False, render: bool = False,
                 deterministic: bool = False) -> None:
        super().__init__(n_episodes, max_episode_steps, record_trajectory, record_event_logs, deterministic)
        self.render = bool(render)
        self.results: list[EpisodeResult] = []

    def run_with(self, env: Any, policy: Any = None, wrappers: Any = None, *, agent: Any = None) -> list[EpisodeResult]:
        """Run the rollout sequentially in this process (arguments: see :meth:`RolloutRunner.run_with`)."""
        env, policy = self.build_env_and_policy(env, wrappers, self.policy_argument(policy, agent))
        env = self.wrap_for_recording(env, render=self.render)
        env_seed = self.maze_seeding.generate_env_instance_seed()
        policy.seed(self.maze_seeding.generate_agent_instance_seed())
        needs_state = policy.needs_state()
        needs_env = policy.needs_env()
        # statistics: LogStatsWrapper("rollout_stats") + writers (console, TensorBoard, plugins), event logs
        from maze.core.rollout.rollout_stats import RolloutStatsLogging

        stats_logging = RolloutStatsLogging(env, self.output_dir, record_event_logs=self.record_event_logs)
        if getattr(self, "cfg", None) is not None:
            stats_logging.add_run_text(self.cfg)
        env = stats_logging.env
        self.results = []
        progress = Progress(total=self.n_episodes, unit="episode", rate_unit="env steps")
        for episode in range(self.n_episodes):
            obs, _ = env.reset(seed=env_seed if episode == 0 else None)
            policy.reset()
            total, steps, terminated, truncated = 0.0, 0, False, False
            while not (terminated or truncated):
                action = policy.compute_action(
                    obs,
                    maze_state=env.get_maze_state() if needs_state else None,
                    env=env if needs_env else None,
                    actor_id=env.actor_id(),
                    deterministic=self.deterministic,
                )
                obs, reward, terminated, truncated, _ = env.step(action)
                total += float(reward)
                steps += 1
                if self.render and env.render_mode == "human":
                    env.render()  # frames are saved by the StepRenderingWrapper; "human" mode also shows them
                if self.max_episode_steps and steps >= self.max_episode_steps:
                    truncated = True
            result = EpisodeResult(episode, steps, total, bool(terminated), bool(truncated and not terminated))
            self.results.append(result)
            logger.info("episode %d/%d: steps=%d return=%.3f %s", episode + 1, self.n_episodes, steps, total,
                        "terminated" if result.terminated else "truncated")
            progress.update(count=steps, mean_return=sum(r.total_reward for r in self.results) / len(self.results))
        progress.close()
        stats_logging.finish()  # logs the aggregated statistics table
        env.close()
        return self.results
