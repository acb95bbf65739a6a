"""Rollout runners: agent- and env-agnostic episode loops driven by the ``runner`` config."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from maze.core.runners.runner import Runner
from maze.core.utils.seeding import MazeSeeding


class RolloutRunner(Runner):
    """Base of rollout runners.

    :param n_episodes: number of episodes to run.
    :param max_episode_steps: cut episodes after this many steps (``0``/``None``: no limit).
    :param record_trajectory: record trajectories to ``<output_dir>/trajectory_data``.
    :param record_event_logs: write raw event logs to ``<output_dir>/event_logs``.
    :param deterministic: ask the policy for deterministic actions (e.g. the most likely action of a trained
        policy) instead of sampled ones.
    """

    def __init__(self, n_episodes: int = 50, max_episode_steps: int | None = None,
                 record_trajectory: bool = False, record_event_logs: bool = False, deterministic: bool = False) -> None:
        from maze.core.utils.validation import expect_bool, expect_int

        self.n_episodes = expect_int("runner.n_episodes", n_episodes, minimum=1)
        self.max_episode_steps = expect_int("runner.max_episode_steps", max_episode_steps, minimum=0, allow_none=True) or 0
        self.record_trajectory = expect_bool("runner.record_trajectory", record_trajectory)
        self.record_event_logs = expect_bool("runner.record_event_logs", record_event_logs)
        self.deterministic = expect_bool("runner.deterministic", deterministic)
        self.maze_seeding = MazeSeeding()

    def validate(self, cfg: Any) -> None:
        """The seeds must be integers or null."""
        MazeSeeding.from_config(cfg.get("seeding") if hasattr(cfg, "get") else None)

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        self.maze_seeding = MazeSeeding.from_config(cfg.get("seeding") if hasattr(cfg, "get") else None)

    def run(self) -> Any:
        """Build env and policy from the config and run the episodes."""
        from maze.core.utils.config_utils import make_env, make_policy

        env = make_env(self.cfg.env, self.cfg.get("wrappers"))
        self.prepare_normalization(env)
        policy = make_policy(self.cfg.policy, env)
        return self.run_with(env, policy)

    def prepare_normalization(self, env: Any) -> Any:
        """Observation normalization statistics: loaded from ``input_dir`` (rollouts of trained policies),
        else taken from the config or estimated, and dumped into the output dir. ``None`` without normalization."""
        from maze.core.wrappers.observation_normalization.observation_normalization_utils import (
            obtain_normalization_statistics,
        )

        input_dir = self.cfg.get("input_dir") if hasattr(self.cfg, "get") else None
        return obtain_normalization_statistics(env, input_dir=input_dir or None, output_dir=self.output_dir)

    def wrap_for_recording(self, env: Any, render: bool = False) -> Any:
        """Wrap ``env`` for the outputs this runner records in :attr:`output_dir`.

        ``record_trajectory``: a :class:`TrajectoryRecordingWrapper` writing ``trajectory_data/<episode_id>.traj.zip``;
        ``render``: a :class:`StepRenderingWrapper` saving one PNG per step into ``rendering/``.
        """
        import os

        if render:
            from maze.core.rendering.step_rendering_wrapper import StepRenderingWrapper

            env = StepRenderingWrapper.wrap(env, output_dir=os.path.join(self.output_dir, "rendering"))
        if self.record_trajectory:
            from maze.core.trajectory_recording.trajectory_recording_wrapper import TrajectoryRecordingWrapper
            from maze.core.trajectory_recording.writers.trajectory_writer_file import TrajectoryWriterFile

            writer = TrajectoryWriterFile(os.path.join(self.output_dir, "trajectory_data"))
            env = TrajectoryRecordingWrapper.wrap(env, writers=[writer])
        return env

    @abstractmethod
    def run_with(self, env: Any, policy: Any = None, wrappers: Any = None, *, agent: Any = None) -> Any:
        """Run the rollout with the given env, wrappers and policy, without a Hydra config (e.g. from Python).

        ``runner.run_with(env=GymMazeEnv("CartPole-v1"), wrappers={"RewardScalingWrapper": {"scale": 0.1}},
        agent=DummyCartPolePolicy())``. Runners are meant to run once: each run registers its own statistics and
        event writers.

        :param env: an env (instance) or env config.
        :param policy: a policy (instance) or policy config; the env's declarations are offered to a config.
        :param wrappers: a wrapper config (``WrapperFactory`` format) applied to ``env``.
        :param agent: the reference docs' name of ``policy`` (give one of the two).
        """

    @staticmethod
    def policy_argument(policy: Any, agent: Any) -> Any:
        """The policy given to :meth:`run_with` as ``policy`` or under its documented name ``agent``."""
        if (policy is None) == (agent is None):
            raise TypeError("run_with needs the policy: pass exactly one of policy=... and agent=..."
                            if policy is None else "run_with got both policy= and agent=; agent is another name for "
                            "the policy, pass only one")
        return policy if policy is not None else agent

    @staticmethod
    def build_env_and_policy(env: Any, wrappers: Any, policy: Any) -> tuple[Any, Any]:
        """Create what is a config (env with wrappers, then the policy with the env's declarations); instances are
        used as they are (``wrappers`` are applied to an env instance too)."""
        from maze.core.agent.policy import Policy
        from maze.core.env.maze_env import MazeEnv
        from maze.core.utils.config_utils import make_env, make_policy
        from maze.core.wrappers.wrapper import Wrapper
        from maze.core.wrappers.wrapper_factory import WrapperFactory

        if isinstance(env, (MazeEnv, Wrapper)):
            env = WrapperFactory.wrap_from_config(env, wrappers) if wrappers else env
        else:
            env = make_env(env, wrappers)
        if not isinstance(policy, Policy):
            policy = make_policy(policy, env)
        return env, policy
