"""Raises on import on purpose (a plugin with a missing dependency looks just like this)."""

raise ImportError("maze_broken_plugin needs the package 'not-installed-anywhere'")
