"""Ad-hoc plot of a statistic of the running episode, step by step (e.g. the cumulative reward)."""

from __future__ import annotations

from typing import Any, Callable

from maze.core.rendering.events_stats_renderer import EventStatsRenderer


class StepStatsRenderer:
    """Keeps the events of the current episode and plots one of their statistics up to the current step.

    Feed it with :meth:`record_step` (e.g. ``env.get_step_events()`` after every step) or pass an episode
    event log; :meth:`render_stats` then draws the statistic. By default the cumulative reward is plotted.

    :param episode_event_log: optional events recorded so far (any form accepted by
        :func:`~maze.core.rendering.event_series.iter_step_events`).
    """

    def __init__(self, episode_event_log: Any = None) -> None:
        from maze.core.rendering.event_series import iter_step_events

        self.step_events: list[list] = [ev for _, ev in iter_step_events(episode_event_log)] if episode_event_log is not None else []
        self._renderer = EventStatsRenderer()

    def record_step(self, events: Any) -> None:
        """Add the events of one step (copied)."""
        self.step_events.append(list(events))

    def reset(self) -> None:
        """Start a new episode."""
        self.step_events = []

    def render_stats(self, event_name: str = "BaseEnvEvents.reward", metric: str = "value", group_by: str | None = None,
                     aggregation_func: str | Callable | None = None, cumulative: bool = True) -> Any:
        """Plot ``event_name``'s ``metric`` per step (summed with ``cumulative``) and return the figure."""
        return self._renderer.render_current_episode_stats(
            self.step_events, event_name, metric, aggregation_func, group_by, "cumsum" if cumulative else None
        )

    def close(self) -> None:
        self._renderer.close()
