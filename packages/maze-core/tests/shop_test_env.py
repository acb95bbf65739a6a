"""A scripted MazeEnv with decorated custom events and a KPI calculator (shared by the statistics tests).

Each episode follows a script: per step a list of events to fire. The reward of a step is its number of
``sale`` events; an episode terminates after its last scripted step.
"""

from __future__ import annotations

from abc import ABC
from typing import Any

import gymnasium as gym
import numpy as np
import pytest

from maze.core.env.action_conversion import ActionConversionInterface
from maze.core.env.core_env import CoreEnv
from maze.core.env.maze_env import MazeEnv
from maze.core.env.observation_conversion import ObservationConversionInterface
from maze.core.log_events.kpi_calculator import KpiCalculator
from maze.core.log_events.log_events_writer_registry import LogEventsWriterRegistry
from maze.core.log_stats.event_decorators import (
    define_episode_stats,
    define_epoch_stats,
    define_stats_grouping,
    define_step_stats,
)
from maze.core.log_stats.log_stats import GlobalLogState


class ShopEvents(ABC):
    """Custom events with step/episode/epoch statistics, grouping, input/output names."""

    @define_epoch_stats(sum, input_name="revenue", output_name="product_revenue", group_by="product")
    @define_epoch_stats(np.mean, input_name="revenue", output_name="mean_revenue")
    @define_episode_stats(sum, input_name="count", output_name="count")
    @define_episode_stats(sum, input_name="revenue", output_name="revenue")
    @define_step_stats(len, output_name="count")
    @define_step_stats(sum, input_name="amount", output_name="revenue")
    @define_stats_grouping("shop", "product")
    def sale(self, shop: str, product: str, amount: float) -> None:
        """Something was sold."""

    @define_epoch_stats(np.mean, input_name="step_mean", output_name="step_mean")
    @define_epoch_stats(max, input_name="step_max", output_name="step_max")
    @define_episode_stats(np.mean, output_name="step_mean")
    @define_episode_stats(max, output_name="step_max")
    @define_step_stats(None)
    def stock(self, value: int) -> None:
        """Stock level, reported once per step (side-loaded)."""

    @define_epoch_stats(np.mean, output_name="mean_episode_total")
    @define_episode_stats(sum)
    @define_step_stats(len)
    def discarded(self) -> None:
        """An item was discarded."""

    def undecorated(self, x: int) -> None:
        """An event without statistics (ignored by the statistics, present in event logs)."""


class ShopKpiCalculator(KpiCalculator):
    """KPI: revenue per step."""

    def calculate_kpis(self, episode_event_log: Any, last_maze_state: Any) -> dict[str, float]:
        steps = len(episode_event_log.step_event_logs)
        revenue = sum(ev.attributes["amount"] for ev in episode_event_log.query_events(ShopEvents.sale))
        return {"revenue_per_step": revenue / steps, "last_t": float(last_maze_state)}


EPISODE_1 = [
    [("sale", dict(shop="a", product="x", amount=2.0)), ("sale", dict(shop="b", product="x", amount=3.0)),
     ("stock", dict(value=10))],
    [("discarded", {}), ("discarded", {}), ("stock", dict(value=7)), ("undecorated", dict(x=1))],
    [("sale", dict(shop="a", product="y", amount=5.0)), ("stock", dict(value=4))],
]
EPISODE_2 = [
    [("sale", dict(shop="a", product="x", amount=1.0)), ("discarded", {}), ("stock", dict(value=2))],
    [("stock", dict(value=6))],
]


class ShopCoreEnv(CoreEnv):
    """Replays the scripted episodes in turn (episode i uses ``scripts[i % len(scripts)]``)."""

    def __init__(self, scripts: list | None = None, with_kpis: bool = True) -> None:
        super().__init__()
        self.scripts = scripts if scripts is not None else [EPISODE_1, EPISODE_2]
        self.events = self.pubsub.create_event_topic(ShopEvents)
        self.kpi_calculator = ShopKpiCalculator() if with_kpis else None
        self.episode = -1
        self.t = 0

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        self.episode += 1
        self.t = 0
        return self.get_maze_state(), {}

    def step(self, maze_action: Any):
        script = self.scripts[self.episode % len(self.scripts)]
        n_sales = 0
        for name, kwargs in script[self.t]:
            getattr(self.events, name)(**kwargs)
            n_sales += name == "sale"
        self.t += 1
        return self.get_maze_state(), float(n_sales), self.t >= len(script), False, {}

    def get_maze_state(self) -> int:
        return self.t

    def seed(self, seed: Any) -> None:
        pass

    def get_kpi_calculator(self):
        return self.kpi_calculator


class _Obs(ObservationConversionInterface):
    def maze_to_space(self, maze_state: Any) -> dict:
        return {"t": np.array([maze_state], dtype=np.float32)}

    def space(self) -> gym.spaces.Dict:
        return gym.spaces.Dict({"t": gym.spaces.Box(0, 100, (1,), np.float32)})


class _Act(ActionConversionInterface):
    def space_to_maze(self, action: dict, maze_state: Any) -> int:
        return int(action["action"])

    def maze_to_space(self, maze_action: Any) -> dict:
        return {"action": maze_action}

    def space(self) -> gym.spaces.Dict:
        return gym.spaces.Dict({"action": gym.spaces.Discrete(3)})


class ShopMazeEnv(MazeEnv[ShopCoreEnv]):
    """Flat MazeEnv around :class:`ShopCoreEnv`."""

    def __init__(self, scripts: list | None = None, with_kpis: bool = True) -> None:
        super().__init__(ShopCoreEnv(scripts, with_kpis), {0: _Act()}, {0: _Obs()})


def run_episodes(env: Any, n: int, action: int = 1) -> None:
    """Run ``n`` full episodes with a constant action."""
    for _ in range(n):
        env.reset()
        done = False
        while not done:
            _, _, terminated, truncated, _ = env.step({"action": action})
            done = terminated or truncated


@pytest.fixture
def clean_log_state():
    """Fresh global statistics state and event writer registry before and after a test."""
    GlobalLogState.reset()
    LogEventsWriterRegistry.writers = []
    yield
    GlobalLogState.reset()
    LogEventsWriterRegistry.writers = []
