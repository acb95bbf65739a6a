"""Hydra SearchPathPlugin: adds the config folders that installed Maze plugins contribute.

Hydra discovers plugins in the ``hydra_plugins`` namespace package; this one asks the Maze plugin
manager (hook ``maze_config_search_path``), so a third-party package only needs its entry point.
"""

from hydra.core.config_search_path import ConfigSearchPath
from hydra.plugins.search_path_plugin import SearchPathPlugin


class MazeSearchPathPlugin(SearchPathPlugin):
    def manipulate_search_path(self, search_path: ConfigSearchPath) -> None:
        from maze.core.plugins import get_plugin_manager

        present = {entry.path for entry in search_path.get_path()}  # maze-run's primary path is maze.core.conf
        for path in get_plugin_manager().config_search_path():
            if path not in present:
                search_path.append(provider="maze", path=path)
