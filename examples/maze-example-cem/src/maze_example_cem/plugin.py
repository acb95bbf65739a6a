"""Plugin module of maze-example-cem: one algorithm descriptor and the config search path."""

from __future__ import annotations

from maze.core.plugins import hookimpl
from maze.train.trainers.common.algorithm import AlgorithmSpec


@hookimpl
def maze_register_algorithms() -> list[AlgorithmSpec]:
    runner = "maze_example_cem.cem.CEMRunner"
    return [AlgorithmSpec("cem", config_class="maze_example_cem.cem.CEMAlgorithmConfig",
                          trainer_class="maze_example_cem.cem.CEMTrainer",
                          runners={"dev": runner, "local": runner},
                          help="cross-entropy method over the policy weights (example plugin)",
                          config="algorithm/cem")]


@hookimpl
def maze_config_search_path() -> list[str]:
    return ["pkg://maze_example_cem.conf"]
