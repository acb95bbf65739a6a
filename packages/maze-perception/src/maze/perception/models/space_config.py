"""Spaces saved next to a trained model, so policies can be rebuilt for rollouts without the env.

The file is JSON (no pickle): gymnasium ``Box``, ``Discrete``, ``MultiDiscrete``, ``MultiBinary``,
``Dict`` and ``Tuple`` spaces are written as plain descriptions and rebuilt on load, so loading
never executes code from the file. Writes are atomic (temp file + rename).

Loading checks the file against :class:`SpacesConfigLimits` (file size, JSON nesting depth, number of
spaces, elements per space and in all) *before* any space is built, so a file declaring a
200000×200000 ``Box`` is refused with an error naming the file, the space and the limit instead of
allocating 149 GiB.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
from gymnasium import spaces

from maze.core.utils.atomic_write import atomic_write_json
from maze.core.utils.load_limits import (
    LoadLimitError,
    LoadLimits,
    loads_json_limited,
    read_limited,
)

FORMAT_VERSION = 1

#: prefix of the environment variables overriding :class:`SpacesConfigLimits` (``MAZE_SPACES_CONFIG_MAX_FILE_BYTES``)
SPACES_CONFIG_LIMITS_ENV_PREFIX = "MAZE_SPACES_CONFIG"

#: space types a spaces config may hold
_SPACE_TYPES = ("Box", "Discrete", "MultiDiscrete", "MultiBinary", "Dict", "Tuple")


class SpacesConfigError(ValueError):
    """A spaces config is malformed (the message names the file and the space)."""


class SpacesConfigLimitError(SpacesConfigError, LoadLimitError):
    """A spaces config exceeds a :class:`SpacesConfigLimits` limit (checked before any space is built)."""


@dataclasses.dataclass(frozen=True)
class SpacesConfigLimits(LoadLimits):
    """Limits on what loading a ``spaces_config.json`` may allocate.

    Override per call (``SpacesConfig.load(path, limits=SpacesConfigLimits(...))``) or per process with
    environment variables ``MAZE_SPACES_CONFIG_<FIELD>``; :meth:`from_env` applies them.

    :param max_file_bytes: size of the file.
    :param max_json_depth: nesting depth of its JSON.
    :param max_spaces: number of spaces (every ``Dict``/``Tuple`` member counts).
    :param max_space_elements: elements of one space (a ``Box``'s shape product; the ``low`` and ``high``
        arrays are allocated with that many items each).
    :param max_total_elements: elements of all spaces together.
    """

    max_file_bytes: int = 64 << 20
    max_json_depth: int = 64
    max_spaces: int = 10_000
    max_space_elements: int = 1 << 24
    max_total_elements: int = 1 << 25

    ENV_PREFIX: ClassVar[str] = SPACES_CONFIG_LIMITS_ENV_PREFIX
    LOADER: ClassVar[str] = "SpacesConfig.load"


def _encode_array(array: np.ndarray) -> Any:
    flat = array.astype(np.float64).reshape(-1)
    values = [("inf" if v > 0 else "-inf") if np.isinf(v) else float(v) for v in flat]
    if len(set(map(str, values))) == 1:
        return {"fill": values[0]}
    return {"values": values}


def _decode_array(data: Any, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    def conv(v: Any) -> float:
        return float(v)  # float("inf") / float("-inf") parse the markers

    if "fill" in data:
        return np.full(shape, conv(data["fill"]), dtype=dtype)
    return np.asarray([conv(v) for v in data["values"]], dtype=dtype).reshape(shape)


def space_to_dict(space: spaces.Space) -> dict[str, Any]:
    """A JSON-able description of a gymnasium space."""
    if isinstance(space, spaces.Box):
        return {"type": "Box", "shape": list(space.shape), "dtype": str(space.dtype),
                "low": _encode_array(space.low), "high": _encode_array(space.high)}
    if isinstance(space, spaces.Discrete):
        return {"type": "Discrete", "n": int(space.n), "start": int(space.start)}
    if isinstance(space, spaces.MultiDiscrete):
        return {"type": "MultiDiscrete", "nvec": np.asarray(space.nvec).tolist(), "dtype": str(space.dtype),
                "start": np.asarray(space.start).tolist()}
    if isinstance(space, spaces.MultiBinary):
        return {"type": "MultiBinary", "n": np.asarray(space.n).tolist()}
    if isinstance(space, spaces.Dict):
        return {"type": "Dict", "spaces": [[k, space_to_dict(s)] for k, s in space.spaces.items()]}
    if isinstance(space, spaces.Tuple):
        return {"type": "Tuple", "spaces": [space_to_dict(s) for s in space.spaces]}
    raise TypeError(f"SpacesConfig cannot serialise {type(space).__name__} spaces ({space})")


def space_from_dict(data: Mapping[str, Any]) -> spaces.Space:
    """Rebuild a space from :func:`space_to_dict` output."""
    kind = data.get("type")
    if kind == "Box":
        shape = tuple(int(s) for s in data["shape"])
        dtype = np.dtype(data["dtype"])
        return spaces.Box(low=_decode_array(data["low"], shape, dtype), high=_decode_array(data["high"], shape, dtype), dtype=dtype)
    if kind == "Discrete":
        return spaces.Discrete(int(data["n"]), start=int(data.get("start", 0)))
    if kind == "MultiDiscrete":
        return spaces.MultiDiscrete(np.asarray(data["nvec"]), dtype=np.dtype(data["dtype"]), start=np.asarray(data["start"]))
    if kind == "MultiBinary":
        n = data["n"]
        return spaces.MultiBinary(n if isinstance(n, int) else list(n))
    if kind == "Dict":
        return spaces.Dict({k: space_from_dict(s) for k, s in data["spaces"]})
    if kind == "Tuple":
        return spaces.Tuple([space_from_dict(s) for s in data["spaces"]])
    raise ValueError(f"SpacesConfig: unknown space type {kind!r} in {dict(data)}")


class _SpaceChecker:
    """Validates space descriptions (structure, dtypes, sizes) against limits before anything is built.

    :param limits: the limits.
    :param source: the file (or ``"<dict>"``), named in errors.
    """

    def __init__(self, limits: SpacesConfigLimits, source: str) -> None:
        self.limits, self.source = limits, source
        self.n_spaces = 0
        self.n_elements = 0

    def fail(self, where: str, what: str) -> SpacesConfigError:
        return SpacesConfigError(f"{self.source}: space {where}: {what}")

    def _exceeds(self, where: str, what: str, field: str) -> SpacesConfigLimitError:
        value = getattr(self.limits, field)
        return SpacesConfigLimitError(
            f"{self.source}: space {where}: {what}, more than the limit {field}={value:,}; {self.limits.hint(field)}")

    def _count(self, where: str, elements: int) -> None:
        if elements > self.limits.max_space_elements:
            raise self._exceeds(where, f"{elements:,} elements", "max_space_elements")
        self.n_elements += elements
        if self.n_elements > self.limits.max_total_elements:
            raise self._exceeds(where, f"the spaces so far have {self.n_elements:,} elements in all", "max_total_elements")

    def _shape(self, where: str, value: Any, name: str) -> tuple[int, ...]:
        if isinstance(value, int) and not isinstance(value, bool):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in value):
            raise self.fail(where, f"'{name}' must be a list of non-negative integers, got {value!r}")
        return tuple(value)

    def _bounds(self, where: str, data: Any, name: str, n: int) -> None:
        if not isinstance(data, Mapping) or not ({"fill"} == set(data) or {"values"} == set(data)):
            raise self.fail(where, f"'{name}' must be {{'fill': value}} or {{'values': [...]}}, got {data!r}")
        values = [data["fill"]] if "fill" in data else data["values"]
        if not isinstance(values, list) or ("values" in data and len(values) != n):
            raise self.fail(where, f"'{name}' must list {n} values (the shape's size), got "
                                   f"{len(values) if isinstance(values, list) else values!r}")
        for v in values:
            if not (isinstance(v, (int, float)) and not isinstance(v, bool)) and v not in ("inf", "-inf"):
                raise self.fail(where, f"'{name}' holds {v!r}; expected numbers, 'inf' or '-inf'")

    def check(self, data: Any, where: str) -> None:
        """Check the description ``data`` of the space at ``where`` (recursively)."""
        if not isinstance(data, Mapping) or data.get("type") not in _SPACE_TYPES:
            kind = data.get("type") if isinstance(data, Mapping) else data
            raise self.fail(where, f"unknown space type {kind!r}; expected one of {', '.join(_SPACE_TYPES)}")
        self.n_spaces += 1
        if self.n_spaces > self.limits.max_spaces:
            raise self._exceeds(where, f"the file has more than {self.limits.max_spaces:,} spaces", "max_spaces")
        kind = data["type"]
        try:
            if kind == "Box":
                shape = self._shape(where, data["shape"], "shape")
                n = math.prod(shape)
                self._count(where, n)  # before low/high are looked at or built
                self._dtype(where, data["dtype"], "biuf")
                self._bounds(where, data["low"], "low", n)
                self._bounds(where, data["high"], "high", n)
            elif kind == "Discrete":
                for key in ("n", "start"):
                    if not isinstance(data.get(key, 0), int) or isinstance(data.get(key, 0), bool):
                        raise self.fail(where, f"'{key}' must be an integer, got {data.get(key)!r}")
                self._count(where, 1)
            elif kind == "MultiDiscrete":
                self._dtype(where, data["dtype"], "iu")
                self._count(where, self._n_leaves(where, data["nvec"], "nvec"))
                self._n_leaves(where, data["start"], "start")
            elif kind == "MultiBinary":
                self._count(where, math.prod(self._shape(where, data["n"], "n")))
            elif kind == "Dict":
                members = data["spaces"]
                if not isinstance(members, list) or not all(isinstance(m, list) and len(m) == 2 and isinstance(m[0], str)
                                                            for m in members):
                    raise self.fail(where, "'spaces' must be a list of [name, space] pairs")
                for key, member in members:
                    self.check(member, f"{where}[{key!r}]")
            else:  # Tuple
                members = data["spaces"]
                if not isinstance(members, list):
                    raise self.fail(where, "'spaces' must be a list of spaces")
                for i, member in enumerate(members):
                    self.check(member, f"{where}[{i}]")
        except KeyError as exc:
            raise self.fail(where, f"{kind} space without {exc.args[0]!r}") from None

    def _dtype(self, where: str, value: Any, kinds: str) -> np.dtype:
        try:
            dtype = np.dtype(value) if isinstance(value, str) else None
        except (TypeError, ValueError):
            dtype = None
        if dtype is None or dtype.kind not in kinds or dtype.shape != () or dtype.fields is not None:
            raise self.fail(where, f"dtype {value!r} is not allowed here (expected a plain "
                                   f"{'numeric' if kinds == 'biuf' else 'integer'} dtype such as 'float32' or 'int64')")
        return dtype

    def _n_leaves(self, where: str, value: Any, name: str) -> int:
        count, stack = 0, [value]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, int) and not isinstance(item, bool):
                count += 1
            else:
                raise self.fail(where, f"'{name}' must hold integers, got {item!r}")
        return count


def _encode_key(key: Any) -> list[Any]:
    if isinstance(key, (bool, np.bool_)) or not isinstance(key, (int, str, np.integer)):
        raise TypeError(f"sub-step keys must be int or str, got {key!r}")
    return ["int", int(key)] if isinstance(key, (int, np.integer)) else ["str", key]


def _decode_key(encoded: list[Any]) -> Any:
    kind, value = encoded
    return int(value) if kind == "int" else str(value)


class SpacesConfig:
    """The action and observation spaces (and agent counts) per sub-step of the env a model was trained on.

    Saved next to the model weights (``spaces_config.json``) so a policy can be composed for rollouts
    without creating the training env.

    :param action_spaces_dict: sub-step key → action ``Dict`` space.
    :param observation_spaces_dict: sub-step key → observation ``Dict`` space.
    :param agent_counts_dict: sub-step key → number of agents (default 1 each).
    """

    DEFAULT_FILE_NAME = "spaces_config.json"

    def __init__(self, action_spaces_dict: Mapping[Any, spaces.Dict], observation_spaces_dict: Mapping[Any, spaces.Dict],
                 agent_counts_dict: Mapping[Any, int] | None = None) -> None:
        self.action_spaces_dict = dict(action_spaces_dict)
        self.observation_spaces_dict = dict(observation_spaces_dict)
        self.agent_counts_dict = dict(agent_counts_dict) if agent_counts_dict else {k: 1 for k in self.action_spaces_dict}

    def to_dict(self) -> dict[str, Any]:
        """The JSON-able description."""
        return {
            "format_version": FORMAT_VERSION,
            "action_spaces_dict": [[_encode_key(k), space_to_dict(s)] for k, s in self.action_spaces_dict.items()],
            "observation_spaces_dict": [[_encode_key(k), space_to_dict(s)] for k, s in self.observation_spaces_dict.items()],
            "agent_counts_dict": [[_encode_key(k), int(v)] for k, v in self.agent_counts_dict.items()],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], limits: SpacesConfigLimits | None = None,
                  source: str = "<dict>") -> SpacesConfig:
        """Rebuild from :meth:`to_dict` output; every space is validated against ``limits`` before any is built.

        :param data: the description.
        :param limits: default: :meth:`SpacesConfigLimits.from_env`.
        :param source: where ``data`` came from (named in errors).
        :raises SpacesConfigLimitError: for spaces beyond a limit.
        :raises SpacesConfigError: for malformed descriptions.
        """
        limits = limits if limits is not None else SpacesConfigLimits.from_env()
        if not isinstance(data, Mapping):
            raise SpacesConfigError(f"{source}: expected a JSON object, got {type(data).__name__}")
        if data.get("format_version") != FORMAT_VERSION:
            raise SpacesConfigError(f"{source}: unsupported SpacesConfig format_version {data.get('format_version')!r} "
                                    f"(expected {FORMAT_VERSION})")
        checker = _SpaceChecker(limits, source)
        for field in ("action_spaces_dict", "observation_spaces_dict", "agent_counts_dict"):
            entries = data.get(field)
            if not isinstance(entries, list) or not all(
                    isinstance(e, list) and len(e) == 2 and isinstance(e[0], list) and len(e[0]) == 2
                    and e[0][0] in ("int", "str") for e in entries):
                raise SpacesConfigError(f"{source}: '{field}' must be a list of [[key type, key], value] pairs")
            if field != "agent_counts_dict":
                for key, space in entries:
                    checker.check(space, f"{field}[{key[1]!r}]")
        return cls(
            action_spaces_dict={_decode_key(k): space_from_dict(s) for k, s in data["action_spaces_dict"]},
            observation_spaces_dict={_decode_key(k): space_from_dict(s) for k, s in data["observation_spaces_dict"]},
            agent_counts_dict={_decode_key(k): int(v) for k, v in data["agent_counts_dict"]},
        )

    def save(self, dump_file_path: str) -> None:
        """Write the spaces as JSON, atomically (:func:`~maze.core.utils.atomic_write.atomic_write_json`)."""
        atomic_write_json(dump_file_path, self.to_dict(), indent=1)

    @classmethod
    def load(cls, in_file_path: str, limits: SpacesConfigLimits | None = None) -> SpacesConfig:
        """Read spaces saved with :meth:`save`, within ``limits`` (checked before anything is allocated).

        :param in_file_path: the ``spaces_config.json`` file.
        :param limits: default: :meth:`SpacesConfigLimits.from_env` (defaults, overridden by
            ``MAZE_SPACES_CONFIG_<FIELD>`` environment variables).
        :raises SpacesConfigLimitError: naming the file, the space and the limit.
        :raises SpacesConfigError: for malformed files.
        """
        limits = limits if limits is not None else SpacesConfigLimits.from_env()
        size = os.path.getsize(in_file_path)
        if size > limits.max_file_bytes:
            raise SpacesConfigLimitError(f"{in_file_path}: the file has {size:,} bytes, more than the limit max_file_bytes="
                                         f"{limits.max_file_bytes:,}; {limits.hint('max_file_bytes')}")
        with open(in_file_path, "rb") as f:
            text = read_limited(f, limits.max_file_bytes, f"{in_file_path}: the file grew beyond max_file_bytes="
                                f"{limits.max_file_bytes:,} while it was read", SpacesConfigLimitError)
        depth_error = (f"{in_file_path}: the JSON is nested more than {limits.max_json_depth} levels deep (limit "
                       f"max_json_depth); {limits.hint('max_json_depth')}")
        try:
            data = loads_json_limited(text, limits.max_json_depth, depth_error, SpacesConfigLimitError)
        except (ValueError, UnicodeDecodeError) as exc:
            if isinstance(exc, SpacesConfigError):
                raise
            raise SpacesConfigError(f"{in_file_path} is not a valid SpacesConfig file (not JSON: {exc})") from exc
        return cls.from_dict(data, limits, source=str(in_file_path))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SpacesConfig) and self.to_dict() == other.to_dict()
