"""Config-driven object creation with type checks: ``Factory(BaseType).instantiate(config_or_instance)``.

Every place where a config names a class — ``_target_`` of a config mapping, a wrapper name, a perception
``block_type``, a ``distribution`` — is resolved by one function, :func:`resolve_type` (or :func:`resolve_callable`
for options that take a function), which checks the result *before* anything is called:

* a class must derive from the expected base class;
* a function (a factory such as ``gym_env``) is only accepted when a plugin registered it as a Maze component;
* every problem is one :class:`ConfigError` line naming the config key, the value and what was expected.

**Trust.** Configs composed for the current command (the command line, the config files of installed plugins,
Python code) are *trusted*: they may name any import path. Configs read back from files — a run dir's
``.hydra/config.yaml`` when a trained policy is rolled out — are *untrusted*: they are resolved inside
:func:`untrusted_config`, where only registered components (by short name or by their import path) are accepted
and nothing else is imported, let alone called. See ``docs/trust_model.md``.
"""

from __future__ import annotations

import contextlib
import contextvars
import importlib
import inspect
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Callable, Generic, TypeVar, Union

from omegaconf import DictConfig, ListConfig, OmegaConf

if TYPE_CHECKING:
    from maze.core.plugins.registry import ComponentRegistry, RegisteredComponent

T = TypeVar("T")

#: A config (mapping with ``_target_``), an already created instance, or a class / registered name.
ConfigType = Union[Any, Mapping[str, Any]]
#: A list or a mapping of :data:`ConfigType`.
CollectionOfConfigType = Union[Sequence[ConfigType], Mapping[str, ConfigType]]

_HYDRA_KEYS = ("_target_", "_recursive_", "_convert_", "_partial_", "_args_")

#: Import-path prefixes the reference docs use for registered components of a kind
#: (``maze.preprocessors.Rgb2GrayPreProcessor`` → the registered preprocessor ``Rgb2GrayPreProcessor``).
NAME_ALIAS_PREFIXES: dict[str, tuple[str, ...]] = {
    "preprocessor": ("maze.preprocessors.", "maze.pre_processors."),
    "normalization_strategy": ("maze.normalization_strategies.",),
}

#: ``(file, hint)`` of the untrusted config being resolved (``None``: configs are trusted).
_UNTRUSTED: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar("maze_untrusted_config", default=None)
_DEFAULT_HINT = "register it through a plugin, or pass this config on the command line"


class ConfigError(ValueError):
    """A config could not be turned into an object; the message names the key, the value and what was expected."""


def to_plain(value: Any) -> Any:
    """OmegaConf containers → plain dicts/lists (resolved); other values unchanged."""
    if isinstance(value, (DictConfig, ListConfig)):
        return OmegaConf.to_container(value, resolve=True)
    return value


# ---------------------------------------------------------------------------------------------- trust
@contextlib.contextmanager
def untrusted_config(source: str, hint: str | None = None) -> Iterator[None]:
    """Resolve everything inside the block as coming from an untrusted file (a run dir's config).

    Inside the block :func:`resolve_type`, :func:`resolve_callable` and :meth:`Factory.instantiate` (also when called
    by the components being built, for their nested parts) accept only components a plugin registered — by short name
    or by the import path they are registered under — and refuse anything else *before importing it*; a config
    mapping is checked as a whole (every nested ``_target_``) before its first part is created.

    :param source: the file the config was read from, named in every error.
    :param hint: what the user can do instead, ending the error (default: register the component through a plugin or
        pass the config on the command line).
    """
    token = _UNTRUSTED.set((str(source), hint or _DEFAULT_HINT))
    try:
        yield
    finally:
        _UNTRUSTED.reset(token)


def untrusted_source() -> str | None:
    """The file of the untrusted config being resolved (see :func:`untrusted_config`), or ``None`` when trusted."""
    state = _UNTRUSTED.get()
    return state[0] if state is not None else None


def _refusal(key: str, value: Any, what: str, expected: str | None = None) -> ConfigError:
    source, hint = _UNTRUSTED.get() or ("?", _DEFAULT_HINT)
    also = f" (expected {expected})" if expected else ""
    return ConfigError(f"{source}: {key} = {value!r} is not a {what}{also}; a config read from a file may only name "
                       f"registered components, so it was neither imported nor called. To use it, {hint}")


# ---------------------------------------------------------------------------------------------- resolution
def _qualified_name(obj: Any) -> str:
    return f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', type(obj).__qualname__)}"


def _expected(base_type: type | None, kind: str | None, functions: bool) -> str:
    if base_type is None or base_type is object:
        return "a class" + (" or a registered factory function" if functions else "")
    return f"a subclass of {_qualified_name(base_type)}" + (" or a registered factory function" if functions else "")


def _registry() -> ComponentRegistry:
    from maze.core.plugins import get_plugin_manager

    return get_plugin_manager().registry


def _norm_path(path: str) -> str:
    return path.replace(":", ".")


def registration_of_path(path: str, kind: str | None = None) -> RegisteredComponent | None:
    """The registered component an import path names, importing nothing but registered components' packages.

    A path names a component when it is the path the component is registered under, or a re-export of the registered
    object in one of the packages above its module (``maze.perception.builders.ConcatModelBuilder`` for
    ``maze.perception.builders.concat.ConcatModelBuilder``). Only such a parent package is imported to check a
    re-export: importing it runs no code that loading the registered component would not run anyway.

    :param path: ``package.module.Name`` or ``package.module:Name``.
    :param kind: look among the components of this kind only (``None``: all kinds).
    """
    entries = _registry().entries(kind)
    norm = _norm_path(path)
    for entry in entries:
        if _norm_path(entry.component.target_path) == norm:
            return entry
    module, _, attr = norm.rpartition(".")
    if not module or not any(_norm_path(e.component.target_path).startswith(module + ".") for e in entries):
        return None
    try:
        obj = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError):
        return None
    return registration_of_object(obj, kind)


def registration_of_object(obj: Any, kind: str | None = None) -> RegisteredComponent | None:
    """The registered component that is ``obj`` (a class or function), or ``None``."""
    canonical = _qualified_name(obj)
    for entry in _registry().entries(kind):
        target = entry.component.target
        if target is obj or (isinstance(target, str) and _norm_path(target) == canonical and entry.component.load() is obj):
            return entry
    return None


def _strip_alias(name: str, kind: str | None) -> str:
    kinds = [kind] if kind is not None else list(NAME_ALIAS_PREFIXES)
    registry = _registry()
    for k in kinds:
        for prefix in NAME_ALIAS_PREFIXES.get(k, ()):
            if name.startswith(prefix) and name[len(prefix):] in registry.names(k):
                return name[len(prefix):]
    return name


def _unknown_name(key: str, value: str, kind: str | None, expected: str) -> ConfigError:
    what = kind or "component"
    names = (", ".join(_registry().names(kind)) or "(none installed)") if kind else "see maze-run --plugins"
    return ConfigError(f"{key} = {value!r}: unknown {what} {value!r} (registered {what} names: {names}). Expected a "
                       f"registered name or an import path of {expected}")


def _load_registered(value: str, key: str, kind: str | None, expected: str) -> tuple[Any, bool]:
    """(object, registered) for a string value; untrusted configs get registered components only."""
    from maze.core.plugins.registry import ComponentError, import_object, looks_like_import_path

    source = untrusted_source()
    name = _strip_alias(value, kind)
    try:
        if not looks_like_import_path(name):
            hit = _registry().find(name, kind)
            if hit is None:
                raise _unknown_name(key, value, kind, expected)
            return hit.component.load(), True
        hit = registration_of_path(name, kind)
        if hit is not None:
            return hit.component.load(), True
        if kind is not None and any(name.startswith(p) for p in NAME_ALIAS_PREFIXES.get(kind, ())):
            raise _unknown_name(key, value, kind, expected)  # a docs alias of a name that is not registered
        if source is not None:
            raise _refusal(key, value, f"registered {kind}" if kind else "registered Maze component", expected)
        obj = import_object(name)
    except ComponentError as exc:
        also = f" (registered {kind} names: {', '.join(_registry().names(kind))})" if kind and _registry().names(kind) else ""
        raise ConfigError(f"{key} = {value!r}: {exc}{also}") from exc
    return obj, False


def _resolve(value: Any, base_type: type | None, *, key: str, kind: str | None, functions: bool) -> Any:
    expected = _expected(base_type, kind, functions)
    if isinstance(value, str):
        obj, registered = _load_registered(value, key, kind, expected)
    elif untrusted_source() is not None and not (inspect.isclass(value) or callable(value)):
        raise ConfigError(f"{untrusted_source()}: {key} = {value!r}: expected the name or import path of {expected}")
    else:
        obj, registered = value, True  # an object given in code is trusted code
    if inspect.isclass(obj):
        if base_type is not None and not issubclass(obj, base_type):
            raise ConfigError(f"{key} = {_show(value)} resolves to the class {_qualified_name(obj)}, expected "
                              f"{_expected(base_type, kind, False)}")
        return obj
    if not callable(obj):
        raise ConfigError(f"{key} = {_show(value)} resolves to a {type(obj).__name__} ({obj!r:.80}), expected {expected}")
    if not functions:
        raise ConfigError(f"{key} = {_show(value)} resolves to the function {_qualified_name(obj)}, expected {expected}")
    if not registered and registration_of_object(obj, kind) is None and not (
            # a trusted config (the current command) may name a factory function whose return annotation declares the
            # expected type (``def make_env(...) -> MazeEnv``): the annotation is its type check before the call
            untrusted_source() is None and base_type is not None and _returns_subclass(obj, base_type)):
        raise ConfigError(
            f"{key} = {_show(value)} resolves to the function {_qualified_name(obj)}, which no plugin registered as a "
            f"Maze {kind or 'component'}; expected {expected} (a function is only called when a plugin registers it "
            f"or, in a config of the current command, when its return annotation declares that type)")
    if isinstance(value, str) and untrusted_source() is not None and (kind is None or registration_of_object(obj, kind) is None):
        # a config read from a file may call a registered factory function only where one of its kind is expected
        raise _refusal(key, value, f"registered {kind}" if kind else "class derived from the expected base class",
                       _expected(base_type, kind, False))
    return obj


def _returns_subclass(fn: Any, base_type: type) -> bool:
    """Whether ``fn``'s return annotation is a class derived from ``base_type`` (unresolvable annotations: no)."""
    import typing

    try:
        annotation = typing.get_type_hints(fn).get("return")
    except Exception:  # noqa: BLE001 - builtins, broken forward references: no declared type
        return False
    return inspect.isclass(annotation) and issubclass(annotation, base_type)


def _show(value: Any) -> str:
    return repr(value) if isinstance(value, str) else _qualified_name(value)


def resolve_type(value: Any, base_type: type[T], *, key: str, kind: str | None = None) -> type[T]:
    """Resolve a registered short name, a docs alias or an import path to a class derived from ``base_type``.

    The one resolve-and-check helper of Maze: nothing is called, and inside :func:`untrusted_config` nothing but
    registered components is even imported.

    :param value: short name (``DenseBlock``), alias (``maze.preprocessors.X``), import path, or the class itself.
    :param base_type: the class the result must derive from.
    :param key: the config key of ``value``, for the error (``model.model_builder._target_``, ``wrappers.X``).
    :param kind: registry kind of short names (``"block"``, ``"wrapper"``...); ``None`` searches all kinds.
    :raises ConfigError: one line naming ``key``, ``value`` and the expected base class.
    """
    return _resolve(value, base_type, key=key, kind=kind, functions=False)


def resolve_callable(value: Any, *, key: str, kind: str | None = "function") -> Callable[..., Any]:
    """Resolve an option that takes a function (``FunctionalBlock(func=...)``): the callable itself, or its name/path.

    Trusted configs may name any importable callable; untrusted configs (see :func:`untrusted_config`) only
    components registered for ``kind``. Nothing is called here.

    :param value: the callable, or its registered name / import path.
    :param key: the config key, for the error.
    :param kind: registry kind of short names and of the registrations accepted in untrusted configs.
    :raises ConfigError: naming ``key`` and ``value``.
    """
    obj = _load_registered(value, key, kind, "a callable")[0] if isinstance(value, str) else value
    if not callable(obj):
        raise ConfigError(f"{key} = {value!r:.80} resolves to a {type(obj).__name__}, expected a callable")
    return obj


def check_untrusted_targets(config: Any, key: str) -> None:
    """Check every ``_target_`` of an untrusted config tree before any part of it is created.

    Each must name a registered component (short name, docs alias or registered import path); the expected base class
    of each part is checked later by the factory that creates it. Does nothing outside :func:`untrusted_config`.

    :raises ConfigError: naming the source file, the full key (``model.policy.networks[0]._target_``) and the value.
    """
    source = untrusted_source()
    if source is None:
        return
    from maze.core.plugins.registry import looks_like_import_path

    def walk(node: Any, where: str) -> None:
        if isinstance(node, Mapping):
            if "_target_" in node:
                target = node["_target_"]
                at = f"{where}._target_" if where else "_target_"
                if not isinstance(target, str):
                    raise ConfigError(f"{source}: {at} = {target!r}: expected the name or import path of a registered "
                                      f"component")
                name = _strip_alias(target, None)
                known = (any(name in _registry().names(k) for k in _registry().kinds()) if not looks_like_import_path(name)
                         else registration_of_path(name) is not None)
                if not known:
                    raise _refusal(at, target, "registered Maze component")
            for k, v in node.items():
                walk(v, f"{where}.{k}" if where else str(k))
        elif isinstance(node, (list, tuple)):
            for i, v in enumerate(node):
                walk(v, f"{where}[{i}]")

    walk(to_plain(config), key)


# ---------------------------------------------------------------------------------------------- factory
class Factory(Generic[T]):
    """Creates objects of ``base_type`` from configs, instances, classes or registered names.

    ``instantiate`` accepts

    * an instance of ``base_type`` (returned as is; ``kwargs`` are not allowed then),
    * a mapping with ``_target_`` (a registered short name like ``ppo`` or an import path) and
      constructor arguments,
    * a class / registered name / import path, called with ``kwargs`` only.

    The target is checked before it is called (see :func:`resolve_type`): a class must derive from ``base_type``,
    a function must be registered as a Maze component (of ``kind``, when given). The created object must be an
    instance of ``base_type``. Inside :func:`untrusted_config` only registered components are accepted.

    Instantiation is not recursive: nested configs are passed to the constructor as plain dicts and
    the component creates its parts with its own ``Factory`` (so every part gets a type check and
    an error that names it).

    :param base_type: the expected type of the created objects (use the real base class: ``object`` makes the
        type check meaningless).
    :param kind: registry kind used to resolve short names (``"env"``, ``"policy"``...); ``None``
        searches all kinds.
    """

    #: ``with Factory.untrusted(path): ...`` — the same as :func:`untrusted_config`
    untrusted = staticmethod(untrusted_config)

    def __init__(self, base_type: type[T], kind: str | None = None) -> None:
        self.base_type = base_type
        self.kind = kind

    @property
    def _base_name(self) -> str:
        return _qualified_name(self.base_type)

    def type_from_name(self, name: Any, key: str | None = None) -> type[T]:
        """Resolve a registered name or import path to a class derived from ``base_type`` (see :func:`resolve_type`).

        :param name: short name, import path or class.
        :param key: the config key of ``name`` for errors (default: the name itself).
        """
        return resolve_type(name, self.base_type, key=key or "name", kind=self.kind)

    def instantiate(self, config: ConfigType, _optional_kwargs: Mapping[str, Any] | None = None,
                    _key: str | None = None, **kwargs: Any) -> T:
        """Create (or pass through) an object of ``base_type``.

        :param config: instance, config mapping with ``_target_``, class, or name/import path.
        :param _optional_kwargs: arguments passed only if the constructor accepts them (e.g. the
            env's ``action_spaces_dict`` offered to any policy).
        :param _key: the config key of ``config`` for errors (``model``: errors name ``model._target_``).
        :param kwargs: arguments that override config values.
        :raises ConfigError: naming the offending key/value and what was expected.
        """
        key = _key or ""
        target_key = f"{key}._target_" if key else "_target_"
        if config is None:
            raise ConfigError(f"{key or 'config'}: expected a config for {self._base_name} (a mapping with '_target_' "
                              f"or an instance), got None")
        if isinstance(config, self.base_type) and not isinstance(config, (Mapping, DictConfig)):
            if kwargs:
                raise ConfigError(f"got an existing {type(config).__name__} instance and extra arguments {sorted(kwargs)}")
            return config
        if isinstance(config, (Mapping, DictConfig)):
            cfg = dict(to_plain(config))
            if "_target_" not in cfg:
                raise ConfigError(
                    f"{key + ': ' if key else ''}config for {self._base_name} has no '_target_' key (keys: {sorted(cfg)}). "
                    f"Expected e.g. {{'_target_': 'package.module.Class', ...constructor arguments}} or a registered name"
                )
            target_name = cfg.pop("_target_")
            # the own target first (its error names the expected base class), then every nested one of the tree
            target = _resolve(target_name, self.base_type, key=target_key, kind=self.kind, functions=True)
            check_untrusted_targets(cfg, key)
            for hydra_key in _HYDRA_KEYS:
                cfg.pop(hydra_key, None)
            cfg.update(kwargs)
        else:
            target_name = config
            target_key = key or "config"
            cfg = dict(kwargs)
            target = _resolve(target_name, self.base_type, key=target_key, kind=self.kind, functions=True)
        if _optional_kwargs:
            accepted = _accepted_kwargs(target)
            for name, value in _optional_kwargs.items():
                if name not in cfg and (accepted is None or name in accepted):
                    cfg[name] = value
        self._check_arguments(target, target_name, cfg)
        obj = target(**cfg)
        if not isinstance(obj, self.base_type):
            raise ConfigError(
                f"{target_key} = {_show(target_name)} created a {_qualified_name(type(obj))}, "
                f"expected an instance of {self._base_name}"
            )
        return obj

    def instantiate_collection(self, collection: CollectionOfConfigType, **kwargs: Any) -> list[T] | dict[str, T]:
        """Instantiate every item of a list or mapping of configs (mappings keep their keys)."""
        collection = to_plain(collection)
        if isinstance(collection, Mapping) and "_target_" not in collection:
            return {k: self.instantiate(v, _key=str(k), **kwargs) for k, v in collection.items()}
        if isinstance(collection, Sequence) and not isinstance(collection, str):
            return [self.instantiate(v, _key=f"[{i}]", **kwargs) for i, v in enumerate(collection)]
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
                f"config key(s) {unknown} are not arguments of '{_show(target_name)}'. Valid arguments: {valid}"
            )
        missing = [
            n for n, p in params.items()
            if p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and n not in cfg
        ]
        if missing:
            raise ConfigError(f"'{_show(target_name)}' requires argument(s) {missing}, which the config does not set")


def _accepted_kwargs(target: Any) -> set[str] | None:
    try:
        params = inspect.signature(target).parameters
    except (TypeError, ValueError):
        return None
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return None
    return set(params)
