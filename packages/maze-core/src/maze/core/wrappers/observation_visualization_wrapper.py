"""Visualize observations as figures (TensorBoard images or PNG files)."""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Callable
from typing import Any

import numpy as np

from maze.core.log_stats.log_stats import LogStatsWriter, writes_images
from maze.core.utils.factory import resolve_callable
from maze.core.utils.matplotlib_utils import require_matplotlib
from maze.core.wrappers.wrapper import Wrapper

PlotFunction = Callable[..., Any]
#: first part of the TensorBoard tags of observation figures (``observation_visualization/<step_key>/<name>``)
OBSERVATION_FIGURE_TAG = "observation_visualization"


def plot_observations(value: list[np.ndarray], groups: tuple[str, str], **kwargs: Any) -> Any:
    """Default plot function: images for 2-D/3-D observations (the latest sample), value distributions
    per element for scalar and 1-D observations.

    :param value: the collected observations of one (sub-step, observation key) group, oldest first.
    :param groups: ``("step_key_<key>", observation_name)``.
    :return: a matplotlib ``Figure`` (or ``None`` to skip the group).
    """
    from matplotlib.figure import Figure

    if not value:
        return None
    step_key, name = groups
    latest = np.asarray(value[-1])
    fig = Figure(figsize=(6, 4))
    if latest.ndim <= 1:
        samples = np.stack([np.asarray(v, dtype=np.float64).reshape(-1) for v in value])
        ax = fig.add_subplot(1, 1, 1)
        ax.boxplot(samples, showfliers=False)
        ax.set_xlabel("element")
        ax.set_ylabel("value")
    elif latest.ndim == 2 or (latest.ndim == 3 and latest.shape[-1] in (3, 4)):
        ax = fig.add_subplot(1, 1, 1)
        img = ax.imshow(latest if latest.ndim == 2 else _to_rgb(latest), interpolation="nearest")
        if latest.ndim == 2:
            fig.colorbar(img, ax=ax)
    else:
        channels = latest.reshape(-1, *latest.shape[-2:])[:4]
        fig.set_size_inches(4 * len(channels), 4)
        for i, channel in enumerate(channels):
            ax = fig.add_subplot(1, len(channels), i + 1)
            img = ax.imshow(channel, interpolation="nearest")
            fig.colorbar(img, ax=ax)
    fig.suptitle(f"{step_key} / {name}")
    return fig


def _to_rgb(img: np.ndarray) -> np.ndarray:
    if np.issubdtype(img.dtype, np.integer):
        return img.astype(np.uint8)
    lo, hi = float(np.min(img)), float(np.max(img))
    return (img - lo) / (hi - lo) if hi > lo else np.zeros_like(img, dtype=np.float32)


class ObservationVisualizationWrapper(Wrapper):
    """Collects the observations passed to the policy and renders them with a plot function, for
    TensorBoard (IMAGES tab) or as PNG files.

    Observations are collected per ``(sub-step, observation key)`` group (the latest ``max_samples``,
    every ``collect_every``-th step). :meth:`take_observation_images` turns each group into a figure with
    ``plot_function``, renders it to an RGB picture and clears the buffers; the run's TensorBoard IMAGES receive them
    (tag ``observation_visualization/<step_key>/<name>``) at the end of a sequential rollout
    (:func:`write_observation_figures_of`) and once per training epoch (the trainer asks the first training env, also
    in a worker process). :meth:`write_observation_figures` does the same for user code, with a ``SummaryWriter``
    and/or PNG files.

    ``plot_function(value: list[np.ndarray], groups: tuple[str, str], **kwargs) -> Figure | None`` gets the
    collected observations and ``("step_key_<key>", name)``; return ``None`` to skip a group.

    :param env: the env to wrap (Dict observations; other observations are grouped as ``"observation"``).
    :param plot_function: callable or import path; default :func:`plot_observations`.
    :param max_samples: observations kept per group.
    :param collect_every: collect every n-th step only (cheaper for large observations).
    :raises ModuleNotFoundError: naming ``maze-core[render]`` when matplotlib is not installed.
    """

    def __init__(self, env: Any, plot_function: PlotFunction | str | None = None, max_samples: int = 100,
                 collect_every: int = 1) -> None:
        super().__init__(env)
        require_matplotlib("ObservationVisualizationWrapper")  # its figures are drawn with matplotlib
        if plot_function is not None:
            plot_function = resolve_callable(plot_function, key="ObservationVisualizationWrapper.plot_function")
        if int(max_samples) < 1 or int(collect_every) < 1:
            raise ValueError(f"ObservationVisualizationWrapper: max_samples and collect_every must be >= 1, got {max_samples}, {collect_every}")
        self.plot_function: PlotFunction = plot_function or plot_observations
        self.max_samples = int(max_samples)
        self.collect_every = int(collect_every)
        self._buffers: dict[tuple[str, str], deque] = {}
        self._count = 0
        try:
            keys = list(env.observation_spaces_dict)
        except AttributeError:
            keys = [0]
        self._flat_key = keys[0] if len(keys) == 1 else None

    def _collect(self, observation: Any) -> None:
        self._count += 1
        if self._count % self.collect_every:
            return
        step_key = self._flat_key if self._flat_key is not None else self.env.actor_id().step_key
        items = observation.items() if isinstance(observation, dict) else (("observation", observation),)
        for name, value in items:
            group = (f"step_key_{step_key}", str(name))
            buf = self._buffers.get(group)
            if buf is None:
                buf = self._buffers[group] = deque(maxlen=self.max_samples)
            buf.append(np.array(value, copy=True))

    def step(self, action: Any) -> tuple[Any, Any, bool, bool, dict]:
        obs, reward, terminated, truncated, info = self.env.step(action)
        self._collect(obs)
        return obs, reward, terminated, truncated, info

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[Any, dict]:
        obs, info = self.env.reset(seed=seed, options=options)
        self._collect(obs)
        return obs, info

    def collected_observations(self) -> dict[tuple[str, str], list[np.ndarray]]:
        """The collected observations per ``(step_key_<key>, name)`` group."""
        return {group: list(buf) for group, buf in self._buffers.items()}

    def clear_observations(self) -> None:
        """Forget the collected observations."""
        self._buffers.clear()

    def plot_observation_figures(self, **kwargs: Any) -> dict[tuple[str, str], Any]:
        """Figures of all groups (``plot_function`` results that are not ``None``)."""
        figures = {}
        for group, buf in self._buffers.items():
            fig = self.plot_function(value=list(buf), groups=group, **kwargs)
            if fig is not None:
                figures[group] = fig
        return figures

    def take_observation_images(self) -> dict[str, np.ndarray]:
        """Render every group's figure to a picture and clear the buffers (the pictures of one epoch or rollout).

        The result is plain data (it travels from a vector env's worker process to the trainer).

        :return: ``{"observation_visualization/<step_key>/<name>": uint8 RGB array (height, width, 3)}``; empty when
            nothing was collected since the last call.
        """
        images = {f"{OBSERVATION_FIGURE_TAG}/{step_key}/{name}": figure_to_rgb(fig)
                  for (step_key, name), fig in self.plot_observation_figures().items()}
        self.clear_observations()
        return images

    def write_observation_figures(self, summary_writer: Any = None, global_step: int = 0, output_dir: str | None = None,
                                  clear: bool = True) -> dict[tuple[str, str], Any]:
        """Render all groups and write them to TensorBoard (``summary_writer.add_figure``, tag
        ``observation_visualization/<step_key>/<name>``) and/or as ``<output_dir>/observation_visualization/
        <step_key>-<name>-<global_step>.png``; clears the buffers unless ``clear=False``.

        :return: the figures by group (closed when written to TensorBoard).
        """
        figures = self.plot_observation_figures()
        for (step_key, name), fig in figures.items():
            if output_dir is not None:
                folder = os.path.join(output_dir, "observation_visualization")
                os.makedirs(folder, exist_ok=True)
                safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in f"{step_key}-{name}")
                fig.savefig(os.path.join(folder, f"{safe}-{global_step}.png"))
            if summary_writer is not None:
                summary_writer.add_figure(f"{OBSERVATION_FIGURE_TAG}/{step_key}/{name}", fig, global_step=global_step)
        if clear:
            self.clear_observations()
        return figures


def observation_visualization_wrappers(env: Any) -> list[ObservationVisualizationWrapper]:
    """The :class:`ObservationVisualizationWrapper` s in the wrapper stack of ``env``, outermost first."""
    found = []
    while env is not None:
        if issubclass(type(env), ObservationVisualizationWrapper):  # type(): isinstance sees through wrapping
            found.append(env)
        env = env.env if issubclass(type(env), Wrapper) else None
    return found


def figure_to_rgb(figure: Any) -> np.ndarray:
    """Draw a matplotlib figure with the Agg renderer into a ``uint8`` RGB array ``(height, width, 3)`` (its size in
    inches times its dpi); a pyplot figure is closed afterwards."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = figure.canvas if isinstance(figure.canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
    canvas.draw()
    rgb = np.array(canvas.buffer_rgba())[..., :3]
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close(figure)  # a pyplot figure; a bare Figure is not registered there
    return rgb


def write_observation_figures_of(env: Any, summary_writers: list[Any], global_step: int) -> int:
    """Write the pictures of every :class:`ObservationVisualizationWrapper` in ``env``'s stack to TensorBoard (IMAGES,
    tags ``observation_visualization/<step_key>/<name>``) and clear their buffers; called by the rollout runners
    at the end of a rollout.

    :param env: the env (wrapper stack) of the run.
    :param summary_writers: statistics writers (:meth:`~maze.core.log_stats.log_stats.LogStatsWriter.write_image`;
        Maze's ``LogStatsWriterTensorboard`` writes IMAGES) or other writers with ``add_image(tag, image,
        global_step, dataformats="HWC")`` (torch's ``SummaryWriter``).
    :param global_step: the log step of the pictures.
    :return: the number of pictures written (per writer).
    """
    writers = [w for w in summary_writers if (writes_images(w) if isinstance(w, LogStatsWriter)
                                              else callable(getattr(w, "add_image", None)))]
    count = 0
    for wrapper in observation_visualization_wrappers(env):
        if not writers:  # nothing takes pictures (e.g. console only): skip drawing them
            wrapper.clear_observations()
            continue
        images = wrapper.take_observation_images()
        for writer in writers:
            for tag, image in images.items():
                if isinstance(writer, LogStatsWriter):
                    writer.write_image(tag, image, global_step)
                else:
                    writer.add_image(tag, image, global_step=global_step, dataformats="HWC")
        count += len(images)
    return count
