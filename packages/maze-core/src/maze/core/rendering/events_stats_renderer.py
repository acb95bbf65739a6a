"""Plots statistics of one event over an episode (from episode event logs or recorded trajectories)."""

from __future__ import annotations

from typing import Any, Callable

from maze.core.rendering.event_series import AGGREGATIONS, POST_PROCESSING, event_series
from maze.core.utils.matplotlib_utils import import_pyplot


class EventStatsRenderer:
    """Renders customizable timelines of event attributes (pandas-free).

    For more complex analyses, work with the TSV event logs directly.
    """

    #: aggregation functions offered for several events per step
    AGGREGATION_FUNCS = list(AGGREGATIONS)
    #: post-processing functions offered
    POST_PROCESSING_FUNCS = list(POST_PROCESSING)

    def __init__(self) -> None:
        self.fig: Any = None

    def render_current_episode_stats(self, episode_event_log: Any, event_name: str = "BaseEnvEvents.reward",
                                     metric_name: str = "value", aggregation_func: str | Callable | None = None,
                                     group_by: str | None = None,
                                     post_processing_func: str | Callable | None = "cumsum") -> Any:
        """Plot the statistic into this renderer's figure (created on first use) and return the figure.

        :param episode_event_log: episode event log, recorded trajectory, or list of per-step event lists.
        :param event_name: ``"Topic.event"`` (e.g. ``"BaseEnvEvents.reward"``).
        :param metric_name: event attribute to plot.
        :param aggregation_func: how to combine several events of one step (``mean``, ``sum`` (default), ``min``,
            ``max``, ``count`` or a callable on a list).
        :param group_by: another attribute to draw one line per value of.
        :param post_processing_func: ``"cumsum"`` (default), a callable on the value array, or ``None``.
        """
        plt = import_pyplot()

        if self.fig is None or not plt.fignum_exists(self.fig.number):
            self.fig = plt.figure(figsize=(7, 4))
        self.fig.clf()
        ax = self.fig.add_subplot(1, 1, 1)
        self.render_timeline_stat(episode_event_log, event_name, metric_name, aggregation_func, group_by,
                                  post_processing_func, ax=ax)
        return self.fig

    @staticmethod
    def render_timeline_stat(episode_event_log: Any, event_name: str = "BaseEnvEvents.reward", metric_name: str = "value",
                             aggregation_func: str | Callable | None = None, group_by: str | None = None,
                             post_processing_func: str | Callable | None = "cumsum", ax: Any = None) -> dict:
        """Render into ``ax`` (default: the current axes) without creating a figure.

        :return: the plotted series ``{group: (steps, values)}``.
        """
        plt = import_pyplot()

        ax = ax if ax is not None else plt.gca()
        _, series = event_series(episode_event_log, event_name, metric_name, group_by, aggregation_func,
                                 post_processing_func)
        for group, (xs, ys) in sorted(series.items(), key=lambda kv: str(kv[0])):
            ax.plot(xs, ys, label=f"{group_by}={group}" if group_by is not None else metric_name)
        title = f"{event_name}: {metric_name}"
        if post_processing_func:
            title += f" ({post_processing_func if isinstance(post_processing_func, str) else 'post-processed'})"
        ax.set_title(title)
        ax.set_xlabel("step")
        if series:
            ax.legend(loc="best", fontsize=8)
        else:
            ax.text(0.5, 0.5, f"no {event_name} events", ha="center", va="center", transform=ax.transAxes)
        return series

    def close(self) -> None:
        """Close the figure if one was created."""
        if self.fig is not None:
            import matplotlib.pyplot as plt

            plt.close(self.fig)
            self.fig = None
