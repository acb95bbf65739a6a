"""A single-item stock replenishment problem as a Maze core env with dict space conversions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import numpy as np

from maze.core.env.action_conversion import ActionConversionInterface
from maze.core.env.core_env import CoreEnv
from maze.core.env.maze_env import MazeEnv
from maze.core.env.observation_conversion import ObservationConversionInterface


@dataclass
class StockState:
    stock: int
    last_demand: int
    step: int


@dataclass
class StockAction:
    order: int


class StockCoreEnv(CoreEnv):
    """Each step: the order arrives, Poisson demand is served from stock, leftovers cost holding.

    :param capacity: maximum stock (excess deliveries are lost).
    :param max_order: maximum order per step.
    :param mean_demand: mean of the Poisson demand.
    :param episode_length: steps per episode (truncation).
    """

    def __init__(self, capacity: int = 20, max_order: int = 10, mean_demand: float = 4.0, episode_length: int = 50,
                 price: float = 1.0, holding_cost: float = 0.1, lost_sale_penalty: float = 0.5) -> None:
        super().__init__()
        self.capacity, self.max_order, self.mean_demand = capacity, max_order, mean_demand
        self.episode_length = episode_length
        self.price, self.holding_cost, self.lost_sale_penalty = price, holding_cost, lost_sale_penalty
        self.rng = np.random.default_rng()
        self.state = StockState(capacity // 2, 0, 0)

    def seed(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[StockState, dict]:
        if seed is not None:
            self.seed(seed)
        self.state = StockState(self.capacity // 2, 0, 0)
        return self.state, {}

    def step(self, maze_action: StockAction) -> tuple[StockState, float, bool, bool, dict]:
        if not 0 <= maze_action.order <= self.max_order:
            raise ValueError(f"order must be in [0, {self.max_order}], got {maze_action.order}")
        stock = min(self.capacity, self.state.stock + maze_action.order)
        demand = int(self.rng.poisson(self.mean_demand))
        sold = min(stock, demand)
        stock -= sold
        reward = self.price * sold - self.holding_cost * stock - self.lost_sale_penalty * (demand - sold)
        self.state = StockState(stock, demand, self.state.step + 1)
        truncated = self.state.step >= self.episode_length
        return self.state, float(reward), False, truncated, {"sold": sold}

    def get_maze_state(self) -> StockState:
        return self.state


class StockObservationConversion(ObservationConversionInterface):
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._space = gym.spaces.Dict({"stock": gym.spaces.Box(0.0, float(capacity), (1,), np.float32),
                                       "last_demand": gym.spaces.Box(0.0, np.inf, (1,), np.float32)})

    def maze_to_space(self, maze_state: StockState) -> dict[str, np.ndarray]:
        return {"stock": np.array([maze_state.stock], np.float32),
                "last_demand": np.array([maze_state.last_demand], np.float32)}

    def space(self) -> gym.spaces.Dict:
        return self._space


class StockActionConversion(ActionConversionInterface):
    def __init__(self, max_order: int) -> None:
        self._space = gym.spaces.Dict({"order": gym.spaces.Discrete(max_order + 1)})

    def space_to_maze(self, action: dict[str, Any], maze_state: Any) -> StockAction:
        return StockAction(int(action["order"]))

    def maze_to_space(self, maze_action: StockAction) -> dict[str, Any]:
        return {"order": maze_action.order}

    def space(self) -> gym.spaces.Dict:
        return self._space


class StockMazeEnv(MazeEnv[StockCoreEnv]):
    """The stock env with dict spaces."""

    def __init__(self, **core_env_kwargs: Any) -> None:
        core = StockCoreEnv(**core_env_kwargs)
        super().__init__(core, {0: StockActionConversion(core.max_order)}, {0: StockObservationConversion(core.capacity)})
