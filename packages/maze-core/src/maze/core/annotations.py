"""Annotations for readable code: mark method overrides (checked) and deliberately unused values.

Example::

    from maze.core.annotations import override, unused

    class MyObservationConversion(ObservationConversionInterface):
        @override(ObservationConversionInterface)
        def space(self) -> gymnasium.spaces.Dict:
            ...

        @override(ObservationConversionInterface)
        def maze_to_space(self, maze_state):
            ...

``override`` raises at class-definition time when the named base class has no method of that name, so a
typo or a renamed interface method cannot silently turn an override into a new, never-called method.
"""

from __future__ import annotations

from typing import Any, Callable, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def override(cls: type) -> Callable[[F], F]:
    """Annotation for documenting method overrides.

    :param cls: the superclass that provides the overridden method. If ``cls`` does not have an attribute of the
        decorated method's name, a ``NameError`` is raised when the class body is executed.
    :return: a decorator that returns the method unchanged.
    """
    if not isinstance(cls, type):
        raise TypeError(f"@override expects the overridden base class, got {cls!r}; write @override(BaseClass)")

    def check_override(method: F) -> F:
        name = _method_name(method)
        if name not in dir(cls):
            raise NameError(f"{name} does not override any method of {cls.__qualname__}")
        return method

    return check_override


def _method_name(method: Any) -> str:
    """The name of a function, also of ``staticmethod``/``classmethod``/``property`` objects."""
    for candidate in (method, getattr(method, "__func__", None), getattr(method, "fget", None)):
        name = getattr(candidate, "__name__", None)
        if name:
            return name
    raise TypeError(f"@override can only decorate functions, methods and properties, got {method!r}")


def unused(*args: Any) -> None:
    """Annotate values that are deliberately not used (keeps linters and readers from flagging them).

    :param args: the unused values; they are ignored.
    """
    del args
