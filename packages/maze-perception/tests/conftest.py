"""Shared fixtures of the maze-perception tests."""

from __future__ import annotations

import os

import matplotlib
import numpy as np
import pytest
from gymnasium import spaces

matplotlib.use("Agg")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: takes more than a few seconds (builds a package in a fresh venv)")


def assert_valid_png(path: str) -> None:
    """The file exists, has the PNG signature and decodes to a non-empty image."""
    import matplotlib.image as mpimg

    assert os.path.getsize(path) > 1000, path
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    image = mpimg.imread(path)
    assert image.ndim == 3 and image.shape[0] > 50 and image.shape[1] > 50
    assert image.std() > 0.01  # not a blank picture


def assert_valid_pdf(path: str) -> None:
    assert os.path.getsize(path) > 1000, path
    with open(path, "rb") as f:
        assert f.read(5) == b"%PDF-"


@pytest.fixture
def inventory_screen_spaces() -> tuple[spaces.Dict, spaces.Dict]:
    """Observation/action spaces of the docs' template and custom model examples."""
    obs = spaces.Dict({
        "observation_inventory": spaces.Box(0.0, 1.0, (16,), np.float32),
        "observation_screen": spaces.Box(0.0, 1.0, (3, 64, 64), np.float32),
    })
    act = spaces.Dict({"action_move": spaces.Discrete(4), "action_use": spaces.MultiBinary(16)})
    return obs, act
