"""Checks of single config values: one error type (:class:`~maze.core.utils.factory.ConfigError`) and one message
format, ``<key>=<value> is invalid: expected <what>``, for every option a user sets on the command line."""

from __future__ import annotations

import math
from typing import Any

from maze.core.utils.factory import ConfigError


def _fail(key: str, value: Any, expected: str) -> ConfigError:
    return ConfigError(f"{key}={value!r} is invalid: expected {expected}")


def expect_int(key: str, value: Any, minimum: int | None = None, allow_none: bool = False) -> int | None:
    """``value`` as an ``int`` (``>= minimum``); strings, floats with a fraction and bools are refused."""
    if value is None and allow_none:
        return None
    ok = isinstance(value, int) and not isinstance(value, bool)
    if not ok and isinstance(value, float) and value.is_integer():
        value, ok = int(value), True
    bound = f" >= {minimum}" if minimum is not None else ""
    if not ok or (minimum is not None and value < minimum):
        raise _fail(key, value, f"an integer{bound}" + (" or null" if allow_none else ""))
    return int(value)


def expect_number(key: str, value: Any, minimum: float | None = None, allow_none: bool = False) -> float | None:
    """``value`` as a finite ``float`` (``>= minimum``)."""
    if value is None and allow_none:
        return None
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(float(value))
    bound = f" >= {minimum}" if minimum is not None else ""
    if not ok or (minimum is not None and float(value) < minimum):
        raise _fail(key, value, f"a number{bound}" + (" or null" if allow_none else ""))
    return float(value)


def expect_bool(key: str, value: Any) -> bool:
    """``value`` as a ``bool`` (``true``/``false`` on the command line)."""
    if not isinstance(value, bool):
        raise _fail(key, value, "true or false")
    return value
