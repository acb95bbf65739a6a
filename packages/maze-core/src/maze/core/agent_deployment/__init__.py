"""Agent deployment: a policy with its wrapper stack, driven by MazeStates from an external env."""
