"""Example third-party Maze plugin: stock replenishment env + order-up-to heuristic."""
