"""RLlib bridge Hydra configs."""
