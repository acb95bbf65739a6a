"""maze-rllib-bridge registers its plugin module under the `maze` entry-point group and it loads."""

from maze.core.testing import assert_plugin_entry_point


def test_rllib_bridge_entry_point_loads_and_is_registered():
    assert_plugin_entry_point("rllib", "maze-rllib-bridge", "maze.rllib.plugin", config_module="maze.rllib.conf")
