"""Statistics as TensorBoard event files, without torch (uses the ``tensorboard`` package's own writer).

Install the optional extra: ``pip install maze-core[tensorboard]``.
"""

from __future__ import annotations

import io
import os
import struct
import sys
import time
import zlib
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


#: PNG colour type (IHDR byte 25) → TensorBoard's ``Summary.Image.colorspace`` (1 grayscale, 2 + alpha, 3 RGB, 4 RGBA)
_PNG_COLORSPACE = {0: 1, 4: 2, 2: 3, 6: 4}
#: channels → PNG colour type
_PNG_COLOR_TYPE = {1: 0, 3: 2, 4: 6}


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def encode_png(image: Any, what: str = "image") -> bytes:
    """A PNG file of a ``uint8`` picture (standard library only: ``zlib``).

    :param image: an array of shape ``(height, width)`` or ``(height, width, channels)`` with 1, 3 (RGB) or 4 (RGBA)
        channels, dtype ``uint8``.
    :param what: names the picture in the error.
    :raises ValueError: when ``image`` is not such an array.
    """
    arr = np.asarray(image)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    if arr.dtype != np.uint8 or arr.ndim != 3 or arr.shape[2] not in _PNG_COLOR_TYPE or 0 in arr.shape:
        raise ValueError(f"{what}: expected a uint8 array of shape (height, width) or (height, width, 1|3|4), got "
                         f"{arr.dtype} {tuple(np.shape(image))}")
    height, width, channels = arr.shape
    rows = np.concatenate([np.zeros((height, 1), np.uint8), arr.reshape(height, width * channels)], axis=1)  # filter 0
    header = struct.pack(">IIBBBBB", width, height, 8, _PNG_COLOR_TYPE[channels], 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", zlib.compress(rows.tobytes(), 6))
            + _png_chunk(b"IEND", b""))


#: sub-directory (TensorBoard: the sub-run ``<run>/env_steps``) of the scalars written against total env steps
ENV_STEPS_RUN = "env_steps"


class LogStatsWriterTensorboard(LogStatsWriter):
    """Writes statistics to TensorBoard event files in ``log_dir``.

    Scalars go to SCALARS (tag ``<prefix>_<Topic>/<event>/<stat>``, e.g. ``train_BaseEnvEvents/reward/mean``, at
    the log step: the epoch), value lists (``histogram`` statistics: actions, observations) to
    HISTOGRAMS/DISTRIBUTIONS, dict values to one scalar per entry. :meth:`add_text` writes TEXT entries (e.g. the run
    config), :meth:`write_image` (pictures as arrays: the ``ObservationVisualizationWrapper``'s, in rollouts and once
    per training epoch) and :meth:`add_figure` (matplotlib figures) IMAGES.

    **Env-step axis.** A run that counts env steps (A2C/PPO) writes its scalars a second time, with the same tags,
    into the sub-run ``<log_dir>/env_steps/`` at step = total env steps (:meth:`write_by_env_steps`), the axis
    Stable-Baselines3 and RLlib runs are compared on. In TensorBoard each run dir then shows as two runs, ``<run>``
    (x: epoch) and ``<run>/env_steps`` (x: env steps); filter the runs with ``env_steps`` (or ``^(?!.*env_steps)``)
    to compare runs on one axis.

    **Figures** of ``define_plot`` statistics (e.g. the action bar charts) are rendered as IMAGES only when
    ``tensorboard_render_figure`` is asked for; by default action and observation statistics are histograms, in
    training and in rollouts alike.

    :param log_dir: output directory (created if missing).
    :param tensorboard_render_figure: also render ``define_plot`` figures with matplotlib (needs the
        ``maze-core[render]`` extra; skipped without it).
    :raises ImportError: when the optional ``tensorboard`` package is missing, with the install hint.
    """

    def __init__(self, log_dir: str, tensorboard_render_figure: bool = False) -> None:
        (self._event_file_writer, self._event_pb2, self._summary_pb2, self._tensor_pb2, self._shape_pb2,
         self._types_pb2) = _protos()
        self.log_dir = str(log_dir)
        os.makedirs(self.log_dir, exist_ok=True)
        # figures need matplotlib (maze-core[render]); without it they are skipped, histograms/scalars stay
        self.tensorboard_render_figure = bool(tensorboard_render_figure) and matplotlib_available()
        self._writer = self._event_file_writer(self.log_dir, max_queue_size=100, flush_secs=30)
        self._env_steps_writer: Any = None  # created on the first write_by_env_steps

    # ------------------------------------------------------------------ summaries
    def _add(self, values: list, step: int, writer: Any = None) -> None:
        if values:
            summary = self._summary_pb2.Summary(value=values)
            (writer or self._writer).add_event(self._event_pb2.Event(wall_time=time.time(), step=int(step),
                                                                     summary=summary))

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

    def _png_image(self, tag: str, png: bytes) -> Any:
        width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")  # the IHDR chunk
        colorspace = _PNG_COLORSPACE[png[25]]
        img = self._summary_pb2.Summary.Image(height=height, width=width, colorspace=colorspace, encoded_image_string=png)
        return self._summary_pb2.Summary.Value(tag=tag, image=img)

    def _image(self, tag: str, figure: Any, close: bool = True) -> Any:
        buf = io.BytesIO()
        figure.savefig(buf, format="png")
        if close and "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close(figure)  # a pyplot figure; a bare Figure is not registered there
        return self._png_image(tag, buf.getvalue())

    def write_image(self, tag: str, image: Any, step: int) -> None:
        """Write a picture to IMAGES (PNG-encoded; no matplotlib needed).

        :param tag: the image tag (``observation_visualization/step_key_0/observation``).
        :param image: a ``uint8`` array of shape ``(height, width)`` (grayscale) or ``(height, width, 1|3|4)``.
        :param step: the log step.
        :raises ValueError: naming the tag, when ``image`` is not such an array.
        """
        self._add([self._png_image(tag, encode_png(image, what=f"image '{tag}'"))], step)

    def add_figure(self, tag: str, figure: Any, global_step: int = 0, close: bool = True) -> None:
        """Write a matplotlib figure to IMAGES (the ``SummaryWriter.add_figure`` call that e.g.
        :meth:`~maze.core.wrappers.observation_visualization_wrapper.ObservationVisualizationWrapper.write_observation_figures`
        makes).

        :param tag: the image tag (``observation_visualization/step_key_0/observation``).
        :param figure: a matplotlib ``Figure``.
        :param global_step: the log step.
        :param close: close a pyplot figure after writing it.
        """
        self._add([self._image(tag, figure, close)], global_step)

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

    def write_by_env_steps(self, path: str | None, env_steps: int, stats: LogStats) -> None:
        """Write the scalars of one prefix into the ``env_steps/`` sub-run at step ``env_steps`` (same tags as
        :meth:`write`; histograms and figures stay on the epoch axis only)."""
        values = []
        for key, value in stats.items():
            values.extend(v for v in self._summaries(format_stats_tag(key, path), value) if not v.HasField("histo"))
        if not values:
            return
        if self._env_steps_writer is None:
            folder = os.path.join(self.log_dir, ENV_STEPS_RUN)
            os.makedirs(folder, exist_ok=True)
            self._env_steps_writer = self._event_file_writer(folder, max_queue_size=100, flush_secs=30)
        self._add(values, env_steps, self._env_steps_writer)

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
        if self._env_steps_writer is not None:
            self._env_steps_writer.flush()

    def close(self) -> None:
        self._writer.close()
        if self._env_steps_writer is not None:
            self._env_steps_writer.close()
