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
