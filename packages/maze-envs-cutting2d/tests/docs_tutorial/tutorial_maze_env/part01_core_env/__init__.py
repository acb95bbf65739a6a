"""Tutorial part 1: the CoreEnv (mechanics on MazeStates and MazeActions)."""
