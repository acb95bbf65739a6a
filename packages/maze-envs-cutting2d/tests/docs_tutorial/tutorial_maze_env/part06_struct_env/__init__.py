"""Tutorial part 6: the structured env (piece selection, then cutting) and its action masks."""
