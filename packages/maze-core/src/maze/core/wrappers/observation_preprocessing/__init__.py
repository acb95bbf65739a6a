"""Observation pre-processing: :class:`PreProcessingWrapper` and its pre-processors."""
