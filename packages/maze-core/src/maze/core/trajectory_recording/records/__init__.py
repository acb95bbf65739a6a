"""Trajectory records in MazeState form and in spaces form."""
