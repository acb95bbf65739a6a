"""maze-core's own envs (and the third-party example) pass the conformance suite that plugins reuse."""

from __future__ import annotations

import sys
from pathlib import Path

from structured_dummy_env import GridMazeEnv

from maze.core.testing import MazeEnvConformance
from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "examples" / "maze-example-stock" / "src"))


class TestGymCartPoleConformance(MazeEnvConformance):
    def make_env(self):
        return GymMazeEnv("CartPole-v1")


class TestGymPendulumConformance(MazeEnvConformance):
    n_steps = 20

    def make_env(self):
        return GymMazeEnv("Pendulum-v1")


class TestStructuredGridConformance(MazeEnvConformance):
    def make_env(self):
        return GridMazeEnv(size=3, max_steps=4)


class TestExampleStockConformance(MazeEnvConformance):
    def make_env(self):
        from maze_example_stock.env import StockMazeEnv

        return StockMazeEnv(episode_length=10)
