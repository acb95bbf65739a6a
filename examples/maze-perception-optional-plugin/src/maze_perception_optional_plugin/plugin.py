"""Maze plugin module of maze-perception-optional-plugin.

``maze_register_blocks`` is a hook that maze-perception adds. In a core-only install that hook has no
spec: Maze skips this one implementation (``maze-run --plugins`` says so) and the env and policy below
work as usual. Registered targets are import paths, so nothing here imports torch.
"""

from maze.core.plugins import Component, hookimpl


@hookimpl
def maze_register_envs():
    return [Component("optional_corridor", "maze_perception_optional_plugin.env.make_corridor_env",
                      help="walk right along a corridor to its end", config="env/optional_corridor")]


@hookimpl
def maze_register_policies():
    return [Component("optional_go_right", "maze_perception_optional_plugin.policy.GoRightPolicy",
                      help="always walks right", config="policy/optional_go_right")]


@hookimpl
def maze_register_blocks():
    return [Component("CorridorDenseBlock", "maze_perception_optional_plugin.blocks.CorridorDenseBlock",
                      help="a DenseBlock under this plugin's name (needs maze-perception)")]


@hookimpl
def maze_config_search_path():
    return ["pkg://maze_perception_optional_plugin.conf"]
