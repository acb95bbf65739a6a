"""Conversions between a Dict action space and one flat space (MultiDiscrete or Box) for external frameworks.

Stable-Baselines3 and most other libraries take Box, Discrete, MultiDiscrete or MultiBinary action spaces,
while Maze envs act through Dict spaces (``{"piece_idx": Discrete(50), "cut_rotation": Discrete(2), ...}``).

* :class:`MultiDiscreteActionConversion`: a Dict of Discrete / MultiDiscrete / MultiBinary spaces ↔ one
  ``MultiDiscrete`` (0-based; ``Discrete(n, start=s)`` becomes ``n`` and ``s`` is added back),
* :class:`BoxActionConversion`: a Dict of Box spaces ↔ one flat ``Box`` (each part flattened, concatenated),
* :class:`SoleKeyActionConversion`: a single-key Dict ↔ its sub-space.

Parts are laid out in the Dict space's key order; :func:`flat_action_conversion` picks the conversion that fits.
Used by :class:`~maze.core.wrappers.dict_to_flat_action_wrappers.DictToMultiDiscreteActionWrapper`,
:class:`~maze.core.wrappers.dict_to_flat_action_wrappers.DictToBoxActionWrapper` and
:class:`~maze.core.wrappers.no_dict_spaces_wrapper.NoDictSpacesWrapper`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any

import gymnasium as gym
import numpy as np

_DISCRETE = (gym.spaces.Discrete, gym.spaces.MultiDiscrete, gym.spaces.MultiBinary)


class FlatActionConversion(ABC):
    """Maps actions of a Dict space to a flat space (:attr:`space`) and back.

    :param dict_space: the Dict action space of one sub-step.
    :param where: names the sub-step in error messages (``"sub-step 0"``).
    """

    #: the flat space seen by the agent
    space: gym.spaces.Space

    def __init__(self, dict_space: gym.spaces.Dict, where: str = "action space") -> None:
        if not isinstance(dict_space, gym.spaces.Dict):
            raise TypeError(f"{where}: expected a Dict action space, got {dict_space}")
        self.dict_space = dict_space
        self.where = where

    @abstractmethod
    def to_dict(self, action: Any) -> dict[str, Any]:
        """A flat action → the Dict action of the wrapped env."""

    @abstractmethod
    def from_dict(self, action: Mapping[str, Any]) -> Any:
        """A Dict action (e.g. recorded) → the flat action."""

    def _check_dict(self, action: Any) -> Mapping[str, Any]:
        if not isinstance(action, Mapping):
            raise ValueError(f"{self.where}: expected a dict action with keys {list(self.dict_space.spaces)}, got {action!r}")
        missing = [k for k in self.dict_space.spaces if k not in action]
        if missing:
            raise ValueError(f"{self.where}: dict action {action!r} lacks keys {missing}")
        return action


class SoleKeyActionConversion(FlatActionConversion):
    """``{key: a}`` ↔ ``a`` for a single-key Dict space."""

    def __init__(self, dict_space: gym.spaces.Dict, where: str = "action space") -> None:
        super().__init__(dict_space, where)
        if len(dict_space.spaces) != 1:
            raise ValueError(f"{where}: {len(dict_space.spaces)} keys {list(dict_space.spaces)}, expected one")
        self.key = next(iter(dict_space.spaces))
        self.space = dict_space.spaces[self.key]

    def to_dict(self, action: Any) -> dict[str, Any]:
        if isinstance(action, Mapping):
            raise ValueError(f"{self.where}: expected a plain action of space {self.space}, got a dict {action!r}")
        return {self.key: action}

    def from_dict(self, action: Mapping[str, Any]) -> Any:
        return self._check_dict(action)[self.key]


class MultiDiscreteActionConversion(FlatActionConversion):
    """A Dict of Discrete / MultiDiscrete / MultiBinary spaces ↔ one 0-based ``MultiDiscrete``.

    ``Dict(cut_order=Discrete(2), cut_rotation=Discrete(2), piece_idx=Discrete(50))`` ↔ ``MultiDiscrete([2, 2, 50])``;
    a ``MultiDiscrete`` part contributes its flattened ``nvec``, a ``MultiBinary(n)`` part ``n`` twos.

    :raises ValueError: naming the parts that are not discrete.
    """

    def __init__(self, dict_space: gym.spaces.Dict, where: str = "action space") -> None:
        super().__init__(dict_space, where)
        others = {k: s for k, s in dict_space.spaces.items() if not isinstance(s, _DISCRETE)}
        if others or not dict_space.spaces:
            raise ValueError(f"{where}: MultiDiscrete needs Discrete/MultiDiscrete/MultiBinary parts only; "
                             f"not discrete: {others or 'no parts at all'}")
        nvec, starts = [], []
        #: (key, slice into the flat vector, shape of the part, kind)
        self._parts: list[tuple[str, slice, tuple[int, ...], gym.spaces.Space]] = []
        offset = 0
        for key, sub in dict_space.spaces.items():
            if isinstance(sub, gym.spaces.Discrete):
                n, start, shape = np.asarray([sub.n]), np.asarray([sub.start]), ()
            elif isinstance(sub, gym.spaces.MultiDiscrete):
                n, start, shape = sub.nvec.reshape(-1), np.asarray(sub.start).reshape(-1), sub.nvec.shape
            else:  # MultiBinary
                shape = tuple(np.atleast_1d(sub.n))
                n, start = np.full(int(np.prod(shape)), 2), np.zeros(int(np.prod(shape)), dtype=np.int64)
            self._parts.append((key, slice(offset, offset + len(n)), shape, sub))
            offset += len(n)
            nvec.append(n)
            starts.append(start)
        self._start = np.concatenate(starts).astype(np.int64)
        self.space = gym.spaces.MultiDiscrete(np.concatenate(nvec).astype(np.int64))

    def to_dict(self, action: Any) -> dict[str, Any]:
        flat = np.asarray(action)
        if isinstance(action, Mapping) or flat.shape != self.space.shape:
            raise ValueError(f"{self.where}: expected a MultiDiscrete action of shape {self.space.shape} "
                             f"({self.space}), got {action!r}")
        flat = flat.astype(np.int64) + self._start
        out: dict[str, Any] = {}
        for key, part, shape, sub in self._parts:
            values = flat[part]
            if isinstance(sub, gym.spaces.Discrete):
                out[key] = int(values[0])
            else:
                out[key] = values.reshape(shape).astype(sub.dtype)
        return out

    def from_dict(self, action: Mapping[str, Any]) -> np.ndarray:
        action = self._check_dict(action)
        values = [np.asarray(action[key], dtype=np.int64).reshape(-1) for key, _, _, _ in self._parts]
        return np.concatenate(values) - self._start


class BoxActionConversion(FlatActionConversion):
    """A Dict of Box spaces ↔ one flat ``Box`` (parts flattened and concatenated; bounds kept).

    :raises ValueError: naming the parts that are not Box spaces.
    """

    def __init__(self, dict_space: gym.spaces.Dict, where: str = "action space") -> None:
        super().__init__(dict_space, where)
        others = {k: s for k, s in dict_space.spaces.items() if not isinstance(s, gym.spaces.Box)}
        if others or not dict_space.spaces:
            raise ValueError(f"{where}: a flat Box needs Box parts only; not Box: {others or 'no parts at all'}")
        dtype = np.result_type(*(s.dtype for s in dict_space.spaces.values()))
        self._parts: list[tuple[str, slice, gym.spaces.Box]] = []
        offset = 0
        for key, sub in dict_space.spaces.items():
            size = int(np.prod(sub.shape))
            self._parts.append((key, slice(offset, offset + size), sub))
            offset += size
        low = np.concatenate([s.low.reshape(-1) for _, _, s in self._parts]).astype(dtype)
        high = np.concatenate([s.high.reshape(-1) for _, _, s in self._parts]).astype(dtype)
        self.space = gym.spaces.Box(low=low, high=high, dtype=dtype)

    def to_dict(self, action: Any) -> dict[str, Any]:
        flat = np.asarray(action)
        if isinstance(action, Mapping) or flat.shape != self.space.shape:
            raise ValueError(f"{self.where}: expected a Box action of shape {self.space.shape} ({self.space}), "
                             f"got {action!r}")
        return {key: flat[part].reshape(sub.shape).astype(sub.dtype) for key, part, sub in self._parts}

    def from_dict(self, action: Mapping[str, Any]) -> np.ndarray:
        action = self._check_dict(action)
        return np.concatenate([np.asarray(action[key], dtype=self.space.dtype).reshape(-1)
                               for key, _, _ in self._parts])


def flat_action_conversion(dict_space: gym.spaces.Dict, where: str = "action space") -> FlatActionConversion:
    """The conversion that fits a Dict action space: its sub-space for a single key, ``MultiDiscrete`` for
    discrete parts, ``Box`` for Box parts.

    :raises ValueError: for a mix of discrete and continuous parts, naming each part and its space.
    """
    if not isinstance(dict_space, gym.spaces.Dict):
        raise TypeError(f"{where}: expected a Dict action space, got {dict_space}")
    if len(dict_space.spaces) == 1:
        return SoleKeyActionConversion(dict_space, where)
    parts = dict_space.spaces.values()
    if parts and all(isinstance(s, _DISCRETE) for s in parts):
        return MultiDiscreteActionConversion(dict_space, where)
    if parts and all(isinstance(s, gym.spaces.Box) for s in parts):
        return BoxActionConversion(dict_space, where)
    listing = ", ".join(f"{k}: {s}" for k, s in dict_space.spaces.items())
    raise ValueError(
        f"{where}: cannot flatten a Dict action space that mixes discrete and continuous parts ({listing}); "
        f"discretize the Box parts first (DiscretizeActionsWrapper) or split them into sub-steps"
    )
