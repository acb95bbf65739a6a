"""Model builders: architecture templates compiling perception graphs from observation spaces."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from gymnasium import spaces

from maze.core.utils.factory import resolve_type
from maze.perception.blocks.base import PerceptionBlock
from maze.perception.blocks.inference import InferenceBlock

#: modality-config keys reserved for the builder's preset blocks
RESERVED_MODALITIES = ("hidden", "recurrence")


def resolve_block_type(block_type: Any, where: str) -> type[PerceptionBlock]:
    """A registered block name (``DenseBlock``), import path or class → the block class.

    :param block_type: the name, path or class.
    :param where: the config key of the modality (``modality_config['feature']``), for errors.
    :raises ConfigError: naming ``<where>.block_type``, the value and the expected base class
        (:func:`~maze.core.utils.factory.resolve_type`).
    """
    return resolve_type(block_type, PerceptionBlock, key=f"{where}.block_type", kind="block")


class BaseModelBuilder(ABC):
    """Base class of template model builders.

    :param modality_config: modality name → ``{block_type: ..., block_params: {...}}``; the reserved
        modalities ``hidden`` and ``recurrence`` configure the builder's preset blocks (``{}`` = none).
    :param observation_modality_mapping: observation key → modality. Observations without a mapping
        (e.g. action masks) are not processed.
    :param shared_embedding_keys: keys of the perception graph shared between actor and critic
        (``None``/``[]`` = no sharing; a list applies to every sub-step, a dict maps sub-step → list).
    """

    def __init__(self, modality_config: Mapping[str, Any], observation_modality_mapping: Mapping[str, str],
                 shared_embedding_keys: Sequence[str] | Mapping[Any, Sequence[str]] | None = None) -> None:
        self.modality_config: dict[str, dict[str, Any]] = {}
        for modality, cfg in dict(modality_config or {}).items():
            cfg = dict(cfg or {})
            if cfg:
                unknown = set(cfg) - {"block_type", "block_params"}
                if "block_type" not in cfg or unknown:
                    raise ValueError(f"modality_config[{modality!r}] = {cfg}: expected keys 'block_type' and optional 'block_params'")
                resolve_block_type(cfg["block_type"], f"modality_config[{modality!r}]")
            self.modality_config[modality] = cfg
        for reserved in RESERVED_MODALITIES:
            self.modality_config.setdefault(reserved, {})
        self.observation_modality_mapping = dict(observation_modality_mapping or {})
        for obs_key, modality in self.observation_modality_mapping.items():
            if modality in RESERVED_MODALITIES:
                raise ValueError(f"observation_modality_mapping[{obs_key!r}] uses the reserved modality {modality!r}")
            if not self.modality_config.get(modality):
                raise ValueError(f"observation_modality_mapping[{obs_key!r}] = {modality!r}, but modality_config has no block for "
                                 f"{modality!r} (configured: {[m for m, c in self.modality_config.items() if c]})")
        self._shared_embedding_keys = shared_embedding_keys

    def shared_embedding_keys_for(self, step_key: Any) -> list[str]:
        """Shared embedding keys of one sub-step."""
        keys = self._shared_embedding_keys
        if not keys:
            return []
        if isinstance(keys, Mapping):
            return list(keys.get(step_key, []) or [])
        return [keys] if isinstance(keys, str) else list(keys)

    def make_block(self, modality: str, in_keys: str | list[str], out_key: str, in_shapes: Any) -> PerceptionBlock:
        """Create the block configured for ``modality``."""
        cfg = self.modality_config[modality]
        cls = resolve_block_type(cfg["block_type"], f"modality_config[{modality!r}]")
        params = dict(cfg.get("block_params") or {})
        try:
            return cls(in_keys=in_keys, out_keys=out_key, in_shapes=in_shapes, **params)
        except TypeError as exc:
            raise ValueError(f"modality_config[{modality!r}]: cannot create {cls.__name__} with block_params {params}: {exc}") from exc

    @abstractmethod
    def build_perception_blocks(self, observation_space: spaces.Dict) -> tuple[OrderedDict[str, PerceptionBlock], list[str]]:
        """Perception blocks ending in the key ``latent`` and the observation keys they consume."""

    def from_observation_space(self, observation_space: spaces.Dict) -> InferenceBlock:
        """Compile an inference block mapping the mapped observations to ``latent``."""
        blocks, in_keys = self.build_perception_blocks(observation_space)
        return InferenceBlock(in_keys=in_keys, out_keys="latent", in_shapes=[observation_space[k].shape for k in in_keys],
                              perception_blocks=blocks)

    @classmethod
    def to_recurrent_gym_space(cls, observation_space: spaces.Dict, rnn_steps: int) -> spaces.Dict:
        """Add a leading time dimension of ``rnn_steps`` to every (Box) observation (stacked observations)."""
        out = {}
        for key, space in observation_space.spaces.items():
            low = np.broadcast_to(getattr(space, "low", -np.inf), space.shape)
            high = np.broadcast_to(getattr(space, "high", np.inf), space.shape)
            out[key] = spaces.Box(low=np.stack([low] * rnn_steps), high=np.stack([high] * rnn_steps), dtype=np.float32)
        return spaces.Dict(out)
