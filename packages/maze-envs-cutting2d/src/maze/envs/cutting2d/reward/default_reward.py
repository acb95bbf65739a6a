"""Event-based reward aggregators of the Cutting-2D env."""

from __future__ import annotations

from typing import Any

from maze.core.env.reward import RewardAggregatorInterface
from maze.envs.cutting2d.env.events import CuttingEvents, InventoryEvents


class CuttingRewardAggregator(RewardAggregatorInterface):
    """Base of Cutting-2D reward aggregators: subscribes to cutting and inventory events."""

    def get_interfaces(self) -> list[type]:
        return [CuttingEvents, InventoryEvents]


class DefaultRewardAggregator(CuttingRewardAggregator):
    """Default reward: a penalty per raw piece started and per invalid action.

    ``reward = raw_piece_usage_penalty * #piece_replenished
    + invalid_action_penalty * (#invalid_piece_selected + #invalid_cut)`` for the events of the step.

    :param invalid_action_penalty: reward of an invalid piece selection or cut (negative).
    :param raw_piece_usage_penalty: reward of starting a new raw piece (negative).
    """

    def __init__(self, invalid_action_penalty: float = -2.0, raw_piece_usage_penalty: float = -1.0) -> None:
        super().__init__()
        self.invalid_action_penalty = float(invalid_action_penalty)
        self.raw_piece_usage_penalty = float(raw_piece_usage_penalty)
        self._replenished = InventoryEvents.piece_replenished
        self._invalid = (CuttingEvents.invalid_piece_selected, CuttingEvents.invalid_cut)

    def summarize_reward(self, maze_state: Any | None = None) -> float:
        reward = 0.0
        replenished = self._replenished
        invalid = self._invalid
        for event in self.events:  # few events per step: one pass, no generator machinery
            method = event.interface_method
            if method is replenished:
                reward += self.raw_piece_usage_penalty
            elif method in invalid:
                reward += self.invalid_action_penalty
        return reward


class RawPieceUsageRewardAggregator(CuttingRewardAggregator):
    """Penalizes only raw piece usage: ``-reward_scale`` per replenished raw piece.

    Invalid actions are not penalized (they deliver nothing, so combine with action masking).

    :param reward_scale: reward scaling factor.
    """

    def __init__(self, reward_scale: float = 1.0) -> None:
        super().__init__()
        self.reward_scale = float(reward_scale)

    def get_interfaces(self) -> list[type]:
        return [InventoryEvents]

    def summarize_reward(self, maze_state: Any | None = None) -> float:
        n = sum(1 for _ in self.query_events(InventoryEvents.piece_replenished))
        return -self.reward_scale * n


class WasteRewardAggregator(CuttingRewardAggregator):
    """Shaped reward: delivered area minus raw area started, in raw-piece units, minus invalid-action penalties.

    Per step: ``+cutting_area / raw_area`` for a valid cut, ``-1`` for each raw piece started and
    ``invalid_action_penalty`` for each invalid action. Over an episode the first two terms sum to
    ``-(wasted or still unused area) / raw_area``, a denser signal than counting raw pieces.

    :param invalid_action_penalty: reward of an invalid action (negative).
    """

    def __init__(self, invalid_action_penalty: float = -1.0) -> None:
        super().__init__()
        self.invalid_action_penalty = float(invalid_action_penalty)

    def summarize_reward(self, maze_state: Any | None = None) -> float:
        reward = 0.0
        for event in self.events:
            method = event.interface_method
            if method is CuttingEvents.valid_cut:
                raw = event.attributes["raw_piece_size"]
                reward += float(event.attributes["cutting_area"]) / float(raw[0] * raw[1])
            elif method is InventoryEvents.piece_replenished:
                reward -= 1.0
            elif method is CuttingEvents.invalid_cut or method is CuttingEvents.invalid_piece_selected:
                reward += self.invalid_action_penalty
        return reward
