"""Greedy heuristic for the Cutting-2D envs (flat and structured)."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from maze.core.agent.policy import Policy
from maze.core.env.structured_env import ActorID
from maze.envs.cutting2d.env.inventory import Inventory


def select_piece(pieces: Sequence[tuple[int, int]], order: tuple[int, int]) -> int | None:
    """Index of the smallest (by area; the oldest on ties) piece that ``order`` fits into in either rotation."""
    o_lo, o_hi = (order[0], order[1]) if order[0] <= order[1] else (order[1], order[0])
    best, best_area = None, None
    for i, (x, y) in enumerate(pieces):
        lo, hi = (x, y) if x <= y else (y, x)
        if lo >= o_lo and hi >= o_hi:
            area = x * y
            if best_area is None or area < best_area:
                best, best_area = i, area
    return best


def cutting_configuration(piece: tuple[int, int], order: tuple[int, int]) -> tuple[int, int]:
    """``(cut_rotation, cut_order)`` for cutting ``order`` from ``piece``.

    Among the rotations that fit, picks the rotation and cutting order whose largest residual piece is
    largest (keeping material in one usable piece); ties prefer no rotation and x first. Returns
    ``(0, 0)`` if the order fits in no rotation.
    """
    best, best_score = (0, 0), -1
    for rotate in (0, 1):
        if not Inventory.fits(piece, order, bool(rotate)):
            continue
        for reverse in (0, 1):
            residuals = Inventory.residuals(piece, order, bool(rotate), bool(reverse))
            score = max((r[0] * r[1] for r in residuals), default=0)
            if score > best_score:
                best, best_score = (rotate, reverse), score
    return best


def _pieces_from_observation(observation: Mapping[str, Any]) -> list[tuple[int, int]]:
    n = int(np.asarray(observation["inventory_size"]).reshape(-1)[0])
    return [(int(r[0]), int(r[1])) for r in np.asarray(observation["inventory"])[:n]]


class Cutting2DGreedyPolicy(Policy):
    """Greedy heuristic: cut the order from the smallest inventory piece it fits into, in the rotation
    and cutting order that keep the largest residual piece largest.

    Works with the flat env (one sub-step, joint action ``piece_idx``/``cut_rotation``/``cut_order``) and
    the (masked) structured env (sub-step 0: ``piece_idx``; sub-step 1: ``cut_rotation``/``cut_order``).
    Uses the MazeState when the runner passes it (``needs_state() is True``), the observation otherwise.

    :param action_spaces_dict: the env's action spaces (offered by ``make_policy``); decides between the
        flat and the structured mode (default: structured).
    """

    def __init__(self, action_spaces_dict: Mapping[Any, Any] | None = None) -> None:
        self.flat = False
        if action_spaces_dict:
            keys = [set(getattr(space, "spaces", {})) for space in action_spaces_dict.values()]
            self.flat = len(keys) == 1 and {"piece_idx", "cut_rotation", "cut_order"} <= keys[0]
        self._selected: tuple[int, int] | None = None

    def needs_state(self) -> bool:
        return True

    def seed(self, seed: int) -> None:
        """Deterministic: nothing to seed."""

    def reset(self) -> None:
        self._selected = None

    def compute_action(self, observation: Any, maze_state: Any | None = None, env: Any | None = None,
                       actor_id: ActorID | None = None, deterministic: bool = False) -> dict[str, int]:
        if self.flat:
            return self._flat_action(observation, maze_state)
        step_key = 0 if actor_id is None else actor_id.step_key
        if step_key == 0:
            pieces = maze_state.inventory if maze_state is not None else _pieces_from_observation(observation)
            order = maze_state.current_demand if maze_state is not None else tuple(
                int(v) for v in np.asarray(observation["ordered_piece"]).reshape(-1))
            idx = select_piece(pieces, order)
            self._selected = pieces[idx] if idx is not None else None
            return {"piece_idx": 0 if idx is None else idx}
        if step_key == 1:
            if "selected_piece" in observation:
                piece = tuple(int(v) for v in np.asarray(observation["selected_piece"]).reshape(-1))
            else:
                piece = self._selected or (0, 0)
            order = tuple(int(v) for v in np.asarray(observation["ordered_piece"]).reshape(-1))
            rotate, reverse = cutting_configuration(piece, order)
            return {"cut_rotation": rotate, "cut_order": reverse}
        raise ValueError(f"Cutting2DGreedyPolicy: unknown sub-step {step_key!r} (expected 0 or 1)")

    def _flat_action(self, observation: Any, maze_state: Any | None) -> dict[str, int]:
        if maze_state is not None:
            pieces, order = maze_state.inventory, maze_state.current_demand
        else:
            pieces = _pieces_from_observation(observation)
            order = tuple(int(v) for v in np.asarray(observation["ordered_piece"]).reshape(-1))
        idx = select_piece(pieces, order)
        if idx is None:
            return {"piece_idx": 0, "cut_rotation": 0, "cut_order": 0}
        rotate, reverse = cutting_configuration(pieces[idx], order)
        return {"piece_idx": idx, "cut_rotation": rotate, "cut_order": reverse}
