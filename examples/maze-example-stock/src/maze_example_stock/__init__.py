"""Example third-party Maze plugin: stock replenishment env + order-up-to heuristic.

Importing the package registers the env with gymnasium, the documented way for plugins
(:func:`maze.core.utils.gym_registration.register_maze_env`): ``gymnasium.make("maze/ExampleStock-v0")``
after ``import maze_example_stock``, or ``gymnasium.make("maze_example_stock:maze/ExampleStock-v0")``.
"""

from maze.core.utils.gym_registration import register_maze_env

# built from this package's Hydra config env/example_stock.yaml, as `maze-run env=example_stock` builds it
register_maze_env("maze/ExampleStock-v0", env_config="example_stock")
