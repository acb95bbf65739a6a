"""maze-perception Hydra configs."""
