"""LogStatsWrapper: statistics, KPIs and raw event logs of an env.

Per step the wrapper only records the step's reward and a tuple of the step's events
(``env.get_step_events()``); all statistics are computed once per episode (step → episode statistics, KPIs
from the core env's KpiCalculator, event logs for registered event writers) and per epoch.

API (other components rely on it)::

    env = LogStatsWrapper.wrap(env, logging_prefix="rollout_stats")   # None: no logging to writers
    ... env.reset() / env.step(...)                                    # episode stats at episode end
    env.get_stats_value(BaseEnvEvents.reward, LogStatsLevel.EPISODE, name="sum")   # last episode's return
    env.write_epoch_stats()          # reduce epoch stats now (→ writers on the next increment_log_step())
    env.get_stats_value(BaseEnvEvents.reward, LogStatsLevel.EPOCH, name="mean")
    env.get_stats(LogStatsLevel.EPISODE).register_consumer(my_consumer)   # receive every episode's stats
    env.finish_episode()             # count a running (unfinished) episode now

``env.episode_stats`` (EPISODE aggregator) feeds ``env.epoch_stats`` (EPOCH aggregator), which feeds
``get_stats_logger(logging_prefix)`` when a prefix is given. To aggregate several envs (parallel rollouts,
vector envs) send each env's ``get_stats(LogStatsLevel.EPISODE).last_stats`` (picklable) to one main
``LogStatsAggregator(LogStatsLevel.EPOCH, get_stats_logger(prefix))`` via ``receive``.

An episode ends when ``step`` returns ``terminated`` or ``truncated``, or at the next ``reset`` if steps were
taken since the last one. Sub-steps of structured envs that keep the core step open are merged: rewards are
summed per core step and the events of all sub-steps form one step.
"""

from __future__ import annotations

import uuid
from typing import Any, Callable

from maze.core.env.base_env_events import BaseEnvEvents
from maze.core.events.event_record import EventRecord
from maze.core.log_events.episode_event_log import EpisodeEventLog
from maze.core.log_events.log_events_writer_registry import LogEventsWriterRegistry
from maze.core.log_events.step_event_log import StepEventLog
from maze.core.log_stats.log_stats import (
    _RAW_EVENT,
    LogStatsAggregator,
    LogStatsKey,
    LogStatsLevel,
    get_stats_logger,
    get_stats_value,
    reduce_step_events,
)
from maze.core.log_stats.log_stats_env import LogStatsEnv
from maze.core.wrappers.wrapper import Wrapper

_REWARD = BaseEnvEvents.reward
_KPI = BaseEnvEvents.kpi


def _resolve_events_list(env: Any) -> list | None:
    """The event service list behind ``env.get_step_events()`` if no layer in between overrides it."""
    from maze.core.env.core_env import CoreEnv
    from maze.core.env.maze_env import MazeEnv

    e = env
    while isinstance(e, Wrapper):
        if type(e).get_step_events is not Wrapper.get_step_events:
            return None
        e = e.env
    if not isinstance(e, MazeEnv) or type(e).get_step_events is not MazeEnv.get_step_events:
        return None
    core = e.core_env
    if type(core).get_step_events is not CoreEnv.get_step_events:
        return None
    return core.context.event_service.events


class LogStatsWrapper(Wrapper, LogStatsEnv):
    """Collects events, rewards and KPIs and aggregates them into episode and epoch statistics.

    :param env: the env to wrap (a MazeEnv or a wrapper stack on top of one).
    :param logging_prefix: prefix under which the epoch statistics are logged to the registered writers
        (``"train"``, ``"eval"``, ``"rollout_stats"``); ``None``: statistics are only kept for queries.
    """

    def __init__(self, env: Any, logging_prefix: str | None = None) -> None:
        super().__init__(env)
        if logging_prefix is not None and not isinstance(logging_prefix, str):
            raise TypeError(f"logging_prefix must be a string or None, got {logging_prefix!r}")
        self.logging_prefix = logging_prefix
        self.episode_stats = LogStatsAggregator(LogStatsLevel.EPISODE)
        self.epoch_stats = LogStatsAggregator(LogStatsLevel.EPOCH)
        self.episode_stats.register_consumer(self.epoch_stats)
        if logging_prefix is not None:
            self.epoch_stats.register_consumer(get_stats_logger(logging_prefix))
        try:
            maze_env = env.maze_env
            context = maze_env.core_env.context
        except AttributeError:
            maze_env, context = None, None
        self._maze_env = maze_env
        self._context = context
        self._events_list = _resolve_events_list(env)
        self._rewards: list = []
        self._step_events: list[tuple] = []
        self._reset_events: tuple = ()
        self._reward_acc: Any = 0.0
        self._last_step_id = context.step_id if context is not None else -1
        self._last_steps_tail: tuple = ()
        self._last_reward: Any = None

    @classmethod
    def wrap(cls, env: Any, logging_prefix: str | None = None) -> LogStatsWrapper:  # type: ignore[override]
        """Wrap ``env``; see the class docstring."""
        return cls(env, logging_prefix=logging_prefix)

    # ------------------------------------------------------------------ hot path
    def _current_events(self) -> tuple:
        events = self._events_list
        if events is not None:
            return tuple(events)
        try:
            return tuple(self.env.get_step_events())
        except (AttributeError, NotImplementedError):
            return ()

    def step(self, action: Any) -> tuple[Any, Any, bool, bool, dict]:
        """Step the env and record reward and events (statistics are computed at episode end)."""
        obs, reward, terminated, truncated, info = self.env.step(action)
        ctx = self._context
        if ctx is not None and ctx.step_id == self._last_step_id and not (terminated or truncated):
            self._reward_acc += reward  # sub-step of a core step that is still open
            return obs, reward, terminated, truncated, info
        if ctx is not None:
            self._last_step_id = ctx.step_id
        acc = self._reward_acc
        if acc:
            self._rewards.append(acc + reward)
            self._reward_acc = 0.0
        else:
            self._rewards.append(reward)
        events = self._events_list
        self._step_events.append(tuple(events) if events is not None else self._current_events())
        if terminated or truncated:
            self._end_episode()
        return obs, reward, terminated, truncated, info

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[Any, dict]:
        """Finish the running episode (if it has steps) and reset the env."""
        if self._rewards:
            self._end_episode()
        obs, info = self.env.reset(seed=seed, options=options)
        self._reset_events = self._current_events()
        self._reward_acc = 0.0
        if self._context is not None:
            self._last_step_id = self._context.step_id
        return obs, info

    # ------------------------------------------------------------------ episode end
    def finish_episode(self) -> None:
        """Compute the statistics of the running episode now, if it has at least one step."""
        if self._rewards:
            self._end_episode()

    def _episode_id(self) -> str:
        if self._maze_env is not None:
            return self._maze_env.get_episode_id()
        return str(uuid.uuid4())

    def _build_event_log(self, steps: list[tuple], rewards: list) -> EpisodeEventLog:
        logs = []
        for i, (events, reward) in enumerate(zip(steps, rewards)):
            records = list(events)
            records.append(EventRecord(BaseEnvEvents, _REWARD, {"value": reward}))
            logs.append(StepEventLog(i, records))
        return EpisodeEventLog(self._episode_id(), logs)

    def _end_episode(self) -> None:
        rewards, steps = self._rewards, self._step_events
        self._rewards, self._step_events = [], []
        self._reward_acc = 0.0
        if self._reset_events:
            steps[0] = self._reset_events + steps[0]
            self._reset_events = ()
        agg = self.episode_stats
        agg.add_step_events(steps)
        agg.add_values(_REWARD, rewards)
        self._last_steps_tail = steps[-1] if steps else ()
        self._last_reward = rewards[-1] if rewards else None

        try:
            kpi_calculator = self.env.get_kpi_calculator()
        except (AttributeError, NotImplementedError):
            kpi_calculator = None
        write_logs = LogEventsWriterRegistry.has_writers()
        episode_log = None
        if kpi_calculator is not None or write_logs:
            episode_log = self._build_event_log(steps, rewards)
        if kpi_calculator is not None:
            kpis = kpi_calculator.calculate_kpis(episode_log, self.env.get_maze_state())
            if kpis:
                last = episode_log.step_event_logs[-1] if episode_log.step_event_logs else None
                for name, value in kpis.items():
                    agg.add_value(_KPI, value, group=(name,))
                    if last is not None:
                        last.append(EventRecord(BaseEnvEvents, _KPI, {"name": name, "value": value}))
        agg.reduce()
        if write_logs:
            LogEventsWriterRegistry.record_event_logs(episode_log)

    # ------------------------------------------------------------------ LogStatsEnv
    def get_stats(self, level: LogStatsLevel) -> LogStatsAggregator:
        """The aggregator of ``level`` (``last_stats``: latest statistics). STEP returns a detached aggregator
        whose ``last_stats`` are the step statistics of the last recorded step (computed on demand)."""
        if level == LogStatsLevel.EPISODE:
            return self.episode_stats
        if level == LogStatsLevel.EPOCH:
            return self.epoch_stats
        if level == LogStatsLevel.STEP:
            agg = LogStatsAggregator(LogStatsLevel.STEP)
            agg.last_stats = self._step_stats()
            return agg
        raise ValueError(f"unknown statistics level {level!r}; expected a LogStatsLevel (STEP, EPISODE, EPOCH)")

    def _step_stats(self) -> dict:
        if self._step_events:
            events, reward = self._step_events[-1], self._rewards[-1]
        elif self._last_reward is not None:
            events, reward = self._last_steps_tail, self._last_reward
        else:
            return {}
        collected: dict = {}
        reduce_step_events(events, collected)
        stats = {k: v[0] for k, v in collected.items() if k.output_name is not _RAW_EVENT}
        stats[LogStatsKey(_REWARD, None, None)] = reward
        return stats

    def get_stats_value(self, event: Callable | str, level: LogStatsLevel, name: str | None = None) -> Any:
        """A value of the latest statistics of ``level`` (see :meth:`LogStatsEnv.get_stats_value`).

        :raises KeyError: for unknown events/statistic names (the message lists what is available).
        :raises ValueError: when no statistics of that level were computed yet.
        """
        stats = self.get_stats(level).last_stats
        if stats is None:
            raise ValueError(f"no {level.name.lower()} statistics yet: finish an episode"
                             + (" and call write_epoch_stats()" if level == LogStatsLevel.EPOCH else ""))
        return get_stats_value(stats, event, name)

    def write_epoch_stats(self) -> None:
        """Reduce the epoch statistics now (sent to the writers on the next ``increment_log_step()``).
        A no-op when no episode finished since the last call."""
        if self.epoch_stats.has_inputs():
            self.epoch_stats.reduce()

    def get_observation_and_action_dicts(self, maze_state: Any, maze_action: Any, first_step_in_episode: bool):
        """Observations and actions are not changed by this wrapper."""
        return self.env.get_observation_and_action_dicts(maze_state, maze_action, first_step_in_episode)
