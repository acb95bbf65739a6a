"""Shared fixtures of maze-train's tests."""

from __future__ import annotations

import pytest
import torch


@pytest.fixture(autouse=True)
def _single_torch_thread():
    """Small networks: one torch thread is fastest and keeps learning tests reproducible."""
    old = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(old)
