"""Builds a wrapper stack from the ``wrappers`` config mapping."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from maze.core.utils.factory import ConfigError, resolve_type, to_plain
from maze.core.wrappers.wrapper import Wrapper


class WrapperFactory:
    """Wraps an env with the wrappers of a config mapping, in order (first key = innermost wrapper).

    The docs' YAML form::

        wrappers:
          maze.core.wrappers.time_limit_wrapper.TimeLimitWrapper:   # or a registered name
            max_episode_steps: 200
          ObservationNormalizationWrapper: {...}

    A list of single-key mappings or of ``{_target_: ..., **kwargs}`` entries is accepted too.
    """

    @staticmethod
    def entries(config: Any) -> list[tuple[str, dict]]:
        """Normalise a wrappers config into ``[(name_or_path, kwargs), ...]``."""
        config = to_plain(config)
        if config is None:
            return []
        items: list[tuple[str, dict]] = []
        if isinstance(config, Mapping):
            if "_target_" in config:
                config = [config]
            else:
                for name, kwargs in config.items():
                    items.append((name, dict(kwargs or {})))
                return items
        if isinstance(config, list):
            for entry in config:
                if isinstance(entry, Mapping) and "_target_" in entry:
                    kwargs = dict(entry)
                    items.append((kwargs.pop("_target_"), kwargs))
                elif isinstance(entry, Mapping) and len(entry) == 1:
                    ((name, kwargs),) = entry.items()
                    items.append((name, dict(kwargs or {})))
                else:
                    raise ConfigError(f"wrappers: list entries must be {{_target_: ...}} or {{WrapperName: {{kwargs}}}}, got {entry!r}")
            return items
        raise ConfigError(f"wrappers: expected a mapping of wrapper name/path → kwargs, got {type(config).__name__}: {config!r}")

    @classmethod
    def wrap_from_config(cls, env: Any, config: Any) -> Any:
        """Apply every wrapper of ``config`` to ``env`` (innermost first) and return the outermost."""
        for name, kwargs in cls.entries(config):
            wrapper_cls = resolve_type(name, Wrapper, key="wrappers", kind="wrapper")
            try:
                env = wrapper_cls.wrap(env, **kwargs)
            except TypeError as exc:
                raise ConfigError(f"wrappers: '{name}' rejected its arguments {sorted(kwargs)}: {exc}") from exc
        return env
