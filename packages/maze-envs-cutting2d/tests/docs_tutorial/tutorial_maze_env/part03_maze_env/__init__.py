"""Tutorial part 3: the MazeEnv (observation and action conversions); part 3b trains it (``conf/``)."""
