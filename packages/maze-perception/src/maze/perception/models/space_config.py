"""Spaces saved next to a trained model, so policies can be rebuilt for rollouts without the env.

The file is JSON (no pickle): gymnasium ``Box``, ``Discrete``, ``MultiDiscrete``, ``MultiBinary``,
``Dict`` and ``Tuple`` spaces are written as plain descriptions and rebuilt on load, so loading
never executes code from the file. Writes are atomic (temp file + rename).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from typing import Any

import numpy as np
from gymnasium import spaces

FORMAT_VERSION = 1


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
    def from_dict(cls, data: Mapping[str, Any]) -> SpacesConfig:
        """Rebuild from :meth:`to_dict` output."""
        if data.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"SpacesConfig: unsupported format_version {data.get('format_version')!r} (expected {FORMAT_VERSION})")
        return cls(
            action_spaces_dict={_decode_key(k): space_from_dict(s) for k, s in data["action_spaces_dict"]},
            observation_spaces_dict={_decode_key(k): space_from_dict(s) for k, s in data["observation_spaces_dict"]},
            agent_counts_dict={_decode_key(k): int(v) for k, v in data["agent_counts_dict"]},
        )

    def save(self, dump_file_path: str) -> None:
        """Write the spaces as JSON, atomically (temp file in the same directory + ``os.replace``)."""
        directory = os.path.dirname(os.path.abspath(dump_file_path))
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp_spaces_", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(self.to_dict(), f, indent=1)
            os.replace(tmp, dump_file_path)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)

    @classmethod
    def load(cls, in_file_path: str) -> SpacesConfig:
        """Read spaces saved with :meth:`save`."""
        with open(in_file_path, encoding="utf-8") as f:
            try:
                data = json.load(f)
            except json.JSONDecodeError as exc:
                raise ValueError(f"SpacesConfig: {in_file_path} is not valid JSON: {exc}") from exc
        return cls.from_dict(data)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SpacesConfig) and self.to_dict() == other.to_dict()
