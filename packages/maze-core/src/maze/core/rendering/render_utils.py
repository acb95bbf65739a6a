"""Turning renderer output into images: headless matplotlib, figure → PNG/RGB, renderer arguments."""

from __future__ import annotations

import io
from typing import Any

import numpy as np

# matplotlib is optional (maze-core[render]): imported through these helpers only when drawing
from maze.core.utils.matplotlib_utils import ensure_headless_backend, import_pyplot, is_figure

__all__ = ["ensure_headless_backend", "render_to_png", "renderer_arguments", "rgb_to_png"]


def renderer_arguments(renderer: Any) -> list:
    """The :class:`~maze.core.rendering.renderer_args.RendererArg` list of a renderer (``get_args()`` or the
    reference docs' ``arguments()``)."""
    args = list(renderer.get_args()) if hasattr(renderer, "get_args") else []
    if not args and hasattr(renderer, "arguments"):
        args = list(renderer.arguments())
    return args


def render_to_png(renderer: Any, maze_state: Any, maze_action: Any, events: Any = None, dpi: int = 80,
                  **kwargs: Any) -> bytes | None:
    """Render one state and return PNG bytes (``None`` if the renderer produced nothing).

    Renderers may return a matplotlib ``Figure``, an RGB(A) array, or draw into the current pyplot figure
    and return ``None`` (the reference docs' convention). Figures created during the call are closed.

    :raises ModuleNotFoundError: naming ``maze-core[render]`` when matplotlib is not installed.
    """
    plt = import_pyplot()

    before = set(plt.get_fignums())
    plt.figure()  # a fresh current figure for renderers that draw into plt.gcf()
    try:
        result = renderer.render(maze_state, maze_action, list(events) if events is not None else [], **kwargs)
        if isinstance(result, np.ndarray):
            return rgb_to_png(result)
        fig = result if is_figure(result) else plt.gcf()
        if not fig.axes:
            return None
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
        return buf.getvalue()
    finally:
        for num in set(plt.get_fignums()) - before:
            plt.close(num)


def rgb_to_png(image: np.ndarray) -> bytes:
    """PNG bytes of an ``(H, W, 3|4)`` uint8/float image."""
    plt = import_pyplot()

    image = np.asarray(image)
    if image.ndim != 3 or image.shape[2] not in (3, 4):
        raise ValueError(f"expected an (H, W, 3|4) image from the renderer, got shape {image.shape}")
    buf = io.BytesIO()
    plt.imsave(buf, image, format="png")
    return buf.getvalue()
