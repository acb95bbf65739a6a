"""Config-driven object creation with type checks: ``Factory(BaseType).instantiate(config_or_instance)``."""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from typing import Any, Generic, TypeVar, Union

from omegaconf import DictConfig, ListConfig, OmegaConf

T = TypeVar("T")

#: A config (mapping with ``_target_``), an already created instance, or a class / registered name.
ConfigType = Union[Any, Mapping[str, Any]]
#: A list or a mapping of :data:`ConfigType`.
CollectionOfConfigType = Union[Sequence[ConfigType], Mapping[str, ConfigType]]

_HYDRA_KEYS = ("_target_", "_recursive_", "_convert_", "_partial_", "_args_")


class ConfigError(ValueError):
    """A config could not be turned into an object; the message names the key, the value and what was expected."""


def to_plain(value: Any) -> Any:
    """OmegaConf containers → plain dicts/lists (resolved); other values unchanged."""
    if isinstance(value, (DictConfig, ListConfig)):
        return OmegaConf.to_container(value, resolve=True)
    return value


class Factory(Generic[T]):
    """Creates objects of ``base_type`` from configs, instances, classes or registered names.

    ``instantiate`` accepts

    * an instance of ``base_type`` (returned as is; ``kwargs`` are not allowed then),
    * a mapping with ``_target_`` (a registered short name like ``ppo`` or an import path) and
      constructor arguments,
    * a class / callable / registered name / import path, called with ``kwargs`` only.

    Instantiation is not recursive: nested configs are passed to the constructor as plain dicts and
    the component creates its parts with its own ``Factory`` (so every part gets a type check and
    an error that names it).

    :param base_type: the expected type of the created objects.
    :param kind: registry kind used to resolve short names (``"env"``, ``"policy"``...); ``None``
        searches all kinds.
    """

    def __init__(self, base_type: type[T], kind: str | None = None) -> None:
        self.base_type = base_type
        self.kind = kind

    def _resolve(self, target: Any, where: str) -> Any:
        from maze.core.plugins import get_plugin_manager
        from maze.core.plugins.registry import ComponentError

        try:
            return get_plugin_manager().resolve(target, self.kind)
        except ComponentError as exc:
            raise ConfigError(f"{where}: {exc}") from exc

    def type_from_name(self, name: Any) -> type[T]:
        """Resolve a registered name or import path to a class (checked against ``base_type``)."""
        obj = self._resolve(name, f"'{name}'")
        if inspect.isclass(obj) and not issubclass(obj, self.base_type):
            raise ConfigError(f"'{name}' resolves to {obj.__module__}.{obj.__qualname__}, expected a subclass of {self._base_name}")
        return obj

    @property
    def _base_name(self) -> str:
        return f"{self.base_type.__module__}.{self.base_type.__qualname__}"

    def instantiate(self, config: ConfigType, _optional_kwargs: Mapping[str, Any] | None = None, **kwargs: Any) -> T:
        """Create (or pass through) an object of ``base_type``.

        :param config: instance, config mapping with ``_target_``, class, or name/import path.
        :param _optional_kwargs: arguments passed only if the constructor accepts them (e.g. the
            env's ``action_spaces_dict`` offered to any policy).
        :param kwargs: arguments that override config values.
        :raises ConfigError: naming the offending key/value and what was expected.
        """
        if config is None:
            raise ConfigError(f"expected a config for {self._base_name} (a mapping with '_target_' or an instance), got None")
        if isinstance(config, self.base_type) and not isinstance(config, (Mapping, DictConfig)):
            if kwargs:
                raise ConfigError(f"got an existing {type(config).__name__} instance and extra arguments {sorted(kwargs)}")
            return config
        if isinstance(config, (Mapping, DictConfig)):
            cfg = dict(to_plain(config))
            if "_target_" not in cfg:
                raise ConfigError(
                    f"config for {self._base_name} has no '_target_' key (keys: {sorted(cfg)}). Expected e.g. "
                    f"{{'_target_': 'package.module.Class', ...constructor arguments}} or a registered name"
                )
            target_name = cfg.pop("_target_")
            for key in _HYDRA_KEYS:
                cfg.pop(key, None)
            cfg.update(kwargs)
            target = self._resolve(target_name, f"_target_ '{target_name}'")
        else:
            target_name = config
            target = self._resolve(config, f"'{config}'") if isinstance(config, str) else config
            cfg = dict(kwargs)
        if not callable(target):
            raise ConfigError(f"_target_ '{target_name}' resolves to a non-callable {type(target).__name__}")
        if _optional_kwargs:
            accepted = _accepted_kwargs(target)
            for key, value in _optional_kwargs.items():
                if key not in cfg and (accepted is None or key in accepted):
                    cfg[key] = value
        self._check_arguments(target, target_name, cfg)
        obj = target(**cfg)
        if not isinstance(obj, self.base_type):
            raise ConfigError(
                f"_target_ '{target_name}' created a {type(obj).__module__}.{type(obj).__qualname__}, "
                f"expected an instance of {self._base_name}"
            )
        return obj

    def instantiate_collection(self, collection: CollectionOfConfigType, **kwargs: Any) -> list[T] | dict[str, T]:
        """Instantiate every item of a list or mapping of configs (mappings keep their keys)."""
        collection = to_plain(collection)
        if isinstance(collection, Mapping) and "_target_" not in collection:
            return {k: self.instantiate(v, **kwargs) for k, v in collection.items()}
        if isinstance(collection, Sequence) and not isinstance(collection, str):
            return [self.instantiate(v, **kwargs) for v in collection]
        raise ConfigError(f"expected a list or mapping of {self._base_name} configs, got {type(collection).__name__}")

    @staticmethod
    def _check_arguments(target: Any, target_name: Any, cfg: Mapping[str, Any]) -> None:
        try:
            sig = inspect.signature(target)
        except (TypeError, ValueError):
            return
        params = sig.parameters
        has_var_kw = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
        unknown = [] if has_var_kw else [k for k in cfg if k not in params]
        if unknown:
            valid = [n for n, p in params.items() if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
            raise ConfigError(
                f"config key(s) {unknown} are not arguments of '{target_name}'. Valid arguments: {valid}"
            )
        missing = [
            n for n, p in params.items()
            if p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and n not in cfg
        ]
        if missing:
            raise ConfigError(f"'{target_name}' requires argument(s) {missing}, which the config does not set")


def _accepted_kwargs(target: Any) -> set[str] | None:
    try:
        params = inspect.signature(target).parameters
    except (TypeError, ValueError):
        return None
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return None
    return set(params)
