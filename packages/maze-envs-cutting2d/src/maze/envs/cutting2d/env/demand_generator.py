"""Demand generators: the sequence of customer orders (one ``(x, y)`` piece per step)."""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from typing import Any, Sequence

from maze.core.trajectory_recording.serialization import register_trajectory_class


def _as_pair(value: Any, what: str) -> tuple[int, int]:
    try:
        pair = tuple(int(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a pair of positive integers (x, y), got {value!r}") from None
    if len(pair) != 2 or pair[0] <= 0 or pair[1] <= 0:
        raise ValueError(f"{what} must be a pair of positive integers (x, y), got {value!r}")
    return pair  # type: ignore[return-value]


class DemandGenerator(ABC):
    """Produces the customer orders of an episode.

    The env calls :meth:`reset` at episode start and then :meth:`next_order` once per step (the first
    call gives the order of the first step). Generators are plain picklable objects (they are
    serialized with trajectory data).
    """

    def seed(self, seed: int | None) -> None:
        """Seed the random number generator (deterministic generators ignore it)."""

    @abstractmethod
    def reset(self) -> None:
        """Start a new episode."""

    @abstractmethod
    def next_order(self) -> tuple[int, int]:
        """The next order ``(x, y)``."""

    def max_order_size(self) -> tuple[int, int] | None:
        """A size that every order fits into (in some rotation), if known (used for checks), else ``None``."""
        return None


class StaticDemandGenerator(DemandGenerator):
    """Cycles through a fixed list of orders in order: ``d0, d1, ..., dn, d0, d1, ...``.

    :param demand: one order ``[x, y]`` or a list of orders ``[[x0, y0], [x1, y1], ...]``.
    """

    def __init__(self, demand: Sequence[Any]) -> None:
        demand = list(demand)
        if not demand:
            raise ValueError("static demand must be an order [x, y] or a non-empty list of orders, got []")
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in demand):
            self.demand = [_as_pair(demand, "static demand")]
        else:
            self.demand = [_as_pair(d, f"static demand item {i}") for i, d in enumerate(demand)]
        self._index = 0

    def reset(self) -> None:
        self._index = 0

    def next_order(self) -> tuple[int, int]:
        order = self.demand[self._index]
        self._index += 1
        if self._index == len(self.demand):
            self._index = 0
        return order

    def max_order_size(self) -> tuple[int, int]:
        return max(d[0] for d in self.demand), max(d[1] for d in self.demand)

    def __repr__(self) -> str:
        return f"StaticDemandGenerator({self.demand})"


class MixedPeriodicDemandGenerator(DemandGenerator):
    """Random demand that can be cut exactly from ``n_raw_pieces`` raw pieces per period.

    Each period splits ``n_raw_pieces`` raw pieces with random guillotine cuts (a random piece, a random
    axis, a random position) until there are ``m_demanded_pieces`` pieces (or none can be split further),
    optionally rotates each piece with probability 0.5, and issues the pieces in random order. A new
    random period follows when one is used up, so an optimal policy needs ``n_raw_pieces`` raw pieces
    per ``m_demanded_pieces`` orders. Seeded by :meth:`seed`; each :meth:`reset` starts a fresh period.

    :param n_raw_pieces: raw pieces per period (>= 1).
    :param m_demanded_pieces: orders per period (>= ``n_raw_pieces``).
    :param rotate: randomly rotate orders by 90°.
    :param raw_piece_size: size of a raw piece (the env passes its own when not configured).
    :param seed: optional seed.
    """

    def __init__(self, n_raw_pieces: int, m_demanded_pieces: int, rotate: bool = True,
                 raw_piece_size: Sequence[int] = (100, 100), seed: int | None = None) -> None:
        if int(n_raw_pieces) < 1:
            raise ValueError(f"n_raw_pieces must be >= 1, got {n_raw_pieces!r}")
        if int(m_demanded_pieces) < int(n_raw_pieces):
            raise ValueError(f"m_demanded_pieces must be >= n_raw_pieces ({n_raw_pieces}), got {m_demanded_pieces!r}")
        self.n_raw_pieces = int(n_raw_pieces)
        self.m_demanded_pieces = int(m_demanded_pieces)
        self.rotate = bool(rotate)
        self.raw_piece_size = _as_pair(raw_piece_size, "raw_piece_size")
        self._rng = random.Random(seed)
        self._period: list[tuple[int, int]] = []

    def seed(self, seed: int | None) -> None:
        self._rng = random.Random(seed)

    def reset(self) -> None:
        self._period = []

    def _new_period(self) -> list[tuple[int, int]]:
        rng = self._rng
        pieces = [self.raw_piece_size] * self.n_raw_pieces
        while len(pieces) < self.m_demanded_pieces:
            splittable = [i for i, p in enumerate(pieces) if p[0] > 1 or p[1] > 1]
            if not splittable:
                break
            i = rng.choice(splittable)
            x, y = pieces.pop(i)
            axes = [a for a, s in ((0, x), (1, y)) if s > 1]
            axis = rng.choice(axes)
            if axis == 0:
                c = rng.randint(1, x - 1)
                pieces += [(c, y), (x - c, y)]
            else:
                c = rng.randint(1, y - 1)
                pieces += [(x, c), (x, y - c)]
        if self.rotate:
            pieces = [(p[1], p[0]) if rng.random() < 0.5 else p for p in pieces]
        rng.shuffle(pieces)
        pieces.reverse()  # consumed with pop() from the end
        return pieces

    def next_order(self) -> tuple[int, int]:
        if not self._period:
            self._period = self._new_period()
        return self._period.pop()

    def max_order_size(self) -> tuple[int, int]:
        return self.raw_piece_size

    def __repr__(self) -> str:
        return (f"MixedPeriodicDemandGenerator(n_raw_pieces={self.n_raw_pieces}, "
                f"m_demanded_pieces={self.m_demanded_pieces}, rotate={self.rotate}, raw_piece_size={self.raw_piece_size})")


class UniformRandomDemandGenerator(DemandGenerator):
    """Independent random orders: x and y uniform in ``[min_size, max_size]`` (inclusive, per axis).

    :param max_size: ``[max_x, max_y]``.
    :param min_size: ``[min_x, min_y]`` (default ``[1, 1]``).
    :param seed: optional seed.
    """

    def __init__(self, max_size: Sequence[int], min_size: Sequence[int] = (1, 1), seed: int | None = None) -> None:
        self.max_size = _as_pair(max_size, "max_size")
        self.min_size = _as_pair(min_size, "min_size")
        if self.min_size[0] > self.max_size[0] or self.min_size[1] > self.max_size[1]:
            raise ValueError(f"min_size {self.min_size} must not exceed max_size {self.max_size}")
        self._rng = random.Random(seed)

    def seed(self, seed: int | None) -> None:
        self._rng = random.Random(seed)

    def reset(self) -> None:
        """Nothing to reset: orders are independent."""

    def next_order(self) -> tuple[int, int]:
        r = self._rng
        return r.randint(self.min_size[0], self.max_size[0]), r.randint(self.min_size[1], self.max_size[1])

    def max_order_size(self) -> tuple[int, int]:
        return self.max_size


def _rng_state_of(gen: Any) -> dict:
    state = dict(vars(gen))
    state["_rng"] = gen._rng.getstate()
    return state


def _from_rng_state(cls: type, state: dict) -> Any:
    obj = cls.__new__(cls)
    rng_state = state.pop("_rng")
    for key, value in state.items():
        setattr(obj, key, value)
    obj._rng = random.Random()
    obj._rng.setstate(rng_state)
    return obj


register_trajectory_class(StaticDemandGenerator)
register_trajectory_class(MixedPeriodicDemandGenerator, _rng_state_of, _from_rng_state)
register_trajectory_class(UniformRandomDemandGenerator, _rng_state_of, _from_rng_state)
