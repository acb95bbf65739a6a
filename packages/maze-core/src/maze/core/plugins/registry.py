"""Component descriptors and the registry that resolves short names or import paths."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping


class ComponentError(LookupError):
    """A component name could not be resolved (unknown name, bad import path)."""


class ComponentConflictError(ComponentError, ValueError):
    """A short name that several plugins registered for the same kind was resolved (and no plugin chose one)."""


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


@dataclass(frozen=True)
class ComponentConflict:
    """A short name registered by several plugins for one kind; ``registrations`` are in plugin load order."""

    kind: str
    name: str
    registrations: tuple[RegisteredComponent, ...]

    @property
    def distributions(self) -> list[str]:
        """The distributions that registered the name, first registration first."""
        return [r.distribution for r in self.registrations]

    def describe(self) -> str:
        """One line naming every registration and what to do about it."""
        who = " and by ".join(f"{r.origin} as {r.component.target_path}" for r in self.registrations)
        return (
            f"{self.kind} '{self.name}' is registered by {who}. The name is ambiguous: uninstall one of the "
            f"distributions, or use the full import path of the one you mean (e.g. "
            f"_target_: {self.registrations[0].component.target_path})"
        )


#: ``(kind, name, candidates) -> chosen candidate or None``; see ``maze_choose_component``.
Chooser = Callable[[str, str, list[RegisteredComponent]], RegisteredComponent | None]


class ComponentRegistry:
    """Maps ``(kind, short name)`` to registered components and resolves names or import paths.

    A name registered twice for one kind (with a different target) is recorded as a
    :class:`ComponentConflict`: the first registration is kept for listings, and looking the name up
    asks ``chooser`` (the ``maze_choose_component`` hook) and otherwise raises
    :class:`ComponentConflictError` naming all distributions.

    :param chooser: picks one registration of an ambiguous name, or returns ``None``.
    """

    def __init__(self, chooser: Chooser | None = None) -> None:
        self._by_kind: dict[str, dict[str, RegisteredComponent]] = {}
        self._conflicts: dict[tuple[str, str], list[RegisteredComponent]] = {}
        self._chooser = chooser

    def add(self, component: Component, plugin: str, distribution: str, version: str) -> ComponentConflict | None:
        """Add a component.

        :return: ``None``, or the (updated) conflict when ``component.name`` was already registered for its
            kind with another target. The first registration stays; the same target registered again is a no-op.
        """
        kind = component.kind
        if not kind:
            raise ValueError(f"component '{component.name}' from {distribution} has no kind")
        entries = self._by_kind.setdefault(kind, {})
        new = RegisteredComponent(component, plugin, distribution, version)
        old = entries.get(component.name)
        if old is None:
            entries[component.name] = new
            return None
        if old.component.target_path == component.target_path:
            return None
        registrations = self._conflicts.setdefault((kind, component.name), [old])
        registrations.append(new)
        return ComponentConflict(kind, component.name, tuple(registrations))

    def conflicts(self) -> list[ComponentConflict]:
        """All ambiguous names, sorted by kind and name."""
        return [ComponentConflict(k, n, tuple(regs)) for (k, n), regs in sorted(self._conflicts.items())]

    def kinds(self) -> list[str]:
        return sorted(self._by_kind)

    def names(self, kind: str) -> list[str]:
        return sorted(self._by_kind.get(kind, {}))

    def entries(self, kind: str | None = None) -> list[RegisteredComponent]:
        """Registrations of one kind (or all kinds), sorted by name; for an ambiguous name the first one."""
        kinds = [kind] if kind else self.kinds()
        return [e for k in kinds for _, e in sorted(self._by_kind.get(k, {}).items())]

    def get(self, kind: str, name: str) -> RegisteredComponent:
        """Return the registration of ``name``; unknown names list the valid ones.

        :raises ComponentError: for an unknown name.
        :raises ComponentConflictError: for a name several plugins registered, unless the chooser picks one.
        """
        try:
            entry = self._by_kind[kind][name]
        except KeyError:
            valid = ", ".join(self.names(kind)) or "(none installed)"
            raise ComponentError(
                f"unknown {kind} '{name}'. Registered {kind} names: {valid}. "
                f"A full import path (package.module.Class) is accepted too."
            ) from None
        candidates = self._conflicts.get((kind, name))
        if candidates is None:
            return entry
        chosen = self._chooser(kind, name, list(candidates)) if self._chooser is not None else None
        if chosen is None:
            raise ComponentConflictError(ComponentConflict(kind, name, tuple(candidates)).describe())
        if not any(chosen is c for c in candidates):
            raise ComponentConflictError(
                f"maze_choose_component returned {chosen!r} for {kind} '{name}'; expected one of its registrations "
                f"({', '.join(c.origin for c in candidates)}) or None"
            )
        return chosen

    def find(self, name: str, kind: str | None = None) -> RegisteredComponent | None:
        """Look a short name up in one kind, or in all kinds when ``kind`` is None (must be unambiguous).

        :raises ComponentConflictError: when several plugins registered the name for the kind it is found in.
        """
        if kind is not None:
            return self.get(kind, name) if name in self._by_kind.get(kind, {}) else None
        kinds = [k for k, entries in self._by_kind.items() if name in entries]
        if len(kinds) > 1:
            raise ComponentError(f"name '{name}' is registered for several kinds ({', '.join(kinds)}); use a full import path")
        return self.get(kinds[0], name) if kinds else None

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
