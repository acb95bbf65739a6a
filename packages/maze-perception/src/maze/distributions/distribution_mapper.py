"""Maps action spaces and action heads to probability distributions.

Config format (``distribution_mapper_config``, a list; an empty mapping counts as an empty list)::

    - action_space: gym.spaces.Box          # a space type: gymnasium/gym path, short name or class
      distribution: beta                    # registered name, import path or class
    - action_head: special_action           # one action head (key of the Dict action space)
      distribution: maze.distributions.squashed_gaussian.SquashedGaussianProbabilityDistribution

Defaults: Discrete → categorical, MultiDiscrete → multi-categorical, MultiBinary → Bernoulli,
Box → diagonal Gaussian. An ``action_head`` entry always beats an ``action_space`` entry (more
specific wins); among entries of the same kind the later one wins. ``gym.spaces.X`` is read as
``gymnasium.spaces.X``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch
from gymnasium import spaces

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
    raise ValueError(
        f"distribution_mapper_config: unknown action_space {value!r}; expected a gymnasium space type such as "
        f"'gym.spaces.Box', 'gymnasium.spaces.Discrete' or 'MultiBinary'"
    )


def resolve_distribution(value: Any) -> type:
    """A registered distribution name (plugin kind ``distribution``), an import path or a class → the class."""
    if isinstance(value, type):
        cls = value
    else:
        from maze.core.plugins import get_plugin_manager
        from maze.core.plugins.registry import ComponentError

        try:
            cls = get_plugin_manager().resolve(value, "distribution")
        except ComponentError as exc:
            raise ValueError(f"distribution_mapper_config: cannot resolve distribution {value!r}: {exc}") from exc
    if not (isinstance(cls, type) and issubclass(cls, ProbabilityDistribution)):
        raise ValueError(f"distribution {value!r} resolves to {cls!r}, expected a ProbabilityDistribution subclass")
    if not hasattr(cls, "required_logits_shape"):
        raise ValueError(f"distribution {value!r} has no required_logits_shape(action_space) classmethod")
    return cls


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

        space_overrides: dict[type, type] = {}
        head_overrides: dict[str, type] = {}
        for i, entry in enumerate(self.distribution_mapper_config):
            keys = set(entry)
            if "distribution" not in entry or not (keys - {"distribution"}) <= {"action_space", "action_head"} or len(keys) != 2:
                raise ValueError(
                    f"distribution_mapper_config[{i}] = {dict(entry)!r}: expected exactly 'distribution' plus one of "
                    f"'action_space' or 'action_head'"
                )
            dist = resolve_distribution(entry["distribution"])
            if "action_head" in entry:
                head = entry["action_head"]
                if head not in action_space.spaces:
                    raise ValueError(
                        f"distribution_mapper_config[{i}]: action_head {head!r} is not in the action space "
                        f"(heads: {list(action_space.spaces)})"
                    )
                head_overrides[head] = dist
            else:
                space_overrides[resolve_space_type(entry["action_space"])] = dist

        self._head_to_distribution: dict[str, type] = {}
        for head, space in action_space.spaces.items():
            if isinstance(space, spaces.Dict):
                raise ValueError(f"action head {head!r} is a nested Dict space; only flat Dict action spaces are supported")
            dist = head_overrides.get(head)
            if dist is None:
                dist = self._by_space_type(space, space_overrides) or self._by_space_type(space, DEFAULT_DISTRIBUTIONS)
            if dist is None:
                raise ValueError(
                    f"no distribution for action head {head!r} with space {space}; add an entry to distribution_mapper_config"
                )
            self._head_to_distribution[head] = dist

    @staticmethod
    def _normalize_config(config: Any) -> list[Mapping[str, Any]]:
        if config is None:
            return []
        try:
            from omegaconf import DictConfig, ListConfig, OmegaConf

            if isinstance(config, (DictConfig, ListConfig)):
                config = OmegaConf.to_container(config, resolve=True)
        except ImportError:  # pragma: no cover - omegaconf ships with maze-core
            pass
        if isinstance(config, Mapping):
            if not config:
                return []
            return [config]
        return [dict(entry) for entry in config]

    @staticmethod
    def _by_space_type(space: spaces.Space, table: Mapping[type, type]) -> type | None:
        for cls in type(space).__mro__:
            if cls in table:
                return table[cls]
        return None

    def distribution_class(self, action_head: str) -> type:
        """The distribution class used for ``action_head``."""
        try:
            return self._head_to_distribution[action_head]
        except KeyError:
            raise KeyError(f"unknown action head {action_head!r}; heads: {list(self._head_to_distribution)}") from None

    def required_logits_shape(self, action_head: str) -> tuple[int, ...]:
        """Logits (network output) shape needed for ``action_head``."""
        dist = self.distribution_class(action_head)
        return tuple(int(s) for s in dist.required_logits_shape(self.action_space.spaces[action_head]))

    def action_head_distribution(self, action_head: str, logits: torch.Tensor, temperature: float = 1.0) -> ProbabilityDistribution:
        """The distribution of one action head parameterised by ``logits``.

        :param temperature: 1.0 = unmodified sampling, < 1.0 = closer to deterministic.
        """
        return self.distribution_class(action_head)(logits=logits, action_space=self.action_space.spaces[action_head], temperature=temperature)

    def logits_dict_to_distribution(self, logits_dict: Mapping[str, torch.Tensor], temperature: float = 1.0) -> DictProbabilityDistribution:
        """A :class:`DictProbabilityDistribution` over the heads present in ``logits_dict``.

        Keys of ``logits_dict`` that are not action heads (e.g. a shared embedding returned by a policy
        network) are ignored.
        """
        dists = {k: self.action_head_distribution(k, v, temperature) for k, v in logits_dict.items() if k in self._head_to_distribution}
        if not dists:
            raise KeyError(f"logits_dict has none of the action heads {list(self._head_to_distribution)}; got {list(logits_dict)}")
        return DictProbabilityDistribution(dists)

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}: {v.__name__}" for k, v in self._head_to_distribution.items())
        return f"DistributionMapper({inner})"
