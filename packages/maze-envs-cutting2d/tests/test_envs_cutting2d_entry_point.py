"""maze-envs-cutting2d registers its plugin module under the `maze` entry-point group and it loads."""

import importlib.metadata


def test_envs_cutting2d_entry_point_loads_and_is_registered():
    from maze.core.plugins import get_plugin_manager, reset_plugin_manager

    eps = [ep for ep in importlib.metadata.entry_points(group="maze") if ep.name == "cutting2d"]
    assert len(eps) == 1 and eps[0].value == "maze.envs.cutting2d.plugin"
    assert eps[0].dist.metadata["Name"] == "maze-envs-cutting2d"
    module = eps[0].load()
    assert module.__name__ == "maze.envs.cutting2d.plugin"
    reset_plugin_manager()
    pm = get_plugin_manager()
    info = pm.plugins["cutting2d"]
    assert info.distribution == "maze-envs-cutting2d" and not [f for f in pm.failures if f.name == "cutting2d"]
    assert "pkg://maze.envs.cutting2d.conf" in pm.config_search_path()
    reset_plugin_manager()
