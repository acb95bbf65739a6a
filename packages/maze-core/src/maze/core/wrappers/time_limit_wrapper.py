"""Episode step limit (gymnasium semantics: sets ``truncated``)."""

from __future__ import annotations

from typing import Any

from maze.core.wrappers.wrapper import Wrapper


class TimeLimitWrapper(Wrapper):
    """Truncates episodes after ``max_episode_steps`` steps, like ``gymnasium.wrappers.TimeLimit``.

    Steps are counted in env time: for MazeEnvs the core step counter (``get_env_time()``), so a
    structured env with several sub-steps per core step is truncated after ``max_episode_steps`` core
    steps, at the sub-step that completes the last one; steps taken inside ``reset`` by inner wrappers
    (e.g. :class:`~maze.core.wrappers.random_reset_wrapper.RandomResetWrapper`) do not count. Plain
    gymnasium envs count ``step`` calls.

    When the limit is reached ``truncated`` is set to ``True``; ``terminated`` is never changed.

    :param env: the env to wrap.
    :param max_episode_steps: the step limit; ``0`` or ``None`` disables it. Can be changed later with
        :meth:`set_max_episode_steps`.
    """

    def __init__(self, env: Any, max_episode_steps: int | None = None) -> None:
        super().__init__(env)
        self._max_episode_steps = 0
        self.set_max_episode_steps(max_episode_steps)
        maze_env = getattr(env, "maze_env", None)
        # bound method of the innermost MazeEnv: one call per step, no attribute forwarding chain
        self._env_time = getattr(maze_env, "get_env_time", None)
        self._start_time = 0
        self._elapsed_steps = 0

    def set_max_episode_steps(self, max_episode_steps: int | None) -> None:
        """Set the step limit (``0``/``None``: no limit)."""
        value = 0 if max_episode_steps is None else int(max_episode_steps)
        if value < 0:
            raise ValueError(f"TimeLimitWrapper: max_episode_steps must be >= 0 (0 = no limit), got {max_episode_steps!r}")
        self._max_episode_steps = value

    @property
    def max_episode_steps(self) -> int:
        """The current step limit (0: none)."""
        return self._max_episode_steps

    @property
    def elapsed_steps(self) -> int:
        """Steps taken in the current episode (env time for MazeEnvs)."""
        if self._env_time is not None:
            return self._env_time() - self._start_time
        return self._elapsed_steps

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[Any, dict]:
        """Reset the wrapped env and the step count."""
        obs, info = self.env.reset(seed=seed, options=options)
        self._elapsed_steps = 0
        self._start_time = self._env_time() if self._env_time is not None else 0
        return obs, info

    def step(self, action: Any) -> tuple[Any, Any, bool, bool, dict]:
        """Step the wrapped env; set ``truncated`` once the limit is reached."""
        obs, reward, terminated, truncated, info = self.env.step(action)
        if self._max_episode_steps:
            if self._env_time is not None:
                elapsed = self._env_time() - self._start_time
            else:
                self._elapsed_steps += 1
                elapsed = self._elapsed_steps
            if elapsed >= self._max_episode_steps:
                truncated = True
        return obs, reward, terminated, truncated, info
