"""Test fixture: a plugin whose policy name collides with maze-core's ``random_policy``."""
