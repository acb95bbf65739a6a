"""maze-perception's plugin module: adds the ``block``/``distribution`` hookspecs and registers all
built-in blocks and distributions through them (exactly like a third-party plugin would)."""

from __future__ import annotations

from typing import Any

from maze.core.plugins import Component, hookimpl, register_component_kind

_BLOCK_MODULES = {
    "DenseBlock": "feed_forward.dense",
    "VGGConvolutionBlock": "feed_forward.vgg_conv",
    "StridedConvolutionBlock": "feed_forward.strided_conv",
    "GraphConvBlock": "feed_forward.graph_conv",
    "GraphAttentionBlock": "feed_forward.graph_attention",
    "MultiHeadAttentionBlock": "feed_forward.multi_head_attention",
    "PointNetFeatureBlock": "feed_forward.point_net",
    "LSTMBlock": "recurrent.lstm",
    "FlattenBlock": "general.flatten",
    "CorrelationBlock": "general.correlation",
    "ConcatenationBlock": "general.concat",
    "FunctionalBlock": "general.functional",
    "GlobalAveragePoolingBlock": "general.gap",
    "MaskedGlobalPoolingBlock": "general.masked_global_pooling",
    "MultiIndexSlicingBlock": "general.multi_index_slicing",
    "RepeatToMatchBlock": "general.repeat_to_match",
    "SelfAttentionConvBlock": "general.self_attention_conv",
    "SelfAttentionSeqBlock": "general.self_attention_seq",
    "SliceBlock": "general.slice",
    "ActionMaskingBlock": "general.action_masking",
    "TorchModelBlock": "general.torch_model_block",
    "FlattenDenseBlock": "joint_blocks.flatten_dense",
    "VGGConvolutionDenseBlock": "joint_blocks.vgg_conv_dense",
    "VGGConvolutionGAPBlock": "joint_blocks.vgg_conv_gap",
    "StridedConvolutionDenseBlock": "joint_blocks.strided_conv_dense",
    "LSTMLastStepBlock": "joint_blocks.lstm_last_step",
    "LinearOutputBlock": "output.linear",
    "InferenceBlock": "inference",
}

_DISTRIBUTIONS = {
    "categorical": ("categorical.CategoricalProbabilityDistribution", "Discrete actions (default)"),
    "multi_categorical": ("multi_categorical.MultiCategoricalProbabilityDistribution", "MultiDiscrete actions (default)"),
    "bernoulli": ("bernoulli.BernoulliProbabilityDistribution", "MultiBinary actions (default)"),
    "diagonal_gaussian": ("gaussian.DiagonalGaussianProbabilityDistribution", "Box actions (default)"),
    "squashed_gaussian": ("squashed_gaussian.SquashedGaussianProbabilityDistribution", "bounded Box actions, tanh-squashed"),
    "beta": ("beta.BetaProbabilityDistribution", "bounded Box actions"),
}


@hookimpl
def maze_add_hookspecs(pluginmanager: Any) -> None:
    from maze.perception import hookspecs

    if not hasattr(pluginmanager.hook, "maze_register_blocks") or pluginmanager.hook.maze_register_blocks.spec is None:
        pluginmanager.add_hookspecs(hookspecs)
    register_component_kind("block", "maze_register_blocks")
    register_component_kind("distribution", "maze_register_distributions")


@hookimpl
def maze_config_search_path() -> list[str]:
    return ["pkg://maze.perception.conf"]


@hookimpl
def maze_register_blocks() -> list[Component]:
    return [Component(name, f"maze.perception.blocks.{module}.{name}", help=f"perception block {name}")
            for name, module in _BLOCK_MODULES.items()]


@hookimpl
def maze_register_distributions() -> list[Component]:
    return [Component(name, f"maze.distributions.{path}", help=help_text) for name, (path, help_text) in _DISTRIBUTIONS.items()]


#: model composers, builders, policy/critic composers and built-in networks: ``(kind, name, path under maze.perception)``.
#: Registered so that model configs read back from run dirs (untrusted, see ``docs/trust_model.md``) may name them.
_MODEL_COMPONENTS = (
    ("model", "TemplateModelComposer", "models.template_model_composer.TemplateModelComposer"),
    ("model", "CustomModelComposer", "models.custom_model_composer.CustomModelComposer"),
    ("model", "DefaultModelComposer", "models.default_model_composer.DefaultModelComposer"),
    ("model_builder", "ConcatModelBuilder", "builders.concat.ConcatModelBuilder"),
    ("policy_composer", "ProbabilisticPolicyComposer", "models.policies.probabilistic_policy_composer.ProbabilisticPolicyComposer"),
    ("critic_composer", "SharedStateCriticComposer", "models.critics.shared_state_critic_composer.SharedStateCriticComposer"),
    ("critic_composer", "StepStateCriticComposer", "models.critics.step_state_critic_composer.StepStateCriticComposer"),
    ("critic_composer", "DeltaStateCriticComposer", "models.critics.delta_state_critic_composer.DeltaStateCriticComposer"),
    ("critic_composer", "SharedStateActionCriticComposer",
     "models.critics.shared_state_action_critics_composer.SharedStateActionCriticComposer"),
    ("critic_composer", "StepStateActionCriticComposer",
     "models.critics.step_state_action_critic_composer.StepStateActionCriticComposer"),
    ("network", "FlattenConcatPolicyNet", "models.built_in.flatten_concat.FlattenConcatPolicyNet"),
    ("network", "FlattenConcatStateValueNet", "models.built_in.flatten_concat.FlattenConcatStateValueNet"),
    ("network", "FlattenConcatStateActionValueNet", "models.built_in.flatten_concat.FlattenConcatStateActionValueNet"),
    ("network", "FlattenConcatSharedEmbeddingPolicyNet",
     "models.built_in.flatten_concat_shared_embedding.FlattenConcatSharedEmbeddingPolicyNet"),
    ("network", "FlattenConcatSharedEmbeddingStateValueNet",
     "models.built_in.flatten_concat_shared_embedding.FlattenConcatSharedEmbeddingStateValueNet"),
)

#: torch.nn activations accepted as ``non_lin`` of perception blocks (registered names are the torch class names)
_ACTIVATIONS = ("ReLU", "Tanh", "Sigmoid", "ELU", "SELU", "GELU", "SiLU", "Mish", "LeakyReLU", "PReLU", "Softplus",
                "Softsign", "Hardtanh", "Hardswish", "Identity")


@hookimpl
def maze_register_components() -> list[Component]:
    components = [Component(name, f"maze.perception.{path}", help=f"{kind.replace('_', ' ')} {name}", kind=kind)
                  for kind, name, path in _MODEL_COMPONENTS]
    # the docs' short names of the per-sub-step critics
    components.append(Component("StateCriticComposer", "maze.perception.models.critics.step_state_critic_composer."
                                "StepStateCriticComposer", help="alias of StepStateCriticComposer", kind="critic_composer"))
    components.append(Component("StateActionCriticComposer", "maze.perception.models.critics.step_state_action_critic_"
                                "composer.StepStateActionCriticComposer", help="alias of StepStateActionCriticComposer",
                                kind="critic_composer"))
    components.extend(Component(name, f"torch.nn.{name}", help=f"torch.nn.{name} non-linearity", kind="activation")
                      for name in _ACTIVATIONS)
    return components
