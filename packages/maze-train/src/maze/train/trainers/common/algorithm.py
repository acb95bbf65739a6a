"""The algorithm contract: one typed descriptor per algorithm, registered by a plugin.

An algorithm plugs into ``maze-run -cn conf_train algorithm=<name>`` with three parts, each a class or an import
path (import paths are loaded lazily, so registering costs no import of torch):

* its **config class** — a keyword-only dataclass derived from
  :class:`~maze.train.trainers.common.config_classes.AlgorithmConfig`; the Hydra ``algorithm`` config names it as
  ``_target_`` (or names the algorithm's registered short name);
* its **trainer class** — derived from :class:`~maze.train.trainers.common.trainer.Trainer`;
* a **training runner class per run mode** (``dev``, ``local``; later ``ray``) — derived from
  :class:`~maze.train.trainers.common.training_runner.TrainingRunner`.

::

    @hookimpl
    def maze_register_algorithms():
        return [AlgorithmSpec("cem", config_class="my_pkg.cem.CEMConfig", trainer_class="my_pkg.cem.CEMTrainer",
                              runners={"dev": "my_pkg.cem.CEMRunner", "local": "my_pkg.cem.CEMRunner"},
                              help="cross-entropy method", config="algorithm/cem")]

See ``docs/architecture.md`` ("Adding an algorithm") for the whole contract.
"""

from __future__ import annotations

from typing import Any, Mapping

from maze.core.plugins.registry import Component, import_object
from maze.core.utils.factory import ConfigError, to_plain


class AlgorithmSpec(Component):
    """Descriptor of a training algorithm (a :class:`~maze.core.plugins.registry.Component` of kind ``algorithm``).

    :param name: short name (``"ppo"``), unique among algorithms; selects it with ``algorithm=<name>`` when a Hydra
        config ``algorithm/<name>.yaml`` exists.
    :param config_class: the algorithm's config dataclass (class or import path).
    :param trainer_class: the trainer class (class or import path).
    :param runners: run mode (``"dev"``, ``"local"``...) → training runner class (class or import path).
    :param help: one line shown by ``maze-run --plugins``.
    :param config: the Hydra config option of the algorithm (``"algorithm/ppo"``).
    """

    def __init__(self, name: str, config_class: Any, trainer_class: Any, runners: Mapping[str, Any],
                 help: str = "", config: str | None = None) -> None:  # noqa: A002 - matches Component
        super().__init__(name=name, target=config_class, help=help, config=config, kind="algorithm",
                         metadata={"trainer": _path_of(trainer_class),
                                   "runners": {str(m): _path_of(r) for m, r in dict(runners).items()}})
        if not runners:
            raise ValueError(f"algorithm '{name}' registers no training runner (runners={{mode: runner class}})")
        object.__setattr__(self, "trainer_class_ref", trainer_class)
        object.__setattr__(self, "runner_refs", {str(m): r for m, r in dict(runners).items()})

    # ------------------------------------------------------------------ resolution (lazy, type-checked)
    @property
    def modes(self) -> list[str]:
        """The run modes this algorithm supports."""
        return sorted(self.runner_refs)  # type: ignore[attr-defined]

    def config_class(self) -> type:
        """The config dataclass (checked to derive from ``AlgorithmConfig``)."""
        from maze.train.trainers.common.config_classes import AlgorithmConfig

        return _load_subclass(self.target, AlgorithmConfig, f"algorithm '{self.name}': config_class")

    def trainer_class(self) -> type:
        """The trainer class (checked to derive from ``Trainer``)."""
        from maze.train.trainers.common.trainer import Trainer

        return _load_subclass(self.trainer_class_ref, Trainer, f"algorithm '{self.name}': trainer_class")  # type: ignore[attr-defined]

    def runner_ref(self, mode: str) -> Any:
        """The training runner (class or import path) of run mode ``mode``; the training runner base resolves and
        type-checks it (:meth:`TrainingRunner.class_for <maze.train.trainers.common.training_runner.TrainingRunner.class_for>`).

        :raises ConfigError: when the algorithm has no runner for ``mode`` (naming the modes it has).
        """
        refs = self.runner_refs  # type: ignore[attr-defined]
        if mode not in refs:
            raise ConfigError(f"algorithm '{self.name}' has no training runner for runner mode '{mode}'; "
                              f"it supports: {', '.join(sorted(refs))}")
        return refs[mode]


def _path_of(obj: Any) -> str:
    if isinstance(obj, str):
        return obj
    return f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', repr(obj))}"


def load_subclass(ref: Any, base: type, where: str) -> type:
    """Resolve ``ref`` (class, registered name or import path) to a subclass of ``base`` (``ConfigError`` otherwise)."""
    return _load_subclass(ref, base, where)


def _load_subclass(ref: Any, base: type, where: str) -> type:
    from maze.core.utils.factory import resolve_type

    return resolve_type(ref, base, key=where)


def find_algorithm(algorithm_cfg: Any) -> AlgorithmSpec:
    """The registered algorithm of an ``algorithm`` config.

    The config's ``_target_`` is either an algorithm's registered short name (``ppo``) or the import path of its
    config class (as in the reference docs' ``algorithm`` configs); a subclass of a registered config class selects
    that algorithm too (the most derived registered config class wins).

    :raises ConfigError: naming the ``_target_`` and the registered algorithms.
    """
    from maze.core.plugins import get_plugin_manager

    registry = get_plugin_manager().registry
    plain = to_plain(algorithm_cfg)
    target = plain.get("_target_") if isinstance(plain, Mapping) else None
    specs = [e.component for e in registry.entries("algorithm") if isinstance(e.component, AlgorithmSpec)]
    names = ", ".join(sorted(s.name for s in specs)) or "(none installed)"
    if not target:
        raise ConfigError(f"the algorithm config has no '_target_'; select an algorithm with algorithm=<name> "
                          f"(registered: {names})")
    for spec in specs:
        if target == spec.name or target == spec.target_path or target == spec.target_path.replace(":", "."):
            return spec
    try:
        cls = import_object(str(target)) if "." in str(target) or ":" in str(target) else None
    except Exception:  # noqa: BLE001 - reported below as "not an algorithm"
        cls = None
    if isinstance(cls, type):
        matches = []
        for spec in specs:
            try:
                config_cls = spec.config_class()
            except ConfigError:
                continue
            if issubclass(cls, config_cls):
                matches.append((len(config_cls.__mro__), spec))
        if matches:
            return max(matches, key=lambda m: m[0])[1]
    raise ConfigError(f"algorithm._target_ '{target}' is not a registered algorithm or the config class of one; "
                      f"registered algorithms: {names}")
