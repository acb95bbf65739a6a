"""Maze plugin module of maze-colliding-plugin.

``random_policy`` is registered by maze-core too: Maze reports the conflict naming both distributions,
keeps maze-core's registration for listings, and fails only where the short name ``random_policy`` is
resolved. ``first_action_policy`` does not collide and works as usual. ``conf/env/gym_env.yaml``
shadows maze-core's file of the same path (Maze warns; Hydra uses maze-core's, which comes first).
"""

from maze.core.plugins import Component, hookimpl


@hookimpl
def maze_register_policies():
    return [
        Component("random_policy", "maze_colliding_plugin.policy.FirstActionPolicy",
                  help="collides with maze-core's random_policy on purpose"),
        Component("first_action_policy", "maze_colliding_plugin.policy.FirstActionPolicy",
                  help="always the first action of each Discrete action", config="policy/first_action_policy"),
    ]


@hookimpl
def maze_config_search_path():
    return ["pkg://maze_colliding_plugin.conf"]
