"""Algorithm config base: keyword-only dataclasses validated at construction."""

from __future__ import annotations

import dataclasses
from typing import Any, Mapping, TypeVar

from maze.core.utils.factory import ConfigError

T = TypeVar("T", bound="AlgorithmConfig")


class AlgorithmConfigError(ConfigError):
    """An algorithm parameter is invalid; the message names the field, its value and what is expected."""


@dataclasses.dataclass(kw_only=True)
class AlgorithmConfig:
    """Base class of algorithm configs (``A2CAlgorithmConfig``, ``PPOAlgorithmConfig``, ``BCAlgorithmConfig``).

    Subclasses are keyword-only dataclasses with a docstring per field; :meth:`validate` runs after
    construction and raises :class:`AlgorithmConfigError` naming the offending field.
    """

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Check all fields (subclasses extend this)."""

    @classmethod
    def from_config(cls: type[T], config: Mapping[str, Any] | AlgorithmConfig, **overrides: Any) -> T:
        """Build from a (Hydra) mapping; unknown keys raise an error that lists the valid fields."""
        if isinstance(config, cls) and not overrides:
            return config
        from maze.core.utils.factory import to_plain

        values = dataclasses.asdict(config) if isinstance(config, AlgorithmConfig) else dict(to_plain(config) or {})
        if isinstance(config, AlgorithmConfig):
            # keep non-dataclass objects (evaluator instances) as they are
            values.update({f.name: getattr(config, f.name) for f in dataclasses.fields(config)})
        values.pop("_target_", None)
        values.update(overrides)
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - names)
        if unknown:
            raise AlgorithmConfigError(
                f"unknown algorithm parameter(s) {['algorithm.' + u for u in unknown]} of {cls.__name__}; valid "
                f"parameters: {sorted(names)}"
            )
        missing = [f.name for f in dataclasses.fields(cls)
                   if f.name not in values and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
        if missing:
            raise AlgorithmConfigError(f"{cls.__name__} requires parameter(s) {missing}")
        return cls(**values)

    # --- validation helpers
    def _check(self, name: str, ok: bool, expected: str) -> None:
        if not ok:
            raise AlgorithmConfigError(
                f"algorithm.{name}={getattr(self, name)!r} is invalid: expected {expected} "
                f"(a parameter of {type(self).__name__}; valid values are described in its docstring)"
            )

    def _positive_int(self, *names: str, allow_zero: bool = False) -> None:
        for name in names:
            value = getattr(self, name)
            ok = isinstance(value, int) and not isinstance(value, bool) and (value >= 0 if allow_zero else value > 0)
            self._check(name, ok, "an integer >= 0" if allow_zero else "an integer > 0")

    def _in_range(self, name: str, low: float, high: float, low_open: bool = False, high_open: bool = False) -> None:
        value = getattr(self, name)
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if ok:
            ok = (value > low if low_open else value >= low) and (value < high if high_open else value <= high)
        lo, hi = ("(" if low_open else "["), (")" if high_open else "]")
        self._check(name, ok, f"a number in {lo}{low}, {high}{hi}")
