"""Task-specific torch networks for the Cutting-2D envs (need torch and maze-perception).

Import the modules of this subpackage only where torch is available: the envs themselves never import it.
"""
