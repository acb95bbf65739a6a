"""Maze perception blocks: torch modules mapping a tensor dict to a tensor dict, with shape inference.

Every block here is registered with the plugin system (kind ``block``) under its class name, so a
config may say ``block_type: DenseBlock`` or give the full import path
(``maze.perception.blocks.DenseBlock`` or ``maze.perception.blocks.feed_forward.dense.DenseBlock``).
"""

from maze.perception.blocks.base import PerceptionBlock, PerceptionShapeError
from maze.perception.blocks.feed_forward.dense import DenseBlock
from maze.perception.blocks.feed_forward.graph_attention import GraphAttentionBlock
from maze.perception.blocks.feed_forward.graph_conv import GraphConvBlock
from maze.perception.blocks.feed_forward.multi_head_attention import MultiHeadAttentionBlock
from maze.perception.blocks.feed_forward.point_net import PointNetFeatureBlock
from maze.perception.blocks.feed_forward.strided_conv import StridedConvolutionBlock
from maze.perception.blocks.feed_forward.vgg_conv import VGGConvolutionBlock
from maze.perception.blocks.general.action_masking import ActionMaskingBlock
from maze.perception.blocks.general.concat import ConcatenationBlock
from maze.perception.blocks.general.correlation import CorrelationBlock
from maze.perception.blocks.general.flatten import FlattenBlock
from maze.perception.blocks.general.functional import FunctionalBlock
from maze.perception.blocks.general.gap import GlobalAveragePoolingBlock
from maze.perception.blocks.general.masked_global_pooling import MaskedGlobalPoolingBlock
from maze.perception.blocks.general.multi_index_slicing import MultiIndexSlicingBlock
from maze.perception.blocks.general.repeat_to_match import RepeatToMatchBlock
from maze.perception.blocks.general.self_attention_conv import SelfAttentionConvBlock
from maze.perception.blocks.general.self_attention_seq import SelfAttentionSeqBlock
from maze.perception.blocks.general.slice import SliceBlock
from maze.perception.blocks.general.torch_model_block import TorchModelBlock
from maze.perception.blocks.inference import InferenceBlock, InferenceGraph
from maze.perception.blocks.joint_blocks.flatten_dense import FlattenDenseBlock
from maze.perception.blocks.joint_blocks.lstm_last_step import LSTMLastStepBlock
from maze.perception.blocks.joint_blocks.strided_conv_dense import StridedConvolutionDenseBlock
from maze.perception.blocks.joint_blocks.vgg_conv_dense import VGGConvolutionDenseBlock
from maze.perception.blocks.joint_blocks.vgg_conv_gap import VGGConvolutionGAPBlock
from maze.perception.blocks.output.linear import LinearOutputBlock
from maze.perception.blocks.recurrent.lstm import LSTMBlock
from maze.perception.blocks.shape_normalization import ShapeNormalizationBlock

#: all built-in blocks (registered as plugin components of kind ``block``)
BUILTIN_BLOCKS = [
    DenseBlock, VGGConvolutionBlock, StridedConvolutionBlock, GraphConvBlock, GraphAttentionBlock, MultiHeadAttentionBlock,
    PointNetFeatureBlock, LSTMBlock, FlattenBlock, CorrelationBlock, ConcatenationBlock, FunctionalBlock,
    GlobalAveragePoolingBlock, MaskedGlobalPoolingBlock, MultiIndexSlicingBlock, RepeatToMatchBlock, SelfAttentionConvBlock,
    SelfAttentionSeqBlock, SliceBlock, ActionMaskingBlock, TorchModelBlock, FlattenDenseBlock, VGGConvolutionDenseBlock,
    VGGConvolutionGAPBlock, StridedConvolutionDenseBlock, LSTMLastStepBlock, LinearOutputBlock, InferenceBlock,
]

__all__ = [cls.__name__ for cls in BUILTIN_BLOCKS] + [
    "InferenceGraph", "PerceptionBlock", "PerceptionShapeError", "ShapeNormalizationBlock", "BUILTIN_BLOCKS",
]
