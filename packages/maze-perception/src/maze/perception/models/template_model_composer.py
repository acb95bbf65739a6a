"""Composes policy and critic networks from an architecture template (model builder) and the spaces."""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import numpy as np
import torch
from gymnasium import spaces

from maze.core.env.structured_env import ActorID
from maze.core.utils.factory import ConfigError, Factory, to_plain
from maze.perception.blocks.base import PerceptionBlock
from maze.perception.blocks.feed_forward.dense import DenseBlock
from maze.perception.blocks.general.action_masking import ActionMaskingBlock
from maze.perception.blocks.general.concat import ConcatenationBlock
from maze.perception.blocks.general.flatten import FlattenBlock
from maze.perception.blocks.general.functional import FunctionalBlock
from maze.perception.blocks.inference import InferenceBlock
from maze.perception.blocks.output.linear import LinearOutputBlock
from maze.perception.builders.base import BaseModelBuilder
from maze.perception.models.critics.base_critic_composer import BaseCriticComposer
from maze.perception.models.critics.base_state_action_critic_composer import Q_VALUE_KEY, BaseStateActionCriticComposer
from maze.perception.models.critics.delta_state_critic_composer import PREV_VALUE_KEY
from maze.perception.models.model_composer import BuiltModelComposer
from maze.perception.weight_init import make_module_init_normc


def _reshape_last(x: torch.Tensor, shape: tuple[int, ...]) -> torch.Tensor:
    return x.reshape(*x.shape[:-1], *shape)


def prune_blocks(blocks: Mapping[str, PerceptionBlock], out_keys: list[str], inputs: list[str]) -> tuple[OrderedDict[str, PerceptionBlock], list[str]]:
    """Keep only the blocks needed to compute ``out_keys`` from ``inputs`` (inputs shadow block outputs).

    :return: the kept blocks and the inputs actually used (in ``inputs`` order).
    """
    producer = {k: name for name, block in blocks.items() for k in block.out_keys}
    available = set(inputs)
    needed: set[str] = set()
    used: set[str] = set()
    stack = list(out_keys)
    while stack:
        key = stack.pop()
        if key in available:
            used.add(key)
            continue
        name = producer.get(key)
        if name is None:
            raise ConfigError(f"template model: tensor {key!r} is neither an input ({inputs}) nor produced by a block ({list(producer)})")
        if name not in needed:
            needed.add(name)
            stack.extend(blocks[name].in_keys)
    return OrderedDict((n, b) for n, b in blocks.items() if n in needed), [k for k in inputs if k in used]


class TemplateModelComposer(BuiltModelComposer):
    """Composes template models from a model builder config (see ``conf/model/vector_obs.yaml``).

    Policy networks per sub-step: the builder's perception graph (observations → ``latent``) plus one
    :class:`LinearOutputBlock` per action head; an observation ``<head>_mask`` with the logits' shape is
    applied with an :class:`ActionMaskingBlock`. Critic networks: the same template with a ``value`` head
    (state critics; delta critics concatenate ``prev_value`` to ``latent``) or Q heads (state-action
    critics). ``shared_embedding_keys`` of the builder are returned by the policy networks and replace the
    part of the critic graph that computes them.

    :param action_spaces_dict: sub-step key → action ``Dict`` space.
    :param observation_spaces_dict: sub-step key → observation ``Dict`` space.
    :param agent_counts_dict: sub-step key → number of agents.
    :param distribution_mapper_config: distribution mapper overrides.
    :param model_builder: the model builder config (``{_target_: maze.perception.builders.ConcatModelBuilder, ...}``) or instance.
    :param policy: the policy composer config (``{_target_: ...ProbabilisticPolicyComposer}``; networks come from the template).
    :param critic: the critic composer config (``{_target_: ...StateCriticComposer}``) or ``None``.
    """

    def __init__(self, action_spaces_dict: Mapping[Any, spaces.Dict], observation_spaces_dict: Mapping[Any, spaces.Dict],
                 agent_counts_dict: Mapping[Any, int] | None = None, distribution_mapper_config: Any = None,
                 model_builder: Any = None, policy: Any = None, critic: Any = None) -> None:
        super().__init__(action_spaces_dict, observation_spaces_dict, agent_counts_dict, distribution_mapper_config)
        if model_builder is None:
            raise ConfigError("TemplateModelComposer needs a 'model_builder' config (e.g. {_target_: maze.perception.builders.ConcatModelBuilder, ...})")
        self.model_builder: BaseModelBuilder = Factory(BaseModelBuilder).instantiate(model_builder)

        policy_cfg = dict(self._drop_none(policy) or {})
        if "networks" in policy_cfg:
            raise ConfigError("TemplateModelComposer: the policy networks come from the template; remove 'networks' from the policy "
                              "config (or use the CustomModelComposer)")
        separate = list(policy_cfg.get("substeps_with_separate_agent_nets") or [])
        networks: dict[Any, Any] = {}
        for step, obs_space in self.observation_spaces_dict.items():
            if step in separate:
                for agent in range(self.agent_counts_dict.get(step, 1)):
                    networks[ActorID(step, agent)] = self.template_policy_net(obs_space, self.action_spaces_dict[step], step)
            else:
                networks[step] = self.template_policy_net(obs_space, self.action_spaces_dict[step], step)
        self._policy = self._make_policy_composer(policy_cfg or None, networks=networks)
        self.shared_embedding_shapes = dict(getattr(self._policy, "shared_embedding_shapes", {}) or {})
        self._critic = self._make_template_critic(critic)

    @classmethod
    def check_model_config(cls, model_config: Any) -> None:
        super().check_model_config(model_config)
        if "model_builder" not in to_plain(model_config):
            raise ConfigError("TemplateModelComposer: the model config needs a 'model_builder' entry")

    # ------------------------------------------------------------------ templates
    def template_perception_net(self, observation_space: spaces.Dict) -> InferenceBlock:
        """The builder's perception graph (observations → ``latent``)."""
        return self.model_builder.from_observation_space(observation_space)

    def template_policy_net(self, observation_space: spaces.Dict, action_space: spaces.Dict, step_key: Any = 0) -> InferenceBlock:
        """A policy network: perception graph plus one logits head per action (masked where a ``<head>_mask`` observation exists)."""
        blocks, in_keys = self.model_builder.build_perception_blocks(observation_space)
        in_keys = list(in_keys)
        latent_shape = blocks["latent"].out_shapes()
        heads = list(action_space.spaces)
        head_layers = []
        for head in heads:
            shape = self.distribution_mapper.required_logits_shape(head)
            mask_key = f"{head}_mask"
            masked = mask_key in observation_space.spaces and tuple(observation_space[mask_key].shape) == tuple(shape)
            raw = f"{head}_logits" if masked else head
            units = int(np.prod(shape))
            head_layers.append(raw if len(shape) == 1 else f"{raw}_flat")
            if len(shape) == 1:
                blocks[raw] = LinearOutputBlock("latent", raw, latent_shape, output_units=units)
            else:
                blocks[f"{raw}_flat"] = LinearOutputBlock("latent", f"{raw}_flat", latent_shape, output_units=units)
                blocks[raw] = FunctionalBlock(f"{raw}_flat", raw, (units,), func=functools.partial(_reshape_last, shape=tuple(shape)))
            if masked:
                if mask_key not in in_keys:
                    in_keys.append(mask_key)
                blocks[head] = ActionMaskingBlock([raw, mask_key], head, [shape, shape])
        shared = self.model_builder.shared_embedding_keys_for(step_key)
        available = {k for b in blocks.values() for k in b.out_keys}
        unknown = [k for k in shared if k not in available or k in heads]
        if unknown:
            raise ConfigError(f"shared_embedding_keys {unknown} are not keys of the perception graph of sub-step {step_key!r}; "
                              f"available: {sorted(available - set(heads))}")
        net = InferenceBlock(in_keys=in_keys, out_keys=[*heads, *shared], in_shapes=[observation_space[k].shape for k in in_keys],
                             perception_blocks=blocks)
        net.apply(make_module_init_normc(1.0))
        for name in head_layers:
            blocks[name].apply(make_module_init_normc(0.01))
        return net

    def _critic_perception(self, space: spaces.Dict, shared_keys: list[str], outputs: list[str],
                           extra_blocks: OrderedDict[str, PerceptionBlock]) -> InferenceBlock:
        obs_only = spaces.Dict({k: v for k, v in space.spaces.items() if k not in shared_keys})
        blocks, _ = self.model_builder.build_perception_blocks(obs_only)
        for k, block in extra_blocks.items():
            blocks[k] = block
        candidates = [*shared_keys, *space.spaces.keys()]
        kept, used = prune_blocks(blocks, outputs, list(dict.fromkeys(candidates)))
        net = InferenceBlock(in_keys=used, out_keys=outputs, in_shapes=[space[k].shape for k in used], perception_blocks=kept)
        net.apply(make_module_init_normc(1.0))
        for out in outputs:
            kept[out].apply(make_module_init_normc(0.01))
        return net

    def _latent_shape(self, space: spaces.Dict, shared_keys: list[str]) -> tuple[int, ...]:
        if "latent" in shared_keys:
            return tuple(space["latent"].shape)
        obs_only = spaces.Dict({k: v for k, v in space.spaces.items() if k not in shared_keys})
        blocks, _ = self.model_builder.build_perception_blocks(obs_only)
        return tuple(blocks["latent"].out_shapes()[0])

    def template_value_net(self, observation_space: spaces.Dict, shared_embedding_keys: list[str] | None = None) -> InferenceBlock:
        """A state-value network (``value`` head on ``latent``; ``prev_value`` is concatenated when present)."""
        shared = list(shared_embedding_keys or [])
        latent_shape = self._latent_shape(observation_space, shared)
        extra: OrderedDict[str, PerceptionBlock] = OrderedDict()
        source = "latent"
        if PREV_VALUE_KEY in observation_space.spaces:
            extra["latent_prev_value"] = ConcatenationBlock(["latent", PREV_VALUE_KEY], "latent_prev_value", [latent_shape, (1,)])
            source = "latent_prev_value"
            latent_shape = (latent_shape[-1] + 1,)
        extra["value"] = LinearOutputBlock(source, "value", latent_shape, output_units=1)
        return self._critic_perception(observation_space, shared, ["value"], extra)

    def template_q_value_net(self, observation_space: spaces.Dict, output_shapes: Mapping[str, tuple[int, ...]],
                             action_keys: list[str], shared_embedding_keys: list[str] | None = None) -> InferenceBlock:
        """A Q network: per-option Q heads on ``latent`` (discrete actions) or ``q_value`` on ``latent`` + actions."""
        shared = list(shared_embedding_keys or [])
        latent_shape = self._latent_shape(observation_space, shared)
        extra: OrderedDict[str, PerceptionBlock] = OrderedDict()
        if Q_VALUE_KEY in output_shapes:
            parts, shapes = ["latent"], [latent_shape]
            for key in action_keys:
                shape = tuple(observation_space[key].shape)
                if len(shape) > 1:
                    extra[f"{key}_flat"] = FlattenBlock(key, f"{key}_flat", shape, num_flatten_dims=len(shape))
                    parts.append(f"{key}_flat")
                    shapes.append((int(np.prod(shape)),))
                else:
                    parts.append(key)
                    shapes.append(shape)
            extra["latent_action"] = ConcatenationBlock(parts, "latent_action", shapes)
            width = sum(s[-1] for s in shapes)
            extra["q_latent"] = DenseBlock("latent_action", "q_latent", (width,), hidden_units=[max(latent_shape[-1], 32)], non_lin=torch.nn.ReLU)
            extra[Q_VALUE_KEY] = LinearOutputBlock("q_latent", Q_VALUE_KEY, extra["q_latent"].out_shapes(), output_units=1)
        else:
            for key, shape in output_shapes.items():
                extra[key] = LinearOutputBlock("latent", key, latent_shape, output_units=int(np.prod(shape)))
        return self._critic_perception(observation_space, shared, list(output_shapes), extra)

    def _make_template_critic(self, critic: Any) -> BaseCriticComposer | None:
        critic_cfg = self._drop_none(critic)
        if critic_cfg is None:
            return None
        if not isinstance(critic_cfg, Mapping) or "_target_" not in critic_cfg:
            raise ConfigError(f"critic config must be a mapping with '_target_' (e.g. maze.perception.models.critics.StateCriticComposer), got {critic_cfg!r}")
        if "networks" in critic_cfg:
            raise ConfigError("TemplateModelComposer: the critic networks come from the template; remove 'networks' from the critic config")
        critic_cls = Factory(BaseCriticComposer).type_from_name(critic_cfg["_target_"])
        space_kwargs: dict[str, Any] = {"action_spaces_dict": self.action_spaces_dict}
        if "stack_observations" in critic_cfg:
            space_kwargs["stack_observations"] = critic_cfg["stack_observations"]
        net_spaces = critic_cls.network_observation_spaces(self.observation_spaces_dict, shared_embedding_shapes=self.shared_embedding_shapes,
                                                           **space_kwargs)
        all_shared = {k for shapes in self.shared_embedding_shapes.values() for k in shapes}
        networks = {}
        for key, space in net_spaces.items():
            shared = [k for k in space.spaces if k in all_shared]
            if issubclass(critic_cls, BaseStateActionCriticComposer):
                outputs = critic_cls.network_output_shapes(self.action_spaces_dict)[key]
                heads = dict.fromkeys(h for s in self.action_spaces_dict.values() for h in s.spaces)
                action_keys = [h for h in heads if h in space.spaces] if Q_VALUE_KEY in outputs else []
                networks[key] = self.template_q_value_net(space, outputs, action_keys, shared)
            else:
                networks[key] = self.template_value_net(space, shared)
        return self._make_critic_composer(critic_cfg, self.shared_embedding_shapes, networks=networks)
