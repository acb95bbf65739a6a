"""Checks a distribution runs in its own tests to prove its ``maze`` entry point is wired correctly."""

from __future__ import annotations

import importlib.metadata


def assert_plugin_entry_point(entry_point: str, distribution: str, module: str, config_module: str | None = None) -> None:
    """Assert that ``distribution`` registers ``module`` as entry point ``entry_point`` in the ``maze`` group,
    that the module loads, the plugin manager registers it without failures and (optionally) that its Hydra
    config package ``config_module`` is on the search path.
    """
    from maze.core.plugins import get_plugin_manager, reset_plugin_manager

    eps = [ep for ep in importlib.metadata.entry_points(group="maze") if ep.name == entry_point]
    assert len(eps) == 1, f"expected one 'maze' entry point named {entry_point!r}, found {len(eps)}"
    assert eps[0].value == module, f"entry point {entry_point!r} points to {eps[0].value!r}, expected {module!r}"
    assert eps[0].dist is not None and eps[0].dist.metadata["Name"] == distribution
    assert eps[0].load().__name__ == module
    reset_plugin_manager()
    try:
        pm = get_plugin_manager()
        assert pm.plugins[entry_point].distribution == distribution
        failures = [f.describe() for f in pm.failures if f.name == entry_point]
        assert not failures, failures
        if config_module is not None:
            assert f"pkg://{config_module}" in pm.config_search_path()
    finally:
        reset_plugin_manager()
