"""Component descriptors and the registry that resolves short names or import paths."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Mapping


class ComponentError(LookupError):
    """A component name could not be resolved (unknown name, bad import path)."""


class ComponentConflictError(ValueError):
    """Two plugins registered the same component name for the same kind."""


@dataclass(frozen=True)
class Component:
    """Descriptor of a component contributed by a plugin.

    :param name: short name, unique per kind (``"ppo"``, ``"DenseBlock"``, ``"gym_env"``).
    :param target: the object itself or its import path (``"pkg.mod.Obj"`` or ``"pkg.mod:Obj"``).
        Import paths are loaded lazily on first use, so registering costs no import.
    :param help: one line shown by ``maze-run --plugins``.
    :param config: the Hydra config option that selects it (``"env/gym_env"``), if any.
    :param kind: the component kind; filled in from the registration hook when empty.
    :param metadata: free-form extra data (e.g. run-mode → runner for algorithms).
    """

    name: str
    target: Any
    help: str = ""
    config: str | None = None
    kind: str = ""
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def load(self) -> Any:
        """Return the registered object, importing it if it was given as a path."""
        if isinstance(self.target, str):
            return import_object(self.target)
        return self.target

    @property
    def target_path(self) -> str:
        """The import path of the target (for listings)."""
        if isinstance(self.target, str):
            return self.target
        module = getattr(self.target, "__module__", "?")
        return f"{module}.{getattr(self.target, '__qualname__', repr(self.target))}"


def import_object(path: str) -> Any:
    """Import ``"pkg.mod.Obj"`` or ``"pkg.mod:Obj"`` (nested attributes allowed).

    :raises ComponentError: naming the path and the part that failed.
    """
    if not isinstance(path, str) or not path:
        raise ComponentError(f"expected an import path like 'package.module.Class', got {path!r}")
    if ":" in path:
        module_name, _, attr_path = path.partition(":")
        try:
            obj: Any = importlib.import_module(module_name)
        except ImportError as exc:
            raise ComponentError(f"cannot import module '{module_name}' of '{path}': {exc}") from exc
        for attr in attr_path.split("."):
            try:
                obj = getattr(obj, attr)
            except AttributeError as exc:
                raise ComponentError(f"module '{module_name}' has no attribute '{attr_path}' (from '{path}')") from exc
        return obj
    parts = path.split(".")
    # try the longest importable module prefix
    for i in range(len(parts) - 1, 0, -1):
        module_name = ".".join(parts[:i])
        try:
            obj = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue
            raise ComponentError(f"importing '{module_name}' for '{path}' failed: {exc}") from exc
        except ImportError as exc:
            raise ComponentError(f"importing '{module_name}' for '{path}' failed: {exc}") from exc
        try:
            for attr in parts[i:]:
                obj = getattr(obj, attr)
        except AttributeError as exc:
            raise ComponentError(f"module '{module_name}' has no attribute '{'.'.join(parts[i:])}' (from '{path}')") from exc
        return obj
    raise ComponentError(f"cannot import '{path}': no importable module prefix")


def looks_like_import_path(name: str) -> bool:
    """True if ``name`` is an import path rather than a registered short name."""
    return "." in name or ":" in name


@dataclass
class RegisteredComponent:
    """A component together with the plugin that registered it."""

    component: Component
    plugin: str
    distribution: str
    version: str

    @property
    def origin(self) -> str:
        return f"{self.distribution} {self.version} (plugin '{self.plugin}')"


class ComponentRegistry:
    """Maps ``(kind, short name)`` to registered components and resolves names or import paths."""

    def __init__(self) -> None:
        self._by_kind: dict[str, dict[str, RegisteredComponent]] = {}
        self._by_target: dict[int, RegisteredComponent] = {}

    def add(self, component: Component, plugin: str, distribution: str, version: str) -> None:
        """Add a component; a name already registered for that kind raises :class:`ComponentConflictError`."""
        kind = component.kind
        if not kind:
            raise ValueError(f"component '{component.name}' from {distribution} has no kind")
        entries = self._by_kind.setdefault(kind, {})
        new = RegisteredComponent(component, plugin, distribution, version)
        if component.name in entries:
            old = entries[component.name]
            raise ComponentConflictError(
                f"{kind} '{component.name}' is registered twice: by {old.origin} "
                f"as {old.component.target_path} and by {new.origin} as {component.target_path}. "
                f"Uninstall one of the two distributions or rename the component in one of them."
            )
        entries[component.name] = new

    def kinds(self) -> list[str]:
        return sorted(self._by_kind)

    def names(self, kind: str) -> list[str]:
        return sorted(self._by_kind.get(kind, {}))

    def entries(self, kind: str | None = None) -> list[RegisteredComponent]:
        kinds = [kind] if kind else self.kinds()
        return [e for k in kinds for _, e in sorted(self._by_kind.get(k, {}).items())]

    def get(self, kind: str, name: str) -> RegisteredComponent:
        """Return the registration of ``name``; unknown names list the valid ones."""
        try:
            return self._by_kind[kind][name]
        except KeyError:
            valid = ", ".join(self.names(kind)) or "(none installed)"
            raise ComponentError(
                f"unknown {kind} '{name}'. Registered {kind} names: {valid}. "
                f"A full import path (package.module.Class) is accepted too."
            ) from None

    def find(self, name: str, kind: str | None = None) -> RegisteredComponent | None:
        """Look a short name up in one kind, or in all kinds when ``kind`` is None (must be unambiguous)."""
        if kind is not None:
            return self._by_kind.get(kind, {}).get(name)
        hits = [entries[name] for entries in self._by_kind.values() if name in entries]
        if len(hits) > 1:
            kinds = ", ".join(h.component.kind for h in hits)
            raise ComponentError(f"name '{name}' is registered for several kinds ({kinds}); use a full import path")
        return hits[0] if hits else None

    def resolve(self, name_or_path: Any, kind: str | None = None) -> Any:
        """Return the object for a registered short name or a full import path.

        Non-string values (classes, functions) are returned unchanged.
        """
        if not isinstance(name_or_path, str):
            return name_or_path
        if not looks_like_import_path(name_or_path):
            hit = self.find(name_or_path, kind)
            if hit is None:
                if kind is not None:
                    self.get(kind, name_or_path)  # raises with the valid names
                known = ", ".join(f"{k}: {', '.join(self.names(k))}" for k in self.kinds())
                raise ComponentError(
                    f"unknown component '{name_or_path}': it is neither a registered name nor an import path. "
                    f"Registered names by kind — {known}"
                )
            return hit.component.load()
        return import_object(name_or_path)
