"""maze-perception registers its plugin module under the `maze` entry-point group and it loads."""

import importlib.metadata


def test_perception_entry_point_loads_and_is_registered():
    from maze.core.plugins import get_plugin_manager, reset_plugin_manager

    eps = [ep for ep in importlib.metadata.entry_points(group="maze") if ep.name == "perception"]
    assert len(eps) == 1 and eps[0].value == "maze.perception.plugin"
    assert eps[0].dist.metadata["Name"] == "maze-perception"
    module = eps[0].load()
    assert module.__name__ == "maze.perception.plugin"
    reset_plugin_manager()
    pm = get_plugin_manager()
    info = pm.plugins["perception"]
    assert info.distribution == "maze-perception" and not [f for f in pm.failures if f.name == "perception"]
    assert "pkg://maze.perception.conf" in pm.config_search_path()
    reset_plugin_manager()
