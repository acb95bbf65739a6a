"""Fixtures of the wrapper tests."""
