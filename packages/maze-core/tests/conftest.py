"""Shared fixtures of maze-core tests."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture
def plugin_manager():
    """A fresh process-wide plugin manager; in-process plugins registered in a test are dropped afterwards."""
    from maze.core.plugins import get_plugin_manager, reset_plugin_manager

    reset_plugin_manager()
    pm = get_plugin_manager()
    yield pm
    reset_plugin_manager()
