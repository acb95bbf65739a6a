"""Tutorial part 2: a matplotlib renderer for the CoreEnv."""
