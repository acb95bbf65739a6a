"""Geometry of the inference-graph pictures: edges never cross boxes, labels stay visible, boxes list inner layers.

The layouts are checked on their coordinates (:func:`inference_graph_layout`), for graphviz (when ``dot`` is
installed) and for the matplotlib fallback, on the real ``env=cutting2d_flat model=flatten_concat`` policy and on the
docs' model examples.
"""

from __future__ import annotations

import io
import itertools

import matplotlib.image as mpimg
import numpy as np
import pytest
from gymnasium import spaces
from perception_example_nets import PlainCartpolePolicyNet
from perception_picture_checks import assert_valid_pdf, assert_valid_png
from test_template_and_custom_models import CUSTOM_COMPLEX, RECURRENCE, TEMPLATE_BASE, compose

from maze.core.utils.factory import Factory
from maze.perception.blocks import InferenceBlock, InferenceGraph, TorchModelBlock
from maze.perception.graph_rendering import (
    Box,
    GraphLayout,
    GraphRenderingError,
    draw_inference_block,
    graphviz_available,
    inference_graph_layout,
    render_inference_block,
)
from maze.perception.models.model_composer import BaseModelComposer
from maze.perception.models.utils import find_inference_block

RENDERERS = [
    "matplotlib",
    pytest.param("graphviz", marks=pytest.mark.skipif(not graphviz_available(), reason="graphviz's dot is not installed")),
]
TOL = 0.5  # points: touching a box border is not crossing it


# ------------------------------------------------------------------------------------------------ geometry, written here
def _segment_enters(p: tuple[float, float], q: tuple[float, float], box: Box, tol: float = TOL) -> bool:
    """Whether segment p-q passes through the interior of ``box`` shrunk by ``tol`` (Liang-Barsky clipping)."""
    x0, y0, x1, y1 = box.x0 + tol, box.y0 + tol, box.x1 - tol, box.y1 - tol
    if x0 >= x1 or y0 >= y1:
        return False
    dx, dy = q[0] - p[0], q[1] - p[1]
    t0, t1 = 0.0, 1.0
    for denom, num in ((-dx, p[0] - x0), (dx, x1 - p[0]), (-dy, p[1] - y0), (dy, y1 - p[1])):
        if denom == 0:
            if num < 0:
                return False
            continue
        t = num / denom
        if denom < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return t1 - t0 > 1e-9


def _overlap(a: Box, b: Box, tol: float = TOL) -> bool:
    return a.x0 + tol < b.x1 and b.x0 + tol < a.x1 and a.y0 + tol < b.y1 and b.y0 + tol < a.y1


def _on_border(point: tuple[float, float], box: Box, tol: float = 1.5) -> bool:
    x, y = point
    inside_grown = box.x0 - tol <= x <= box.x1 + tol and box.y0 - tol <= y <= box.y1 + tol
    inside_shrunk = box.x0 + tol < x < box.x1 - tol and box.y0 + tol < y < box.y1 - tol
    return inside_grown and not inside_shrunk


def check_layout(layout: GraphLayout) -> None:
    """No edge segment crosses a box other than its endpoints' boxes (nor another tensor's label); labels lie on their
    edges and outside all node boxes; nothing overlaps and everything is inside the picture."""
    node_boxes = {name: node.box for name, node in layout.nodes.items()}
    picture = Box(0.0, 0.0, layout.width, layout.height)
    all_boxes = list(node_boxes.values()) + [label.box for label in layout.labels.values()]
    for box in all_boxes:
        assert picture.x0 - TOL <= box.x0 and box.x1 <= picture.x1 + TOL and picture.y0 - TOL <= box.y0 and box.y1 <= picture.y1 + TOL
    for a, b in itertools.combinations(all_boxes, 2):
        assert not _overlap(a, b), (a, b)
    for label in layout.labels.values():
        for name, box in node_boxes.items():
            assert not _overlap(label.box, box), f"label {label.key!r} overlaps the box of {name!r}"
    assert layout.edges
    for edge in layout.edges:
        assert len(edge.points) >= 2
        assert _on_border(edge.points[0], node_boxes[edge.src]), (edge.src, edge.points[0])
        assert _on_border(edge.points[-1], node_boxes[edge.dst]), (edge.dst, edge.points[-1])
        segments = list(zip(edge.points, edge.points[1:]))
        for p, q in segments:
            for name, box in node_boxes.items():
                if name not in (edge.src, edge.dst):
                    assert not _segment_enters(p, q, box), f"edge {edge.src}->{edge.dst} ({edge.key}) crosses the box of {name!r}"
            for key, label in layout.labels.items():
                if edge.label is None or key != edge.label.key:
                    assert not _segment_enters(p, q, label.box), f"edge {edge.src}->{edge.dst} crosses the label of {key!r}"
        if edge.dst.startswith("out:"):
            assert edge.label is None or edge.label.key == edge.key
        else:
            assert edge.label is not None and edge.label.key == edge.key, f"edge {edge.src}->{edge.dst} has no label"
            assert any(_segment_enters(p, q, edge.label.box) for p, q in segments), f"label {edge.key!r} is not on its edge"


# ------------------------------------------------------------------------------------------------ models
@pytest.fixture(scope="module")
def cutting2d_flat_policy() -> InferenceBlock:
    """The policy network of ``env=cutting2d_flat model=flatten_concat``, composed as the training runner does."""
    pytest.importorskip("maze.envs.cutting2d", reason="needs maze-envs-cutting2d")
    from maze.core.utils.config_utils import compose_config, make_env

    cfg = compose_config(None, None, ["env=cutting2d_flat", "model=flatten_concat"])
    env = make_env(cfg.env, cfg.get("wrappers"), call_plugins=False)
    composer = Factory(BaseModelComposer, kind="model").instantiate(cfg.model, _optional_kwargs={
        "action_spaces_dict": env.action_spaces_dict, "observation_spaces_dict": env.observation_spaces_dict,
        "agent_counts_dict": env.agent_counts_dict})
    env.close()
    return find_inference_block(composer.policy.networks[0])


def _docs_examples(obs: spaces.Dict, act: spaces.Dict) -> dict[str, InferenceBlock]:
    custom = compose(CUSTOM_COMPLEX.format(extra="extra_out_keys: [latent_screen]", critic="SharedComplexCriticNet"), obs, act)
    template = compose(TEMPLATE_BASE.format(shared="[]", recurrence=RECURRENCE), obs, act)
    plain = PlainCartpolePolicyNet({"observation": (4,)}, {"action": (2,)}, hidden_layer_0=16, hidden_layer_1=32, use_bias=True)
    wrapped = TorchModelBlock("observation", "action", [(4,)], in_num_dims=[2], out_num_dims=[2], net=plain)
    return {
        "custom_policy": find_inference_block(custom.policy.networks[0]),
        "custom_shared_critic": find_inference_block(custom.critic.networks[0]),
        "template_policy": find_inference_block(template.policy.networks[0]),
        "torch_model": InferenceBlock("observation", "action", [(4,)], {"PlainCartpolePolicyNet": wrapped}),
    }


# ------------------------------------------------------------------------------------------------ tests
@pytest.mark.parametrize("renderer", RENDERERS)
def test_cutting2d_flat_flatten_concat_edges_avoid_boxes(cutting2d_flat_policy, renderer):
    layout = inference_graph_layout(cutting2d_flat_policy, renderer=renderer, title="policy_0")
    assert layout.renderer == renderer
    check_layout(layout)
    # the edge of the issue: inventory_size feeds concat, labelled, and not through the FlattenBlock's box
    edge = next(e for e in layout.edges if e.src == "in:inventory_size")
    assert edge.dst == "concat" and edge.label is not None and edge.label.lines == ("inventory_size", "(1,)")
    flatten = layout.nodes["inventory_flat"]
    assert flatten.lines[1] == "FlattenBlock"
    assert not any(_segment_enters(p, q, flatten.box) for p, q in zip(edge.points, edge.points[1:]))
    assert [e.dst for e in layout.edges if e.src == "inventory_flat"] == ["concat"]
    assert [e.src for e in layout.edges if e.dst == "inventory_flat"] == ["in:inventory"]
    # boxes show the inner layers
    assert "Dense 2×256 Tanh" in layout.nodes["latent"].lines
    assert "Linear 256→50" in layout.nodes["piece_idx"].lines
    assert "flatten last 2 dims" in flatten.lines


@pytest.mark.parametrize("renderer", RENDERERS)
def test_docs_model_examples_edges_avoid_boxes(inventory_screen_spaces, renderer):
    for name, block in _docs_examples(*inventory_screen_spaces).items():
        layout = inference_graph_layout(block, renderer=renderer, title=name)
        check_layout(layout)
        expected_edges = sum(len(b.in_keys) for b in block.perception_blocks.values()) + len(block.out_keys)
        assert len(layout.edges) == expected_edges, name
    examples = _docs_examples(*inventory_screen_spaces)
    lines = inference_graph_layout(examples["custom_policy"], renderer=renderer).nodes["latent_screen"].lines
    assert "VGG conv 8-16-32 ReLU" in lines and "Dense 32 ReLU" in lines
    lstm = inference_graph_layout(examples["custom_policy"], renderer=renderer).nodes["latent"].lines
    assert "LSTM 128→32" in lstm
    # a TorchModelBlock shows the modules it wraps
    torch_box = inference_graph_layout(examples["torch_model"], renderer=renderer).nodes["PlainCartpolePolicyNet"].lines
    assert torch_box[:2] == ("PlainCartpolePolicyNet", "TorchModelBlock")
    assert {"l0: Linear 4→16", "l1: Linear 16→32", "l2: Linear 32→2"} <= set(torch_box)


@pytest.mark.parametrize("renderer", RENDERERS)
def test_pictures_are_png_and_pdf_of_the_layout_size(cutting2d_flat_policy, renderer, tmp_path):
    written = render_inference_block(cutting2d_flat_policy, "policy_0", [str(tmp_path / "policy_0")], renderer=renderer)
    assert written == [str(tmp_path / "policy_0.pdf"), str(tmp_path / "policy_0.png")]
    assert_valid_pdf(written[0])
    assert_valid_png(written[1])
    layout = inference_graph_layout(cutting2d_flat_policy, renderer=renderer, title="policy_0")
    height, width = mpimg.imread(written[1]).shape[:2]
    assert abs(width - layout.width * 150 / 72) <= 2 and abs(height - layout.height * 150 / 72) <= 2


def test_matplotlib_drawing_keeps_every_text_inside_its_box(cutting2d_flat_policy):
    """The drawn texts (measured by matplotlib's renderer) fit the layout's boxes: labels are visible, not clipped."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(dpi=72)  # 72 dpi: display pixels are points
    canvas = FigureCanvasAgg(fig)
    layout = draw_inference_block(cutting2d_flat_policy, fig, title="policy_0")
    canvas.draw()
    renderer = canvas.get_renderer()
    boxes = [n.box for n in layout.nodes.values()] + [label.box for label in layout.labels.values()]
    texts = [t for t in fig.axes[0].texts if t.get_text() != layout.title]
    assert len(texts) == sum(len(n.lines) for n in layout.nodes.values()) + sum(len(lb.lines) for lb in layout.labels.values())
    for text in texts:
        ext = text.get_window_extent(renderer)
        assert any(b.x0 - TOL <= ext.x0 and ext.x1 <= b.x1 + TOL and b.y0 - TOL <= ext.y0 and ext.y1 <= b.y1 + TOL for b in boxes), \
            f"text {text.get_text()!r} at {ext} is outside every box"
    # the drawn node patches are the layout's boxes
    for patch in fig.axes[0].patches:
        gid = patch.get_gid() or ""
        if gid.startswith("node:"):
            ext, box = patch.get_window_extent(renderer), layout.nodes[gid[5:]].box
            assert np.allclose([ext.x0, ext.y0, ext.x1, ext.y1], [box.x0, box.y0, box.x1, box.y1], atol=1.5)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    assert buf.getvalue()[:4] == b"\x89PNG"


def test_inference_graph_save_and_bad_renderer(cutting2d_flat_policy, tmp_path, monkeypatch):
    pdf = InferenceGraph(cutting2d_flat_policy).save("policy_0", str(tmp_path), renderer="matplotlib")
    assert_valid_pdf(pdf)
    with pytest.raises(ValueError, match=r"renderer='svg'.*\['auto', 'graphviz', 'matplotlib'\]"):
        inference_graph_layout(cutting2d_flat_policy, renderer="svg")
    with pytest.raises(ValueError, match="format 'jpg'"):
        render_inference_block(cutting2d_flat_policy, "x", [str(tmp_path / "x")], formats=("jpg",))
    # without dot on the PATH: auto falls back to matplotlib, graphviz says what to install
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert not graphviz_available()
    assert inference_graph_layout(cutting2d_flat_policy).renderer == "matplotlib"
    with pytest.raises(GraphRenderingError, match="apt-get install graphviz"):
        inference_graph_layout(cutting2d_flat_policy, renderer="graphviz")


def test_the_checks_catch_an_edge_through_a_box_and_a_covered_label(cutting2d_flat_policy):
    """The picture of the issue: an edge drawn straight through the FlattenBlock box, a label under a box."""
    import dataclasses

    layout = inference_graph_layout(cutting2d_flat_policy, renderer="matplotlib")
    flatten, concat = layout.nodes["inventory_flat"].box, layout.nodes["concat"].box
    source = layout.nodes["in:inventory_size"].box
    x = flatten.center[0]
    straight = dataclasses.replace(next(e for e in layout.edges if e.src == "in:inventory_size"),
                                   points=((source.center[0], source.y0), (x, flatten.y1 + 8.0), (x, flatten.y0 - 8.0),
                                           (concat.center[0], concat.y1)))
    assert any(_segment_enters(p, q, flatten) for p, q in zip(straight.points, straight.points[1:]))
    through = dataclasses.replace(layout, edges=tuple(straight if e.src == "in:inventory_size" else e for e in layout.edges))
    with pytest.raises(AssertionError, match="edge in:inventory_size->concat .*crosses the"):
        check_layout(through)
    label = layout.labels["inventory_size"]
    moved = dataclasses.replace(label, box=Box(flatten.x0, flatten.y0, flatten.x0 + label.box.width, flatten.y0 + label.box.height))
    covered = dataclasses.replace(layout, labels={**layout.labels, "inventory_size": moved})
    with pytest.raises(AssertionError, match="overlap|label"):
        check_layout(covered)


def test_a_failing_dot_falls_back_to_matplotlib_in_auto_mode(cutting2d_flat_policy, tmp_path, monkeypatch, caplog):
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    dot = fake_bin / "dot"
    dot.write_text("#!/bin/sh\necho 'Error: <stdin>: syntax error in line 1' >&2\nexit 3\n")
    dot.chmod(0o755)
    monkeypatch.setenv("PATH", str(fake_bin))
    with pytest.raises(GraphRenderingError, match="exited with 3: Error: <stdin>: syntax error"):
        render_inference_block(cutting2d_flat_policy, "p", [str(tmp_path / "gv")], renderer="graphviz")
    assert not (tmp_path / "gv.png").exists()
    with caplog.at_level("WARNING", logger="maze.perception.graph_rendering"):
        written = render_inference_block(cutting2d_flat_policy, "p", [str(tmp_path / "auto")])
    assert "drawing it with matplotlib" in caplog.text
    assert_valid_png(written[1])


def test_layer_summaries_describe_the_torch_layers():
    from torch import nn

    from maze.perception.blocks import DenseBlock, StridedConvolutionBlock
    from maze.perception.blocks.base import summarize_modules

    conv = StridedConvolutionBlock("screen", "conv", (3, 32, 32), hidden_channels=[8, 16], hidden_kernels=[5, 3],
                                   hidden_strides=[2, 1], non_lin="ReLU")
    assert conv.layer_summary() == ["Conv2d 3→8 k5 s2 ReLU", "Conv2d 8→16 k3 ReLU"]
    assert DenseBlock("x", "h", (4,), [16, 32], non_lin="Tanh").layer_summary() == ["Dense 16-32 Tanh"]
    stack = nn.Sequential(nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(), nn.LSTM(8, 4, num_layers=2))
    assert summarize_modules(stack) == ["Linear 8→8 ReLU ×2", "LSTM 8→4 ×2"]
    assert summarize_modules(stack, named=True) == ["0: Linear 8→8 ReLU", "2: Linear 8→8 ReLU", "4: LSTM 8→4 ×2"]
    long = nn.Sequential(*[nn.Linear(i + 1, i + 2) for i in range(10)])
    lines = summarize_modules(long, max_lines=4)
    assert lines == ["Linear 1→2", "Linear 2→3", "Linear 3→4", "… 7 more"]
