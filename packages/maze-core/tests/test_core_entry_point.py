"""maze-core registers its plugin module under the `maze` entry-point group and it loads."""

from maze.core.testing import assert_plugin_entry_point


def test_core_entry_point_loads_and_is_registered():
    assert_plugin_entry_point("core", "maze-core", "maze.core.plugin", config_module="maze.core.conf")
