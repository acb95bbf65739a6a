"""The runner concept: ``maze-run`` instantiates the selected ``runner`` config and runs it."""
