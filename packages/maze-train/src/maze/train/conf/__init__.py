"""maze-train Hydra configs."""
