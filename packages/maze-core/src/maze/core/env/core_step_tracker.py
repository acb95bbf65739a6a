"""Tells wrappers when the core step of a (structured) env has ended, so they act once per core step."""

from __future__ import annotations

from typing import Any


def env_time_of(env: Any) -> int | None:
    """``env.get_env_time()``, or ``None`` for envs without an env time."""
    try:
        return env.get_env_time()
    except (AttributeError, NotImplementedError):
        return None


class CoreStepTracker:
    """Detects the end of core steps from the env time.

    A structured env's sub-steps that keep the core step open (``context.keep_step_open()``, e.g. select a piece,
    then cut it) do not advance ``get_env_time()``; the MazeAction is complete and the events of all sub-steps are
    collected only when the core step ends. Wrappers that record or render core steps call :meth:`start` after
    ``reset`` and :meth:`step_ended` after every ``step``::

        tracker.start(env)                        # after env.reset()
        ...
        obs, reward, terminated, truncated, info = env.step(action)
        if tracker.step_ended(env, terminated or truncated):
            use(env.get_maze_action(), env.get_step_events(), tracker.env_time)

    Envs without an env time end a core step with every step.
    """

    def __init__(self) -> None:
        #: the env time after the last completed core step (``None`` before :meth:`start` or without env time)
        self.env_time: int | None = None

    def start(self, env: Any) -> None:
        """Remember the env time at the start of an episode."""
        self.env_time = env_time_of(env)

    def step_ended(self, env: Any, done: bool) -> bool:
        """Whether the step just taken ended a core step (the env time advanced, or the episode ended).

        :param env: the env (after its ``step``).
        :param done: the step returned ``terminated`` or ``truncated``.
        """
        now = env_time_of(env)
        if now is not None and now == self.env_time and not done:
            return False
        self.env_time = now
        return True
