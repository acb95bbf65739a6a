"""Maze probability distributions."""
