"""Statistics as TensorBoard event files, without torch (uses the ``tensorboard`` package's own writer).

Install the optional extra: ``pip install maze-core[tensorboard]``.
"""

from __future__ import annotations

import io
import os
import time
from typing import Any

import numpy as np

from maze.core.log_stats.event_decorators import get_event_stats_spec
from maze.core.log_stats.log_stats import LogStats, LogStatsWriter
from maze.core.log_stats.log_stats_types import format_stats_tag
from maze.core.log_stats.reducer_functions import to_flat_array
from maze.core.utils.matplotlib_utils import matplotlib_available

_MISSING_TB = (
    "LogStatsWriterTensorboard needs the 'tensorboard' package, which is an optional dependency of maze-core: "
    "pip install 'maze-core[tensorboard]'"
)


def tensorboard_available() -> bool:
    """Whether the ``tensorboard`` package can be imported."""
    try:
        import tensorboard.summary.writer.event_file_writer  # noqa: F401
    except ImportError:
        return False
    return True


def _protos() -> Any:
    try:
        from tensorboard.compat.proto import event_pb2, summary_pb2, tensor_pb2, tensor_shape_pb2, types_pb2
        from tensorboard.summary.writer.event_file_writer import EventFileWriter
    except ImportError as exc:
        raise ImportError(_MISSING_TB) from exc
    return EventFileWriter, event_pb2, summary_pb2, tensor_pb2, tensor_shape_pb2, types_pb2


class LogStatsWriterTensorboard(LogStatsWriter):
    """Writes statistics to TensorBoard event files in ``log_dir``.

    Scalars go to SCALARS (tag ``<prefix>_<Topic>/<event>/<stat>``, e.g. ``train_BaseEnvEvents/reward/mean``),
    value lists (``histogram`` statistics: actions, observations) to HISTOGRAMS/DISTRIBUTIONS, dict values to
    one scalar per entry, and figures declared with ``define_plot`` to IMAGES (when
    ``tensorboard_render_figure``). :meth:`add_text` writes TEXT entries (e.g. the run config).

    :param log_dir: output directory (created if missing).
    :param tensorboard_render_figure: render ``define_plot`` figures with matplotlib (skipped when matplotlib, the
        ``maze-core[render]`` extra, is not installed).
    :raises ImportError: when the optional ``tensorboard`` package is missing, with the install hint.
    """

    def __init__(self, log_dir: str, tensorboard_render_figure: bool = True) -> None:
        (EventFileWriter, self._event_pb2, self._summary_pb2, self._tensor_pb2, self._shape_pb2,
         self._types_pb2) = _protos()
        self.log_dir = str(log_dir)
        os.makedirs(self.log_dir, exist_ok=True)
        # figures need matplotlib (maze-core[render]); without it they are skipped, histograms/scalars stay
        self.tensorboard_render_figure = bool(tensorboard_render_figure) and matplotlib_available()
        self._writer = EventFileWriter(self.log_dir, max_queue_size=100, flush_secs=30)

    # ------------------------------------------------------------------ summaries
    def _add(self, values: list, step: int) -> None:
        if values:
            summary = self._summary_pb2.Summary(value=values)
            self._writer.add_event(self._event_pb2.Event(wall_time=time.time(), step=int(step), summary=summary))

    def _scalar(self, tag: str, value: float) -> Any:
        return self._summary_pb2.Summary.Value(tag=tag, simple_value=float(value))

    def _histogram(self, tag: str, values: np.ndarray) -> Any:
        values = values[np.isfinite(values)]
        if values.size == 0:
            return None
        vmin, vmax = float(values.min()), float(values.max())
        if np.all(values == np.round(values)) and vmax - vmin <= 64:
            edges = np.arange(vmin - 0.5, vmax + 1.5)  # one bucket per integer value
        else:
            edges = np.histogram_bin_edges(values, bins=min(30, max(1, values.size)))
        counts, edges = np.histogram(values, bins=edges)
        hist = self._summary_pb2.HistogramProto(
            min=vmin, max=vmax, num=float(values.size), sum=float(values.sum()),
            sum_squares=float(np.dot(values, values)), bucket_limit=[float(e) for e in edges[1:]],
            bucket=[float(c) for c in counts],
        )
        return self._summary_pb2.Summary.Value(tag=tag, histo=hist)

    def _image(self, tag: str, figure: Any) -> Any:
        import matplotlib.pyplot as plt

        buf = io.BytesIO()
        figure.savefig(buf, format="png")
        width, height = figure.canvas.get_width_height()
        plt.close(figure)
        img = self._summary_pb2.Summary.Image(height=int(height), width=int(width), colorspace=4,
                                              encoded_image_string=buf.getvalue())
        return self._summary_pb2.Summary.Value(tag=tag, image=img)

    def add_text(self, tag: str, text: str, step: int = 0) -> None:
        """Write a TEXT entry (markdown), e.g. the composed config of a run."""
        meta = self._summary_pb2.SummaryMetadata(
            plugin_data=self._summary_pb2.SummaryMetadata.PluginData(plugin_name="text"))
        tensor = self._tensor_pb2.TensorProto(
            dtype=self._types_pb2.DT_STRING, string_val=[text.encode("utf-8")],
            tensor_shape=self._shape_pb2.TensorShapeProto(dim=[self._shape_pb2.TensorShapeProto.Dim(size=1)]))
        self._add([self._summary_pb2.Summary.Value(tag=tag, metadata=meta, tensor=tensor)], step)
        self._writer.flush()

    def add_scalar(self, tag: str, value: float, step: int) -> None:
        """Write one scalar outside the statistics system."""
        self._add([self._scalar(tag, value)], step)

    # ------------------------------------------------------------------ LogStatsWriter
    def write(self, path: str | None, step: int, stats: LogStats) -> None:
        """Write all statistics of one prefix at ``step``."""
        values = []
        for key, value in stats.items():
            tag = format_stats_tag(key, path)
            values.extend(self._summaries(tag, value))
            if self.tensorboard_render_figure:
                spec = get_event_stats_spec(key.event)
                if spec is not None and spec.plots:
                    for fn, input_name in spec.plots:
                        if input_name == key.output_name:
                            fig = fn(value, groups=key.group)
                            if fig is not None:
                                values.append(self._image(tag, fig))
        self._add(values, step)

    def _summaries(self, tag: str, value: Any) -> list:
        if isinstance(value, (bool, int, float, np.integer, np.floating, np.bool_)):
            return [self._scalar(tag, value)]
        if isinstance(value, np.ndarray) and value.ndim == 0:
            return [self._scalar(tag, float(value))]
        if isinstance(value, dict):
            out = []
            for k, v in value.items():
                out.extend(self._summaries(f"{tag}/{k}", v))
            return out
        if isinstance(value, (list, tuple, np.ndarray)):
            try:
                arr = to_flat_array(value)
            except (TypeError, ValueError):
                return []
            h = self._histogram(tag, arr.astype(float, copy=False))
            return [h] if h is not None else []
        return []

    def flush(self) -> None:
        self._writer.flush()

    def close(self) -> None:
        self._writer.close()
