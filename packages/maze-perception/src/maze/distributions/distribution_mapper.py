"""Maps action spaces and action heads to probability distributions.

Config format (``distribution_mapper_config``, a list; an empty mapping counts as an empty list)::

    - action_space: gym.spaces.Box          # a space type: gymnasium/gym path, short name or class
      distribution: beta                    # registered name, import path or class
    - action_head: special_action           # one action head (key of the Dict action space)
      distribution: maze.distributions.squashed_gaussian.SquashedGaussianProbabilityDistribution
    - action_head: other_action             # a distribution with keyword arguments
      distribution:
        _target_: categorical               # registered name, import path or class
        temperature: 2.0                    # any other keys: keyword arguments of its constructor

Defaults: Discrete → categorical, MultiDiscrete → multi-categorical, MultiBinary → Bernoulli,
Box → diagonal Gaussian. An ``action_head`` entry always beats an ``action_space`` entry (more
specific wins); among entries of the same kind the later one wins. ``gym.spaces.X`` is read as
``gymnasium.spaces.X``.

Keyword arguments of an entry are checked against the distribution's constructor when the mapper is built and
passed on every construction. A configured ``temperature`` is multiplied with the sampling temperature the policy
passes (1.0 unless the caller changes it), so ``temperature: 2.0`` always samples twice as "hot" as the policy asks.
A ``distribution`` that resolves to anything but a :class:`~maze.distributions.distribution.ProbabilityDistribution`
subclass is refused with a :class:`~maze.core.utils.factory.ConfigError` naming the entry and the expected class.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from gymnasium import spaces

from maze.core.utils.factory import ConfigError, resolve_type, to_plain
from maze.distributions.bernoulli import BernoulliProbabilityDistribution
from maze.distributions.categorical import CategoricalProbabilityDistribution
from maze.distributions.dict import DictProbabilityDistribution
from maze.distributions.distribution import ProbabilityDistribution
from maze.distributions.gaussian import DiagonalGaussianProbabilityDistribution
from maze.distributions.multi_categorical import MultiCategoricalProbabilityDistribution

#: default distribution per action space type
DEFAULT_DISTRIBUTIONS: dict[type[spaces.Space], type] = {
    spaces.Discrete: CategoricalProbabilityDistribution,
    spaces.MultiDiscrete: MultiCategoricalProbabilityDistribution,
    spaces.MultiBinary: BernoulliProbabilityDistribution,
    spaces.Box: DiagonalGaussianProbabilityDistribution,
}


def resolve_space_type(value: Any) -> type[spaces.Space]:
    """``gym.spaces.Box`` / ``gymnasium.spaces.Box`` / ``Box`` / the class → ``gymnasium.spaces.Box``."""
    if isinstance(value, type) and issubclass(value, spaces.Space):
        return value
    if isinstance(value, str):
        name = value.rsplit(".", 1)[-1].rsplit(":", 1)[-1]
        cls = getattr(spaces, name, None)
        if isinstance(cls, type) and issubclass(cls, spaces.Space):
            return cls
    raise ConfigError(
        f"distribution_mapper_config: unknown action_space {value!r}; expected a gymnasium space type such as "
        f"'gym.spaces.Box', 'gymnasium.spaces.Discrete' or 'MultiBinary'"
    )


def resolve_distribution(value: Any, key: str = "distribution") -> type[ProbabilityDistribution]:
    """A registered distribution name (plugin kind ``distribution``), an import path or a class → the class.

    Resolved with maze-core's one resolve-and-check helper (:func:`~maze.core.utils.factory.resolve_type`).

    :param value: the name, path or class.
    :param key: the config key of ``value`` for errors (``distribution_mapper_config[0].distribution``).
    :raises ConfigError: naming ``key``, ``value`` and the expected base class.
    """
    cls = resolve_type(value, ProbabilityDistribution, key=key, kind="distribution")
    if not callable(getattr(cls, "required_logits_shape", None)):
        raise ConfigError(f"{key} = {value!r}: {cls.__qualname__} has no required_logits_shape(action_space) classmethod")
    return cls


@dataclass(frozen=True)
class DistributionSpec:
    """A distribution class and the keyword arguments of its config entry.

    :param cls: the :class:`ProbabilityDistribution` subclass.
    :param kwargs: keyword arguments passed on every construction (a ``temperature`` scales the sampling temperature).
    """

    cls: type[ProbabilityDistribution]
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    #: the configured ``temperature`` (1.0 if none) and the other keyword arguments, split once (``create`` runs
    #: for every forward pass)
    _temperature: float = field(init=False, repr=False, compare=False)
    _other_kwargs: dict[str, Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        other = dict(self.kwargs)
        object.__setattr__(self, "_temperature", float(other.pop("temperature", 1.0)))
        object.__setattr__(self, "_other_kwargs", other)

    def create(self, logits: torch.Tensor, action_space: spaces.Space, temperature: float = 1.0) -> ProbabilityDistribution:
        """The distribution parameterised by ``logits`` for ``action_space``."""
        return self.cls(logits=logits, action_space=action_space, temperature=temperature * self._temperature,
                        **self._other_kwargs)


def distribution_spec_from_config(value: Any, key: str) -> DistributionSpec:
    """The ``distribution`` value of a config entry → :class:`DistributionSpec`.

    :param value: a name / import path / class, or a mapping ``{_target_: <name, path or class>, **kwargs}``.
    :param key: the config key of ``value`` for errors.
    :raises ConfigError: naming ``key`` for unknown or wrong classes and for keyword arguments the class does not take.
    """
    value = to_plain(value)
    if not isinstance(value, Mapping):
        return DistributionSpec(resolve_distribution(value, key))
    if "_target_" not in value:
        raise ConfigError(f"{key} = {dict(value)!r}: a distribution with arguments needs '_target_' (e.g. "
                          f"{{_target_: categorical, temperature: 2.0}})")
    kwargs = {k: v for k, v in value.items() if k != "_target_"}
    cls = resolve_distribution(value["_target_"], f"{key}._target_")
    params = inspect.signature(cls).parameters
    if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        reserved = {"logits", "action_space"}
        valid = [n for n, p in params.items() if n not in reserved and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
        unknown = sorted(k for k in kwargs if k not in valid)
        if unknown:
            raise ConfigError(f"{key}: {unknown} are not arguments of {cls.__qualname__}; valid arguments: {valid}")
    if "temperature" in kwargs:
        try:
            temperature = float(kwargs["temperature"])
        except (TypeError, ValueError):
            temperature = float("nan")
        if not temperature > 0:
            raise ConfigError(f"{key}.temperature = {kwargs['temperature']!r}: expected a number > 0")
    return DistributionSpec(cls, kwargs)


class DistributionMapper:
    """Links the heads of a ``Dict`` action space to probability distributions.

    :param action_space: the (flat) dictionary action space; its keys are the action heads.
    :param distribution_mapper_config: list of overrides (see the module docstring), ``None``, ``{}`` or ``[]``.
    """

    def __init__(self, action_space: spaces.Dict, distribution_mapper_config: Sequence[Mapping[str, Any]] | Mapping | None = None) -> None:
        if not isinstance(action_space, spaces.Dict):
            raise TypeError(f"DistributionMapper needs a gymnasium.spaces.Dict action space, got {type(action_space).__name__}")
        self.action_space = action_space
        self.distribution_mapper_config = self._normalize_config(distribution_mapper_config)

        space_overrides: dict[type, DistributionSpec] = {}
        head_overrides: dict[str, DistributionSpec] = {}
        for i, entry in enumerate(self.distribution_mapper_config):
            where = f"distribution_mapper_config[{i}]"
            if not isinstance(entry, Mapping):
                raise ConfigError(f"{where} = {entry!r}: expected a mapping with 'distribution' and 'action_space' or "
                                  f"'action_head'")
            keys = set(entry)
            if "distribution" not in entry or not (keys - {"distribution"}) <= {"action_space", "action_head"} or len(keys) != 2:
                raise ConfigError(
                    f"{where} = {dict(entry)!r}: expected exactly 'distribution' plus one of 'action_space' or 'action_head'"
                )
            spec = distribution_spec_from_config(entry["distribution"], f"{where}.distribution")
            if "action_head" in entry:
                head = entry["action_head"]
                if head not in action_space.spaces:
                    raise ConfigError(
                        f"{where}: action_head {head!r} is not in the action space (heads: {list(action_space.spaces)})"
                    )
                head_overrides[head] = spec
            else:
                space_overrides[resolve_space_type(entry["action_space"])] = spec

        defaults = {space_type: DistributionSpec(cls) for space_type, cls in DEFAULT_DISTRIBUTIONS.items()}
        self._head_to_spec: dict[str, DistributionSpec] = {}
        for head, space in action_space.spaces.items():
            if isinstance(space, spaces.Dict):
                raise ValueError(f"action head {head!r} is a nested Dict space; only flat Dict action spaces are supported")
            spec = head_overrides.get(head)
            if spec is None:
                spec = self._by_space_type(space, space_overrides) or self._by_space_type(space, defaults)
            if spec is None:
                raise ValueError(
                    f"no distribution for action head {head!r} with space {space}; add an entry to distribution_mapper_config"
                )
            self._head_to_spec[head] = spec
        #: head -> (spec, space): the per-call lookup of :meth:`logits_dict_to_distribution`
        self._head_factories = {head: (spec, action_space.spaces[head]) for head, spec in self._head_to_spec.items()}

    @staticmethod
    def _normalize_config(config: Any) -> list[Any]:
        config = to_plain(config)
        if config is None:
            return []
        if isinstance(config, Mapping):
            if not config:
                return []
            return [config]
        if isinstance(config, (str, bytes)) or not isinstance(config, Sequence):
            raise ConfigError(f"distribution_mapper_config = {config!r}: expected a list of "
                              f"{{distribution: ..., action_space|action_head: ...}} entries")
        return [dict(entry) if isinstance(entry, Mapping) else entry for entry in config]

    @staticmethod
    def _by_space_type(space: spaces.Space, table: Mapping[type, DistributionSpec]) -> DistributionSpec | None:
        for cls in type(space).__mro__:
            if cls in table:
                return table[cls]
        return None

    def distribution_spec(self, action_head: str) -> DistributionSpec:
        """The distribution class and configured keyword arguments used for ``action_head``."""
        try:
            return self._head_to_spec[action_head]
        except KeyError:
            raise KeyError(f"unknown action head {action_head!r}; heads: {list(self._head_to_spec)}") from None

    def distribution_class(self, action_head: str) -> type:
        """The distribution class used for ``action_head``."""
        return self.distribution_spec(action_head).cls

    def required_logits_shape(self, action_head: str) -> tuple[int, ...]:
        """Logits (network output) shape needed for ``action_head``."""
        dist = self.distribution_class(action_head)
        return tuple(int(s) for s in dist.required_logits_shape(self.action_space.spaces[action_head]))

    def action_head_distribution(self, action_head: str, logits: torch.Tensor, temperature: float = 1.0) -> ProbabilityDistribution:
        """The distribution of one action head parameterised by ``logits``.

        :param temperature: 1.0 = unmodified sampling, < 1.0 = closer to deterministic (multiplied with a
            ``temperature`` configured for the head).
        """
        return self.distribution_spec(action_head).create(logits, self.action_space.spaces[action_head], temperature)

    def logits_dict_to_distribution(self, logits_dict: Mapping[str, torch.Tensor], temperature: float = 1.0) -> DictProbabilityDistribution:
        """A :class:`DictProbabilityDistribution` over the heads present in ``logits_dict``.

        Keys of ``logits_dict`` that are not action heads (e.g. a shared embedding returned by a policy
        network) are ignored.
        """
        factories = self._head_factories
        dists = {}
        for k, v in logits_dict.items():
            factory = factories.get(k)
            if factory is not None:
                dists[k] = factory[0].create(v, factory[1], temperature)
        if not dists:
            raise KeyError(f"logits_dict has none of the action heads {list(self._head_to_spec)}; got {list(logits_dict)}")
        return DictProbabilityDistribution(dists)

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}: {v.cls.__name__}{dict(v.kwargs) if v.kwargs else ''}" for k, v in self._head_to_spec.items())
        return f"DistributionMapper({inner})"
