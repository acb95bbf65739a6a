"""Perception blocks: shape normalisation, shape inference (and its errors), graphs and their pictures."""

from __future__ import annotations

from collections import OrderedDict

import pytest
import torch
from perception_picture_checks import assert_valid_pdf, assert_valid_png

from maze.perception import blocks as B
from maze.perception.blocks import InferenceBlock, InferenceGraph, PerceptionShapeError
from maze.perception.weight_init import compute_sigmoid_bias, make_module_init_normc, make_module_init_orthogonal

# block factory, input shapes, expected output shapes
CASES = {
    "dense": (lambda: B.DenseBlock("x", "y", (6,), [8, 5], "torch.nn.ReLU"), {"x": (6,)}, [(5,)]),
    "vgg": (lambda: B.VGGConvolutionBlock("x", "y", (3, 8, 8), [4, 6]), {"x": (3, 8, 8)}, [(6, 2, 2)]),
    "strided": (lambda: B.StridedConvolutionBlock("x", "y", (2, 9, 9), [4], [3], hidden_strides=[2]), {"x": (2, 9, 9)}, [(4, 4, 4)]),
    "graph_conv": (lambda: B.GraphConvBlock(["f", "a"], "y", [(5, 3), (5, 5)], [7]), {"f": (5, 3), "a": (5, 5)}, [(5, 7)]),
    "graph_attention": (lambda: B.GraphAttentionBlock(["f", "a"], "y", [(5, 3), (5, 5)], [4, 6], n_heads=2),
                        {"f": (5, 3), "a": (5, 5)}, [(5, 6)]),
    "mha": (lambda: B.MultiHeadAttentionBlock(["q", "k", "v"], ["y", "w"], [(4, 8), (6, 5), (6, 7)], num_heads=2),
            {"q": (4, 8), "k": (6, 5), "v": (6, 7)}, [(4, 8), (4, 6)]),
    "point_net": (lambda: B.PointNetFeatureBlock(["p", "m"], "y", [(10, 3), (10,)], [8, 16]), {"p": (10, 3), "m": (10,)}, [(16,)]),
    "lstm": (lambda: B.LSTMBlock("x", "y", (4, 3), hidden_size=5), {"x": (4, 3)}, [(4, 5)]),
    "flatten": (lambda: B.FlattenBlock("x", "y", (2, 3, 4), 2), {"x": (2, 3, 4)}, [(2, 12)]),
    "correlation": (lambda: B.CorrelationBlock(["a", "b"], "y", [(4, 6), (6,)], reduce=True), {"a": (4, 6), "b": (6,)}, [(4,)]),
    "concat": (lambda: B.ConcatenationBlock(["a", "b"], "y", [(3,), (4,)]), {"a": (3,), "b": (4,)}, [(7,)]),
    "functional": (lambda: B.FunctionalBlock("x", "y", (3,), func="torch.tanh"), {"x": (3,)}, [(3,)]),
    "gap": (lambda: B.GlobalAveragePoolingBlock("x", "y", (3, 4, 4)), {"x": (3, 4, 4)}, [(3,)]),
    "masked_pool": (lambda: B.MaskedGlobalPoolingBlock(["x", "m"], "y", [(5, 3), (5,)]), {"x": (5, 3), "m": (5,)}, [(3,)]),
    "multi_index": (lambda: B.MultiIndexSlicingBlock("x", "y", (5, 3), select_dim=-2, select_idxs=[0, 2]), {"x": (5, 3)}, [(2, 3)]),
    "repeat": (lambda: B.RepeatToMatchBlock(["a", "b"], "y", [(1, 3), (4, 3)], repeat_at_idx=-2), {"a": (1, 3), "b": (4, 3)}, [(4, 3)]),
    "sa_conv": (lambda: B.SelfAttentionConvBlock("x", ["y", "att"], (4, 3, 3), embed_dim=2), {"x": (4, 3, 3)}, [(4, 3, 3), (9, 9)]),
    "sa_seq": (lambda: B.SelfAttentionSeqBlock(["x", "m"], "y", [(5, 4), (5,)], num_heads=2), {"x": (5, 4), "m": (5,)}, [(5, 4)]),
    "slice": (lambda: B.SliceBlock("x", "y", (4, 3), slice_dim=-2, slice_idx=-1), {"x": (4, 3)}, [(3,)]),
    "masking": (lambda: B.ActionMaskingBlock(["l", "m"], "y", [(4,), (4,)]), {"l": (4,), "m": (4,)}, [(4,)]),
    "torch_model": (lambda: B.TorchModelBlock("x", "y", (3,), [2], 2, net=_DictLinear()), {"x": (3,)}, [(2,)]),
    "flatten_dense": (lambda: B.FlattenDenseBlock("x", "y", (2, 3), 2, [4]), {"x": (2, 3)}, [(4,)]),
    "vgg_dense": (lambda: B.VGGConvolutionDenseBlock("x", "y", (3, 8, 8), [4], [5]), {"x": (3, 8, 8)}, [(5,)]),
    "vgg_gap": (lambda: B.VGGConvolutionGAPBlock("x", "y", (3, 8, 8), [4, 6]), {"x": (3, 8, 8)}, [(6,)]),
    "strided_dense": (lambda: B.StridedConvolutionDenseBlock("x", "y", (2, 9, 9), [4], [3], hidden_strides=[2], hidden_units=[6]),
                      {"x": (2, 9, 9)}, [(6,)]),
    "lstm_last": (lambda: B.LSTMLastStepBlock("x", "y", (4, 3), hidden_size=5), {"x": (4, 3)}, [(5,)]),
    "linear_out": (lambda: B.LinearOutputBlock("x", "y", (3,), output_units=2), {"x": (3,)}, [(2,)]),
}


class _DictLinear(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lin = torch.nn.Linear(3, 2)

    def forward(self, d: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        assert d["x"].dim() == 2
        return {"y": self.lin(d["x"])}


def _inputs(shapes: dict[str, tuple[int, ...]], batch: tuple[int, ...]) -> dict[str, torch.Tensor]:
    out = {}
    for key, shape in shapes.items():
        if key in ("a", "m") and len(shape) == 2 and shape[0] == shape[1]:
            out[key] = torch.ones(*batch, *shape)
        elif key in ("m",):
            out[key] = (torch.rand(*batch, *shape) > 0.3).float()
        else:
            out[key] = torch.randn(*batch, *shape)
    return out


@pytest.mark.parametrize("name", sorted(CASES))
def test_block_shapes_for_all_batch_shapes(name):
    factory, in_shapes, expected = CASES[name]
    block = factory()
    block.eval()
    assert block.out_shapes() == expected
    for batch in [(), (3,), (2, 3)]:
        out = block(_inputs(in_shapes, batch))
        for key, shape in zip(block.out_keys, expected):
            assert tuple(out[key].shape) == (*batch, *shape), (name, batch, key)
    # registered under its class name
    from maze.core.plugins import get_plugin_manager

    assert get_plugin_manager().resolve(type(block).__name__, "block") is type(block)


def test_shape_normalization_is_consistent_across_batch_shapes():
    block = B.DenseBlock("x", "y", (4,), [3])
    x = torch.randn(2, 3, 4)
    torch.testing.assert_close(block({"x": x})["y"][1, 2], block({"x": x[1, 2]})["y"])
    torch.testing.assert_close(block({"x": x})["y"][1], block({"x": x[1]})["y"])


def test_shape_error_names_block_keys_and_shapes():
    block = B.DenseBlock("observation", "latent", (4,), [3])
    with pytest.raises(PerceptionShapeError) as info:
        block({"observation": torch.zeros(2, 5)})
    msg = str(info.value)
    assert "DenseBlock" in msg and "'observation'" in msg and "(2, 5)" in msg and "(4,)" in msg


def test_inference_block_shape_mismatch_error():
    blocks = OrderedDict()
    blocks["hidden"] = B.DenseBlock("obs", "hidden", (4,), [8])
    blocks["out"] = B.LinearOutputBlock("hidden", "out", (16,), output_units=2)  # wrong: hidden is (8,)
    with pytest.raises(PerceptionShapeError) as info:
        InferenceBlock("obs", "out", (4,), blocks)
    msg = str(info.value)
    assert "block 'out'" in msg and "LinearOutputBlock" in msg and "'hidden'" in msg and "(16,)" in msg and "(8,)" in msg


def test_inference_block_missing_input_and_concat_errors():
    blocks = OrderedDict(h=B.DenseBlock("nope", "h", (4,), [8]))
    with pytest.raises(PerceptionShapeError, match="needs input 'nope'.*graph input"):
        InferenceBlock("obs", "h", (4,), blocks)
    with pytest.raises(PerceptionShapeError, match="input 'b' has shape \\(3, 2\\).*'a' with shape \\(4, 2\\)"):
        B.ConcatenationBlock(["a", "b"], "c", [(4, 2), (3, 2)], concat_dim=-1)


def test_inference_block_runs_only_needed_blocks_and_renders(tmp_path):
    blocks = OrderedDict()
    blocks["inv"] = B.DenseBlock("inventory", "inv", (16,), [32])
    blocks["scr"] = B.VGGConvolutionDenseBlock("screen", "scr", (3, 16, 16), [4, 8], [32])
    blocks["cat"] = B.ConcatenationBlock(["inv", "scr"], "cat", [(32,), (32,)])
    blocks["move"] = B.LinearOutputBlock("cat", "move", (64,), output_units=4)
    blocks["use"] = B.LinearOutputBlock("cat", "use", (64,), output_units=16)
    net = InferenceBlock(["inventory", "screen"], ["move", "use"], [(16,), (3, 16, 16)], blocks)
    assert net.out_shapes() == [(4,), (16,)]
    out = net({"inventory": torch.zeros(2, 5, 16), "screen": torch.zeros(2, 5, 3, 16, 16)})
    assert out["move"].shape == (2, 5, 4) and out["use"].shape == (2, 5, 16)
    partial = InferenceBlock(["inventory", "screen"], ["inv"], [(16,), (3, 16, 16)], blocks)
    assert partial._run_order == ["inv"]
    pdf = InferenceGraph(net).save("policy_graph", str(tmp_path))
    assert pdf == str(tmp_path / "policy_graph.pdf")
    assert_valid_pdf(pdf)
    assert_valid_png(str(tmp_path / "policy_graph.png"))


def test_weight_init_helpers():
    lin = torch.nn.Linear(10, 4)
    lin.apply(make_module_init_normc(0.5))
    torch.testing.assert_close(lin.weight.norm(dim=1), torch.full((4,), 0.5))
    assert torch.all(lin.bias == 0)
    lin.apply(make_module_init_orthogonal(1.0))
    torch.testing.assert_close(lin.weight @ lin.weight.T, torch.eye(4), atol=1e-5, rtol=0)
    assert torch.sigmoid(torch.tensor(compute_sigmoid_bias(0.2))).item() == pytest.approx(0.2)
    with pytest.raises(ValueError, match="probability must be in"):
        compute_sigmoid_bias(1.0)
