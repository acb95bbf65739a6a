"""matplotlib is an optional dependency of maze-core (the ``render`` extra): import it only to render or draw.

Rollouts, wrappers, statistics and training never import matplotlib; renderers, the trajectory viewer,
observation visualization and statistics figures call :func:`require_matplotlib` or :func:`import_pyplot`
first, so a missing install fails with one clear message::

    ModuleNotFoundError: rendering needs matplotlib: pip install maze-core[render]
"""

from __future__ import annotations

import importlib.util
import os
import sys
from typing import Any

#: The extra of maze-core that installs matplotlib.
RENDER_EXTRA = "maze-core[render]"


def matplotlib_available() -> bool:
    """Whether matplotlib can be imported (checked without importing it)."""
    try:
        return importlib.util.find_spec("matplotlib") is not None
    except (ImportError, ValueError):  # a broken install, or a module without __spec__ in sys.modules
        return sys.modules.get("matplotlib") is not None


def require_matplotlib(what: str = "rendering", extra: str = RENDER_EXTRA) -> None:
    """Raise a clear error when matplotlib is not installed.

    :param what: what needs it, the start of the message (``"rendering"``, ``"the trajectory viewer"``).
    :param extra: the pip requirement that installs it (a plugin may name its own extra).
    :raises ModuleNotFoundError: ``"<what> needs matplotlib: pip install <extra>"``.
    """
    if not matplotlib_available():
        raise ModuleNotFoundError(f"{what} needs matplotlib: pip install {extra}", name="matplotlib")


def ensure_headless_backend() -> None:
    """Switch matplotlib to Agg when no display is available (Linux without ``DISPLAY``/``WAYLAND_DISPLAY``).

    :raises ModuleNotFoundError: naming the ``render`` extra when matplotlib is not installed.
    """
    require_matplotlib()
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        import matplotlib

        if matplotlib.get_backend().lower() != "agg":
            try:
                matplotlib.use("Agg", force=True)
            except Exception:  # noqa: BLE001 - keep the current backend
                pass


def import_pyplot(what: str = "rendering", extra: str = RENDER_EXTRA) -> Any:
    """``matplotlib.pyplot`` (the backend is left as it is), or the clear error of :func:`require_matplotlib`."""
    require_matplotlib(what, extra)
    import matplotlib.pyplot as plt

    return plt


def is_figure(obj: Any) -> bool:
    """Whether ``obj`` is a matplotlib ``Figure`` (without importing matplotlib when nothing imported it yet)."""
    module = sys.modules.get("matplotlib.figure")
    return module is not None and isinstance(obj, module.Figure)
