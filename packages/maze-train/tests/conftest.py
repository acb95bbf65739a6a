"""Shared fixtures of maze-train's tests."""

from __future__ import annotations

import importlib.util

import pytest
import torch

#: maze-envs-cutting2d is a test-only companion of maze-train (not a dependency): tests that train on it are
#: marked ``needs_cutting2d`` and skipped where only maze-train and its dependencies are installed (nox -s package)


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # a parent package (maze.envs) is missing
        return False


HAS_CUTTING2D = _installed("maze.envs.cutting2d")


def pytest_collection_modifyitems(config, items):
    if HAS_CUTTING2D:
        return
    skip = pytest.mark.skip(reason="needs maze-envs-cutting2d installed")
    for item in items:
        if "needs_cutting2d" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _single_torch_thread():
    """Small networks: one torch thread is fastest and keeps learning tests reproducible."""
    old = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(old)
