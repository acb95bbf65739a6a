"""Limits for loading files that may come from elsewhere (trajectory archives, ``spaces_config.json``).

A file read from a run dir or a data set is untrusted input: a few kilobytes of deflated zeros expand to
gigabytes, a JSON list nested a million times deep exhausts the stack, an array header can declare a
shape whose buffer would not fit into memory. The loaders check every such quantity *before* allocating
it, against a small frozen dataclass of limits with sane defaults (e.g.
:class:`~maze.core.trajectory_recording.serialization.TrajectoryLimits`). Each limit can be changed per
call (a ``limits=`` argument of the loader) or for a whole process through an environment variable named
``<PREFIX>_<FIELD>`` (``MAZE_TRAJECTORY_MAX_JSON_BYTES=1000000000``), see :func:`limits_from_env`.

The helpers here are shared by those loaders: :func:`read_limited` (stream-read with a cap, as size headers
can lie), :func:`loads_json_limited` (JSON with a nesting-depth limit) and :func:`limits_from_env`.
"""

from __future__ import annotations

import dataclasses
import json
import os
from typing import IO, Any, ClassVar, TypeVar

L = TypeVar("L")

#: chunk size of :func:`read_limited`
READ_CHUNK_BYTES = 1 << 20


class LoadLimitError(ValueError):
    """A file exceeds a load limit; the message names the file, the limit and how to raise it."""


def limits_from_env(cls: type[L], prefix: str, base: L | None = None) -> L:
    """A limits dataclass with fields overridden by environment variables ``<prefix>_<FIELD NAME>``.

    :param cls: the limits dataclass; its fields must be ``int`` or ``float``.
    :param prefix: e.g. ``"MAZE_TRAJECTORY"`` (field ``max_json_bytes`` → ``MAZE_TRAJECTORY_MAX_JSON_BYTES``).
    :param base: the values to start from (default: the dataclass defaults).
    :raises ValueError: naming the variable if a value is not a positive number.
    """
    values: dict[str, Any] = {}
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]
        name = f"{prefix}_{field.name.upper()}"
        raw = os.environ.get(name)
        if raw is None or not raw.strip():
            continue
        kind = float if field.type in (float, "float") else int
        try:
            value = kind(raw.strip().replace("_", ""))
        except ValueError:
            raise ValueError(f"environment variable {name}={raw!r}: expected a positive {kind.__name__}") from None
        if value <= 0:
            raise ValueError(f"environment variable {name}={raw!r}: expected a positive {kind.__name__}")
        values[field.name] = value
    start = base if base is not None else cls()
    return dataclasses.replace(start, **values) if values else start  # type: ignore[type-var]


def check_positive_limits(limits: Any) -> None:
    """Raise ``ValueError`` naming the field if a limit of the dataclass ``limits`` is not a positive number."""
    for field in dataclasses.fields(limits):
        value = getattr(limits, field.name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise ValueError(f"{type(limits).__name__}.{field.name} must be a positive number, got {value!r}")


def limit_hint(limits: Any, field: str, env_prefix: str, loader: str) -> str:
    """The sentence telling how to raise the limit ``field`` (for error messages)."""
    return (f"if the file is trusted, raise the limit with {loader}(..., limits={type(limits).__name__}({field}=...)) "
            f"or the environment variable {env_prefix}_{field.upper()}")


class LoadLimits:
    """Mixin of frozen limits dataclasses: positive values, environment overrides and the "how to raise it" hint.

    Subclasses set :attr:`ENV_PREFIX` (``"MAZE_TRAJECTORY"``) and :attr:`LOADER` (``"load_trajectory"``).
    """

    ENV_PREFIX: ClassVar[str] = ""
    LOADER: ClassVar[str] = ""

    def __post_init__(self) -> None:
        check_positive_limits(self)

    @classmethod
    def from_env(cls: type[L], base: L | None = None) -> L:
        """``base`` (default: the defaults) with the ``<ENV_PREFIX>_<FIELD>`` environment variables applied."""
        return limits_from_env(cls, cls.ENV_PREFIX, base)  # type: ignore[attr-defined]

    def hint(self, field: str) -> str:
        """How to raise the limit ``field`` (for error messages)."""
        return limit_hint(self, field, self.ENV_PREFIX, self.LOADER)


def read_limited(fh: IO[bytes], max_bytes: int, error: str, error_cls: type[Exception] = LoadLimitError) -> bytes:
    """Read ``fh`` to its end, but never more than ``max_bytes`` (in chunks; the cap holds even when a size
    header of the file lies).

    :param fh: a binary stream.
    :param max_bytes: the most bytes accepted.
    :param error: the message of the error raised when the stream holds more.
    :param error_cls: the type of that error.
    """
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = fh.read(min(READ_CHUNK_BYTES, max_bytes - size + 1))
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise error_cls(error)
        chunks.append(chunk)


def json_nesting_depth(value: Any, stop_above: int | None = None) -> int:
    """Nesting depth of parsed JSON (a scalar: 0, ``[1]``: 1, ``{"a": [1]}``: 2), computed without recursion.

    :param stop_above: stop counting as soon as the depth exceeds this value (the result is then
        ``stop_above + 1``).
    """
    depth = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        level += 1
        if level > depth:
            depth = level
            if stop_above is not None and depth > stop_above:
                return depth
        stack.extend((child, level) for child in children if isinstance(child, (dict, list)))
    return depth


def loads_json_limited(data: bytes | str, max_depth: int, error: str, error_cls: type[Exception] = LoadLimitError) -> Any:
    """Parse JSON whose nesting is at most ``max_depth`` levels deep.

    :param data: the JSON text.
    :param max_depth: the deepest nesting accepted.
    :param error: the message of the error raised for deeper nesting.
    :param error_cls: the type of that error.
    :raises json.JSONDecodeError: for malformed JSON (the caller names the file).
    """
    try:
        value = json.loads(data)
    except RecursionError:  # nested deeper than the interpreter's recursion limit
        raise error_cls(error) from None
    if json_nesting_depth(value, stop_above=max_depth) > max_depth:
        raise error_cls(error)
    return value
