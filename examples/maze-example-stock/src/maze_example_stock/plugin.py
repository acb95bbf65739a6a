"""Maze plugin module of maze-example-stock (registered through the `maze` entry-point group only)."""

from maze.core.plugins import Component, hookimpl


@hookimpl
def maze_register_envs():
    return [Component("example_stock", "maze_example_stock.env.StockMazeEnv", help="single-item stock replenishment",
                      config="env/example_stock")]


@hookimpl
def maze_register_policies():
    return [Component("example_stock_order_up_to", "maze_example_stock.policy.OrderUpToPolicy",
                      help="order-up-to heuristic", config="policy/example_stock_order_up_to")]


@hookimpl
def maze_config_search_path():
    return ["pkg://maze_example_stock.conf"]
