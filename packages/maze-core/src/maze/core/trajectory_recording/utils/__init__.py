"""Helpers: recording and monitoring setups for scripts."""
