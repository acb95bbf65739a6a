"""Shared fixtures of the maze-perception tests."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest
from gymnasium import spaces

matplotlib.use("Agg")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: takes more than a few seconds (builds a package in a fresh venv)")


@pytest.fixture
def inventory_screen_spaces() -> tuple[spaces.Dict, spaces.Dict]:
    """Observation/action spaces of the docs' template and custom model examples."""
    obs = spaces.Dict({
        "observation_inventory": spaces.Box(0.0, 1.0, (16,), np.float32),
        "observation_screen": spaces.Box(0.0, 1.0, (3, 64, 64), np.float32),
    })
    act = spaces.Dict({"action_move": spaces.Discrete(4), "action_use": spaces.MultiBinary(16)})
    return obs, act
