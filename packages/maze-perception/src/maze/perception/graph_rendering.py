"""Render an :class:`~maze.perception.blocks.inference.InferenceBlock` with matplotlib only (no graphviz).

Blocks are blue boxes (name, type, output shapes, parameter count and share; the colour depth shows
the parameter share), graph inputs and outputs are red boxes, and the tensors flowing between them
are arrows labelled with the tensor key and its per-sample shape.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from maze.core.utils.atomic_write import atomic_write

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from maze.perception.blocks.inference import InferenceBlock


def _layout(block: InferenceBlock) -> tuple[dict[str, tuple[float, float]], list[tuple[str, str, str]], dict[str, str]]:
    """Node positions (layer = longest path from the inputs), edges (src, dst, tensor key), node kinds."""
    kinds: dict[str, str] = {}
    depth: dict[str, int] = {}
    edges: list[tuple[str, str, str]] = []
    for key in block.in_keys:
        node = f"in:{key}"
        kinds[node] = "input"
        depth[node] = 0
    for name in block.execution_order:
        sub = block.perception_blocks[name]
        kinds[name] = "block"
        parents = []
        for key in sub.in_keys:
            producer = block.producer_of(key)
            src = f"in:{key}" if producer is None else producer
            if src not in kinds:  # an input key not declared as graph input (should not happen)
                continue
            parents.append(src)
            edges.append((src, name, key))
        depth[name] = 1 + max((depth[p] for p in parents), default=0)
    for key in block.out_keys:
        node = f"out:{key}"
        kinds[node] = "output"
        producer = block.producer_of(key)
        src = f"in:{key}" if producer is None else producer
        edges.append((src, node, key))
        depth[node] = depth[src] + 1

    layers: dict[int, list[str]] = {}
    for node, d in depth.items():
        layers.setdefault(d, []).append(node)
    x_pos: dict[str, float] = {}
    for d in sorted(layers):
        nodes = layers[d]
        if d > 0:  # barycentre ordering reduces crossings
            def parent_x(node: str) -> float:
                xs = [x_pos[s] for s, t, _ in edges if t == node and s in x_pos]
                return sum(xs) / len(xs) if xs else 0.0

            nodes.sort(key=parent_x)
        width = len(nodes)
        for i, node in enumerate(nodes):
            x_pos[node] = i - (width - 1) / 2.0
    positions = {node: (x_pos[node], -float(depth[node])) for node in depth}
    return positions, edges, kinds


def _x_step(block: InferenceBlock) -> float:
    longest = max([len(n) for n in block.perception_blocks] + [len(type(b).__name__) for b in block.perception_blocks.values()] + [10])
    return max(3.2, 0.13 * longest)


def draw_inference_block(block: InferenceBlock, fig: Figure, title: str = "") -> None:
    """Draw ``block`` into the matplotlib figure ``fig``."""
    from matplotlib import colormaps

    positions, edges, kinds = _layout(block)
    total_params = max(1, block.get_num_of_parameters())
    cmap = colormaps["Blues"]
    ax = fig.add_subplot(1, 1, 1)
    ax.set_axis_off()
    x_step, y_step = _x_step(block), 1.9
    coords = {n: (x * x_step, y * y_step) for n, (x, y) in positions.items()}

    for src, dst, key in edges:
        (x0, y0), (x1, y1) = coords[src], coords[dst]
        ax.annotate("", xy=(x1, y1 + 0.45), xytext=(x0, y0 - 0.45),
                    arrowprops={"arrowstyle": "->", "color": "0.35", "lw": 1.0, "shrinkA": 0, "shrinkB": 0})
        shape = block.shape_of(key)
        ax.text((x0 + x1) / 2.0, (y0 + y1) / 2.0, f"{key}\n{shape}", fontsize=6, ha="center", va="center",
                color="darkred", bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85})

    for node, (x, y) in coords.items():
        kind = kinds[node]
        if kind == "block":
            sub = block.perception_blocks[node]
            n_params = sub.get_num_of_parameters()
            share = n_params / total_params
            shapes = ", ".join(str(tuple(s)) for s in sub.out_shapes())
            text = f"{node}\n{type(sub).__name__}\nout: {shapes}\nparams: {n_params} ({share:.0%})"
            face = cmap(0.15 + 0.7 * share)
            color = "white" if share > 0.6 else "black"
            ax.text(x, y, text, fontsize=7, ha="center", va="center", color=color,
                    bbox={"boxstyle": "round,pad=0.4", "fc": face, "ec": "navy"})
        else:
            key = node.split(":", 1)[1]
            label = "input" if kind == "input" else "output"
            ax.text(x, y, f"{key}\n{block.shape_of(key)}\n({label})", fontsize=7, ha="center", va="center",
                    bbox={"boxstyle": "round,pad=0.35", "fc": "#f4b6b6", "ec": "darkred"})

    xs = [c[0] for c in coords.values()]
    ys = [c[1] for c in coords.values()]
    ax.set_xlim(min(xs) - x_step * 0.7, max(xs) + x_step * 0.7)
    ax.set_ylim(min(ys) - y_step * 0.6, max(ys) + y_step * 0.6)
    if title:
        ax.set_title(f"{title}  ({block.get_num_of_parameters()} parameters)", fontsize=9)


def render_inference_block(block: InferenceBlock, title: str, file_stems: Sequence[str], formats: Sequence[str] = ("pdf", "png")) -> list[str]:
    """Render ``block`` and write ``<stem>.<format>`` for each stem and format (atomically).

    :return: the written file paths.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    positions, _, _ = _layout(block)
    width = max(1, len({round(x, 3) for x, _ in positions.values()}))
    per_layer: dict[float, int] = {}
    for _, y in positions.values():
        per_layer[y] = per_layer.get(y, 0) + 1
    fig = Figure(figsize=(max(6.0, 0.85 * _x_step(block) * max(per_layer.values(), default=width)), max(4.0, 1.6 * len(per_layer))))
    FigureCanvasAgg(fig)
    draw_inference_block(block, fig, title=title)
    written = []
    for stem in file_stems:
        directory = os.path.dirname(stem) or "."
        os.makedirs(directory, exist_ok=True)
        for fmt in formats:
            target = f"{stem}.{fmt}"
            with atomic_write(target, binary=True) as f:
                fig.savefig(f, format=fmt, dpi=110, bbox_inches="tight")
            written.append(target)
    return written
