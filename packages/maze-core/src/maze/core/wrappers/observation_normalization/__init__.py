"""Observation normalization: :class:`ObservationNormalizationWrapper`, strategies and statistics utilities."""
