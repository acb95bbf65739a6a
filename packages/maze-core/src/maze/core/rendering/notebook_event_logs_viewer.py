"""Event logs viewer for Jupyter notebooks: timelines of event attributes across the episodes of a rollout."""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path
from typing import Any

from maze.core.log_events.log_events_writer_tsv import read_event_log_tsv
from maze.core.utils.matplotlib_utils import import_pyplot

#: the columns every TSV event log has before the event's attributes
_INDEX_COLUMNS = ("episode_id", "env_time")


class NotebookEventLogsViewer:
    """Event logs viewer for Jupyter notebooks, built using ipython widgets.

    Event logs are the TSV files that rollouts write (``record_event_logs=true``, one file per event named
    ``<Topic>.<event>.tsv``, see :class:`~maze.core.log_events.log_events_writer_tsv.LogEventsWriterTSV`). Usage in
    a notebook cell::

        NotebookEventLogsViewer("outputs/<run>/event_logs").build()

    Widgets select the event, the attribute used as the metric and optionally an attribute to group by. The
    timeline shows, per env step, the mean over episodes of the metric (summed per episode and step) with its
    standard deviation as a ribbon; with a group-by attribute there is one line per group value. :meth:`render` and
    :meth:`timeline` work without widgets as well.

    :param event_logs_dir_path: path of the directory holding the TSV event logs.
    """

    def __init__(self, event_logs_dir_path: str | Path) -> None:
        self.event_logs_dir_path = Path(event_logs_dir_path)
        if not self.event_logs_dir_path.is_dir():
            raise FileNotFoundError(f"no event logs directory {str(self.event_logs_dir_path)!r}")
        self.event_files = {p.name[: -len(".tsv")]: p for p in sorted(self.event_logs_dir_path.glob("*.tsv"))}
        if not self.event_files:
            raise FileNotFoundError(f"no TSV event logs (<Topic>.<event>.tsv) in {str(self.event_logs_dir_path)!r}")
        self._rows: dict[str, list[dict[str, str]]] = {}
        self._widgets: dict[str, Any] = {}

    @property
    def event_names(self) -> list[str]:
        """The events with a log file (``"Topic.event"``)."""
        return list(self.event_files)

    def rows(self, event_name: str) -> list[dict[str, str]]:
        """The rows of an event's log (``{column: text}``; read once, then cached)."""
        if event_name not in self.event_files:
            raise KeyError(f"no event log for {event_name!r}; events: {self.event_names}")
        if event_name not in self._rows:
            self._rows[event_name] = read_event_log_tsv(self.event_files[event_name])
        return self._rows[event_name]

    def attribute_columns(self, event_name: str) -> list[str]:
        """The event's attribute columns (all columns but ``episode_id`` and ``env_time``)."""
        rows = self.rows(event_name)
        if rows:
            return [c for c in rows[0] if c not in _INDEX_COLUMNS]
        with open(self.event_files[event_name], encoding="utf-8") as f:
            return [c for c in f.readline().rstrip("\n").split("\t") if c and c not in _INDEX_COLUMNS]

    def numeric_columns(self, event_name: str) -> list[str]:
        """The attribute columns whose values are all numbers (they can be used as metrics)."""
        rows = self.rows(event_name)
        return [c for c in self.attribute_columns(event_name) if rows and all(_is_number(r.get(c, "")) for r in rows)]

    def timeline(self, event_name: str, metric: str, group_by: str | None = None
                 ) -> dict[str | None, tuple[list[int], list[float], list[float]]]:
        """Per group value: the env steps and the mean and standard deviation of the metric over the episodes.

        Within one episode and step the metric is summed over the event's occurrences (of the group); episodes
        without the event at a step count with 0 at that step.

        :param event_name: ``"Topic.event"``.
        :param metric: a numeric attribute of the event.
        :param group_by: another attribute of the event (one timeline per value), or ``None``.
        :return: ``{group value (None without group_by): (steps, means, stds)}``.
        """
        numeric = self.numeric_columns(event_name)
        if metric not in numeric:
            raise ValueError(f"metric {metric!r} is not a numeric attribute of {event_name}; numeric attributes: {numeric}")
        if group_by is not None and group_by not in self.attribute_columns(event_name):
            raise ValueError(f"group_by {group_by!r} is not an attribute of {event_name}; attributes: "
                             f"{self.attribute_columns(event_name)}")
        rows = self.rows(event_name)
        episodes = sorted({r["episode_id"] for r in rows})
        sums: dict[Any, dict[int, dict[str, float]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(float)))
        for r in rows:
            group = r[group_by] if group_by is not None else None
            sums[group][int(r["env_time"])][r["episode_id"]] += float(r[metric])
        out: dict[str | None, tuple[list[int], list[float], list[float]]] = {}
        for group, by_step in sums.items():
            steps = sorted(by_step)
            means, stds = [], []
            for step in steps:
                values = [by_step[step].get(e, 0.0) for e in episodes]
                mean = sum(values) / len(values)
                means.append(mean)
                stds.append(math.sqrt(sum((v - mean) ** 2 for v in values) / len(values)))
            out[group] = (steps, means, stds)
        return out

    def render(self, event_name: str, metric: str, group_by: str | None = None, ax: Any = None) -> Any:
        """Plot the timeline (mean line and standard-deviation ribbon per group) and return the figure.

        :param ax: axes to draw into (default: a new figure).
        """
        plt = import_pyplot()
        if ax is None:
            fig = plt.figure(figsize=(8, 4))
            ax = fig.add_subplot(1, 1, 1)
        for group, (steps, means, stds) in sorted(self.timeline(event_name, metric, group_by).items(),
                                                  key=lambda kv: str(kv[0])):
            label = metric if group_by is None else f"{group_by}={group}"
            (line,) = ax.plot(steps, means, label=label)
            ax.fill_between(steps, [m - s for m, s in zip(means, stds)], [m + s for m, s in zip(means, stds)],
                            color=line.get_color(), alpha=0.2)
        ax.set_title(f"{event_name}: {metric} (mean ± std over episodes)")
        ax.set_xlabel("env step")
        ax.legend(loc="best", fontsize=8)
        return ax.figure

    def update_column_options(self, event_name: str) -> None:
        """Offer the attributes of ``event_name`` in the metric and group-by widgets (called when the event widget
        changes)."""
        if not self._widgets:
            return
        numeric = self.numeric_columns(event_name)
        self._widgets["metric"].options = numeric
        self._widgets["metric"].value = numeric[0] if numeric else None
        self._widgets["group_by"].options = [None, *self.attribute_columns(event_name)]
        self._widgets["group_by"].value = None

    def build(self) -> None:
        """Build and show the interactive viewer (needs ipywidgets; call from a notebook cell)."""
        try:
            import ipywidgets
        except ImportError as exc:
            raise ImportError("NotebookEventLogsViewer.build needs ipywidgets (pip install ipywidgets jupyter); "
                              "render(event_name, metric, group_by) draws the same plot without widgets") from exc
        first = self.event_names[0]
        self._widgets = {
            "event_name": ipywidgets.Dropdown(options=self.event_names, value=first, description="event"),
            "metric": ipywidgets.Dropdown(options=self.numeric_columns(first), description="metric"),
            "group_by": ipywidgets.Dropdown(options=[None, *self.attribute_columns(first)], value=None,
                                            description="group by"),
        }
        self._widgets["event_name"].observe(lambda change: self.update_column_options(change["new"]), names="value")
        ipywidgets.interact(self._render_widgets, **self._widgets)

    def _render_widgets(self, event_name: str, metric: str | None, group_by: str | None) -> None:
        if metric is None:
            print(f"{event_name} has no numeric attributes to plot")
            return
        self.render(event_name, metric, group_by)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except (TypeError, ValueError):
        return False
    return True
