"""maze-envs-cutting2d registers its plugin module under the `maze` entry-point group and it loads."""

from maze.core.testing import assert_plugin_entry_point


def test_envs_cutting2d_entry_point_loads_and_is_registered():
    assert_plugin_entry_point("cutting2d", "maze-envs-cutting2d", "maze.envs.cutting2d.plugin", config_module="maze.envs.cutting2d.conf")
