"""The concatenation architecture template."""

from __future__ import annotations

from collections import OrderedDict

from gymnasium import spaces

from maze.perception.blocks.base import PerceptionBlock
from maze.perception.blocks.general.concat import ConcatenationBlock
from maze.perception.builders.base import BaseModelBuilder, resolve_block_type


class ConcatModelBuilder(BaseModelBuilder):
    """Processes each mapped observation with its modality block (custom), concatenates the results
    along the last dimension (fixed) and processes them with the ``hidden`` and ``recurrence`` blocks
    (presets, each optional).

    Keys of the graph: ``<obs_key>_<BlockClass>`` for the modality outputs, then ``concat``, ``hidden``
    and ``recurrence``; the last of these is named ``latent`` (the representation the action and value
    heads are attached to). With a single observation the concatenation is an identity.

    Parameters: see :class:`~maze.perception.builders.base.BaseModelBuilder`.
    """

    def build_perception_blocks(self, observation_space: spaces.Dict) -> tuple[OrderedDict[str, PerceptionBlock], list[str]]:
        blocks: OrderedDict[str, PerceptionBlock] = OrderedDict()
        in_keys = [k for k in observation_space.spaces if k in self.observation_modality_mapping]
        if not in_keys:
            raise ValueError(f"ConcatModelBuilder: none of the observations {list(observation_space.spaces)} is in "
                             f"observation_modality_mapping {self.observation_modality_mapping}")
        latent_keys = []
        for obs_key in in_keys:
            modality = self.observation_modality_mapping[obs_key]
            cls = resolve_block_type(self.modality_config[modality]["block_type"], f"modality_config[{modality!r}]")
            out_key = f"{obs_key}_{cls.__name__}"
            blocks[out_key] = self.make_block(modality, obs_key, out_key, observation_space[obs_key].shape)
            latent_keys.append(out_key)

        stages = ["concat"] + [m for m in ("hidden", "recurrence") if self.modality_config.get(m)]
        names = {stage: ("latent" if i == len(stages) - 1 else stage) for i, stage in enumerate(stages)}
        shapes = [blocks[k].out_shapes()[0] for k in latent_keys]
        blocks[names["concat"]] = ConcatenationBlock(latent_keys, names["concat"], shapes, concat_dim=-1)
        previous = names["concat"]
        for stage in stages[1:]:
            blocks[names[stage]] = self.make_block(stage, previous, names[stage], blocks[previous].out_shapes())
            previous = names[stage]
        return blocks, in_keys
