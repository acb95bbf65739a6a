"""``maze-run``: the Hydra-based command line of Maze.

``maze-run [-cn ROOT_CONFIG] [group=option ...] [key=value ...]`` composes a config from the search
path that installed plugins contribute, instantiates the selected ``runner`` and runs it.
``maze-run --plugins`` (or ``maze-run plugins``) lists plugins, their components and failures.
"""

from __future__ import annotations

import sys
from typing import Any

DEFAULT_ROOT_CONFIG = "conf_rollout"


def maze_run(cfg: Any) -> Any:
    """Run the composed config: instantiate ``cfg.runner``, call ``setup(cfg)`` and ``run()``."""
    from omegaconf import OmegaConf

    from maze.core.plugins import get_plugin_manager
    from maze.core.runners.runner import Runner
    from maze.core.utils.factory import Factory

    if "runner" not in cfg or cfg.runner is None:
        raise ValueError("the composed config has no 'runner' section; select one with runner=<option>")
    print(OmegaConf.to_yaml(cfg, resolve=False), flush=True)
    pm = get_plugin_manager()
    pm.call_lifecycle("maze_run_start", config=cfg)
    runner = Factory(Runner, kind="runner").instantiate(cfg.runner)
    runner.setup(cfg)
    return runner.run()


def _hydra_entry() -> None:
    import hydra

    hydra.main(config_path=None, config_name=DEFAULT_ROOT_CONFIG, version_base=None)(maze_run)()


def main(argv: list[str] | None = None) -> int:
    """Console entry point of ``maze-run``."""
    args = sys.argv[1:] if argv is None else argv
    if "--plugins" in args or (args and args[0] == "plugins"):
        from maze.core.plugins import get_plugin_manager

        print(get_plugin_manager().describe())
        return 0
    if argv is not None:
        sys.argv = [sys.argv[0], *argv]
    _hydra_entry()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
