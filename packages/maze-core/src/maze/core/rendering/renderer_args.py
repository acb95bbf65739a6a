"""Arguments that renderers expose beyond the state and action (driver ID, detail level...).

Viewers turn them into controls: ipywidgets in notebooks (:meth:`RendererArg.create_widget`), a value
chosen on the command line in the HTML trajectory viewer (default: :meth:`RendererArg.default_value`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Sequence


def _ipywidgets() -> Any:
    try:
        import ipywidgets
    except ImportError as exc:
        raise ImportError(
            "interactive renderer controls need ipywidgets (pip install ipywidgets); outside notebooks use "
            "`python -m maze.core.rendering.trajectory_viewer` instead"
        ) from exc
    return ipywidgets


class RendererArg(ABC):
    """An argument a renderer accepts, with the values it may take.

    :param name: keyword passed to ``Renderer.render``.
    :param title: label shown to the user.
    """

    def __init__(self, name: str, title: str) -> None:
        if not name or not str(name).isidentifier():
            raise ValueError(f"renderer argument name must be a Python identifier, got {name!r}")
        self.name = name
        self.title = title

    @abstractmethod
    def create_widget(self) -> Any:
        """An ipywidgets control for this argument (notebooks only)."""

    @abstractmethod
    def default_value(self) -> Any:
        """The value used when the user chooses none."""

    @abstractmethod
    def parse(self, text: str) -> Any:
        """Convert a command-line string to a valid value.

        :raises ValueError: naming the argument and the allowed values.
        """


class IntRangeArg(RendererArg):
    """An integer in ``[min_value, max_value]``.

    :param min_value: smallest allowed value.
    :param max_value: largest allowed value.
    """

    def __init__(self, name: str, title: str, min_value: int, max_value: int) -> None:
        super().__init__(name, title)
        if int(min_value) > int(max_value):
            raise ValueError(f"renderer argument '{name}': min_value {min_value} > max_value {max_value}")
        self.min_value = int(min_value)
        self.max_value = int(max_value)

    def create_widget(self) -> Any:
        return _ipywidgets().IntSlider(value=self.min_value, min=self.min_value, max=self.max_value,
                                       description=self.title, continuous_update=False)

    def default_value(self) -> int:
        return self.min_value

    def parse(self, text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise ValueError(f"renderer argument '{self.name}' expects an integer, got {text!r}") from None
        if not self.min_value <= value <= self.max_value:
            raise ValueError(f"renderer argument '{self.name}' must be in [{self.min_value}, {self.max_value}], got {value}")
        return value


class OptionsArrayArg(RendererArg):
    """One value out of a list of options.

    :param options: allowed values, or ``(label shown to the user, value passed to the renderer)`` tuples.
    """

    def __init__(self, name: str, title: str, options: Sequence[Any]) -> None:
        super().__init__(name, title)
        if not options:
            raise ValueError(f"renderer argument '{name}' needs at least one option")
        self.options = list(options)
        self._pairs = [o if isinstance(o, tuple) and len(o) == 2 else (str(o), o) for o in self.options]

    def create_widget(self) -> Any:
        return _ipywidgets().Dropdown(options=self._pairs, value=self._pairs[0][1], description=self.title)

    def default_value(self) -> Any:
        return self._pairs[0][1]

    def parse(self, text: str) -> Any:
        for label, value in self._pairs:
            if text == label or text == str(value):
                return value
        raise ValueError(f"renderer argument '{self.name}' must be one of {[p[0] for p in self._pairs]}, got {text!r}")
