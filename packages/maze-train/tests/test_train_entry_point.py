"""maze-train registers its plugin module under the `maze` entry-point group and it loads."""

from maze.core.testing import assert_plugin_entry_point


def test_train_entry_point_loads_and_is_registered():
    assert_plugin_entry_point("train", "maze-train", "maze.train.plugin", config_module="maze.train.conf")
