"""Exact minimum raw-piece usage of a deterministic Cutting-2D problem (branch and bound).

The search fulfils every order of a known order sequence with the env's guillotine mechanics (any
inventory piece or the raw piece, either rotation, either cutting order) and minimises the number of
raw pieces cut. It ignores the inventory capacity (nothing is ever discarded), which can only make
more cuts possible, so its result is a *lower bound* for the env with a finite inventory; a policy that
reaches it in the real env is optimal there too.

Raw pieces per episode: the env starts with one raw piece in inventory and replenishes one whenever
the raw piece is cut, so an episode that cuts ``k`` raw pieces sees ``k + 1`` raw pieces enter the
inventory (``k + 1`` ``piece_replenished`` events, the first one during ``reset``).
"""

from __future__ import annotations

from typing import Sequence

from maze.envs.cutting2d.env.inventory import Inventory


def _norm(piece: tuple[int, int]) -> tuple[int, int]:
    return (piece[0], piece[1]) if piece[0] <= piece[1] else (piece[1], piece[0])


def min_raw_pieces_cut(raw_piece_size: Sequence[int], orders: Sequence[Sequence[int]], upper_bound: int | None = None,
                       max_states: int = 2_000_000) -> int:
    """Minimum number of raw pieces that must be cut to fulfil all ``orders`` in sequence (no capacity limit).

    :param raw_piece_size: ``(x, y)`` of a raw piece.
    :param orders: the order sequence of the episode.
    :param upper_bound: a known achievable number (e.g. a heuristic's); prunes the search. ``None``:
        no pruning beyond the area bound of the best solution found so far.
    :param max_states: abort (``RuntimeError``) if a search layer grows beyond this many states.
    :raises ValueError: if an order does not fit into a raw piece.
    """
    raw = _norm(tuple(int(v) for v in raw_piece_size))
    raw_area = raw[0] * raw[1]
    orders = [tuple(int(v) for v in o) for o in orders]
    for o in orders:
        if not (Inventory.fits(raw, o) or Inventory.fits(raw, o, True)):
            raise ValueError(f"order {o} does not fit into the raw piece {raw}")
    remaining = [0] * (len(orders) + 1)
    for t in range(len(orders) - 1, -1, -1):
        remaining[t] = remaining[t + 1] + orders[t][0] * orders[t][1]
    ub = float("inf") if upper_bound is None else int(upper_bound)

    # state: sorted tuple of normalized residual pieces (the raw piece is always available on top)
    layer: dict[tuple, tuple[int, int]] = {(): (0, 0)}  # state -> (raw pieces cut, residual area)
    for t, order in enumerate(orders):
        nxt: dict[tuple, tuple[int, int]] = {}
        rest = remaining[t + 1]
        for state, (cuts, area) in layer.items():
            candidates = set(state)
            candidates.add(raw)
            for piece in candidates:
                is_raw = piece == raw and piece not in state
                base = list(state)
                if not is_raw:
                    base.remove(piece)
                for rotate in (False, True):
                    if not Inventory.fits(piece, order, rotate):
                        continue
                    for reverse in (False, True):
                        res = Inventory.residuals(piece, order, rotate, reverse)
                        new_state = tuple(sorted(base + [_norm(r) for r in res]))
                        new_cuts = cuts + (1 if is_raw else 0)
                        new_area = area + (raw_area if is_raw else 0) - order[0] * order[1]
                        missing = rest - new_area
                        bound = new_cuts + (-(-missing // raw_area) if missing > 0 else 0)
                        if bound > ub:
                            continue
                        old = nxt.get(new_state)
                        if old is None or new_cuts < old[0]:
                            nxt[new_state] = (new_cuts, new_area)
        if not nxt:
            raise RuntimeError(f"no solution within upper_bound={upper_bound} (search died at order {t})")
        if len(nxt) > max_states:
            raise RuntimeError(f"search layer {t} has {len(nxt)} states (> max_states={max_states}); give an upper_bound")
        layer = nxt
    return min(c for c, _ in layer.values())


def simple_problem_orders(n_steps: int = 180) -> list[tuple[int, int]]:
    """The order sequence of the tutorial's simple problem (static demand cycled in order)."""
    cycle = [(1, 2), (1, 2), (1, 1), (2, 2), (1, 2), (1, 1)]
    return [cycle[t % len(cycle)] for t in range(n_steps)]
