"""maze-train registers its plugin module under the `maze` entry-point group and it loads."""

import importlib.metadata


def test_train_entry_point_loads_and_is_registered():
    from maze.core.plugins import get_plugin_manager, reset_plugin_manager

    eps = [ep for ep in importlib.metadata.entry_points(group="maze") if ep.name == "train"]
    assert len(eps) == 1 and eps[0].value == "maze.train.plugin"
    assert eps[0].dist.metadata["Name"] == "maze-train"
    module = eps[0].load()
    assert module.__name__ == "maze.train.plugin"
    reset_plugin_manager()
    pm = get_plugin_manager()
    info = pm.plugins["train"]
    assert info.distribution == "maze-train" and not [f for f in pm.failures if f.name == "train"]
    assert "pkg://maze.train.conf" in pm.config_search_path()
    reset_plugin_manager()
