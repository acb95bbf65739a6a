"""maze-rllib-bridge registers its plugin module under the `maze` entry-point group and it loads."""

import importlib.metadata


def test_rllib_bridge_entry_point_loads_and_is_registered():
    from maze.core.plugins import get_plugin_manager, reset_plugin_manager

    eps = [ep for ep in importlib.metadata.entry_points(group="maze") if ep.name == "rllib"]
    assert len(eps) == 1 and eps[0].value == "maze.rllib.plugin"
    assert eps[0].dist.metadata["Name"] == "maze-rllib-bridge"
    module = eps[0].load()
    assert module.__name__ == "maze.rllib.plugin"
    reset_plugin_manager()
    pm = get_plugin_manager()
    info = pm.plugins["rllib"]
    assert info.distribution == "maze-rllib-bridge" and not [f for f in pm.failures if f.name == "rllib"]
    assert "pkg://maze.rllib.conf" in pm.config_search_path()
    reset_plugin_manager()
