"""The reference docs' step-by-step Cutting-2D tutorial, typed out part by part against the installed Maze.

Each ``partNN_*`` package is the state of the tutorial's code after that part, under the import paths the docs use
(``tutorial_maze_env.part03_maze_env.env.maze_env.maze_env_factory``); modules a part leaves unchanged re-export
the previous part's. ``../conf`` holds the tutorial's Hydra configs. The tests put the folder above this package on
``PYTHONPATH`` and run the docs' ``maze-run`` lines with ``-cd <that conf>``.
"""
