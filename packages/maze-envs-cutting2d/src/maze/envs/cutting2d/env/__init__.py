"""Cutting-2D environments: core env, inventory, events, KPIs, MazeEnvs and structured variants."""
