"""Pictures of an :class:`~maze.perception.blocks.inference.InferenceBlock`: graphviz's ``dot`` when it is installed,
a layered matplotlib layout otherwise.

Both renderers draw the same picture: graph inputs and outputs are red boxes, blocks are blue boxes (name, class,
the block's inner layers from :meth:`~maze.perception.blocks.base.PerceptionBlock.layer_summary`, output shapes,
parameter count and share; the colour depth shows the share), and every tensor that feeds a block is one label
(key and per-sample shape) sitting on its edges. Edges never cross a box and labels never overlap one:

* graphviz routes the edges itself; each tensor label is a borderless node, so ``dot`` keeps it clear of the boxes;
* the matplotlib fallback uses a Sugiyama-style layered layout: nodes in rows by depth, tensor labels in the rows
  between them, a dummy node per row that a long edge passes, so the edge runs through a reserved lane instead of
  through the boxes of the rows it skips; edges run vertically inside rows and diagonally only in the gaps between
  rows, where there are no boxes.

:func:`inference_graph_layout` returns the geometry of either renderer (boxes and edge polylines in points, origin
at the picture's bottom-left corner) so that it can be checked; :func:`render_inference_block` writes PNG/PDF files
atomically (permissions as for any file, see :mod:`maze.core.utils.atomic_write`).

graphviz is a system package (Debian/Ubuntu: ``apt-get install graphviz``); no Python package is needed.
"""

from __future__ import annotations

import functools
import html
import json
import logging
import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from maze.core.utils.atomic_write import atomic_write

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from maze.perception.blocks.inference import InferenceBlock

logger = logging.getLogger(__name__)

#: the renderers of :func:`render_inference_block` (``auto``: graphviz when ``dot`` is on the PATH, else matplotlib)
RENDERERS = ("auto", "graphviz", "matplotlib")

#: seconds one ``dot`` call may take
DOT_TIMEOUT_S = 60.0

_PNG_DPI = 150
_FONT = "DejaVu Sans"
_NODE_FONT_SIZE = 7.0
_LABEL_FONT_SIZE = 6.5
_TITLE_FONT_SIZE = 9.0
_LINE_SPACING = 1.3
_NODE_PAD = (7.0, 4.5)  # horizontal, vertical padding of node boxes (points)
_LABEL_PAD = (2.5, 1.5)
_NODE_GAP = 16.0  # least horizontal space between two boxes (or lanes) of a row
_ROW_GAP = 16.0  # vertical space between two rows (only edges run here)
_DUMMY_WIDTH = 2.0
_MARGIN = 10.0
_TITLE_HEIGHT = 22.0

_INPUT_FILL, _INPUT_EDGE = "#f4b6b6", "#8b0000"
_BLOCK_EDGE = "#000080"
_LABEL_COLOR = "#8b0000"
_EDGE_COLOR = "#595959"


class GraphRenderingError(RuntimeError):
    """Drawing an inference graph failed (``dot`` missing or failing, an unknown renderer)."""


# ---------------------------------------------------------------------------------------------------- geometry
@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in points (``x0 < x1``, ``y0 < y1``; y grows upwards).

    :param x0: left.
    :param y0: bottom.
    :param x1: right.
    :param y1: top.
    """

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def center(self) -> tuple[float, float]:
        """The centre point."""
        return (self.x0 + self.x1) / 2.0, (self.y0 + self.y1) / 2.0

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass(frozen=True)
class LayoutNode:
    """A graph input (``in:<key>``), a block (its name) or a graph output (``out:<key>``) with its box and text lines.

    :param name: the node id.
    :param kind: ``"input"``, ``"block"`` or ``"output"``.
    :param lines: the text shown in the box, line by line.
    :param box: where the box is.
    """

    name: str
    kind: str
    lines: tuple[str, ...]
    box: Box


@dataclass(frozen=True)
class LayoutLabel:
    """The label of one tensor (key and shape), drawn once on the edges that carry it.

    :param key: the tensor key.
    :param lines: ``(key, shape)``.
    :param box: where the label is.
    """

    key: str
    lines: tuple[str, ...]
    box: Box


@dataclass(frozen=True)
class LayoutEdge:
    """One tensor flowing from ``src`` to ``dst``: a polyline from the border of ``src``'s box to the border of
    ``dst``'s box (the arrow tip), passing through its label.

    :param src: node id of the producer (a block or a graph input).
    :param dst: node id of the consumer (a block or a graph output).
    :param key: the tensor key.
    :param points: the polyline (points, y upwards).
    :param label: the tensor's label; ``None`` for an edge into a graph-output box, which shows key and shape itself.
    """

    src: str
    dst: str
    key: str
    points: tuple[tuple[float, float], ...]
    label: LayoutLabel | None


@dataclass(frozen=True)
class GraphLayout:
    """The geometry of an inference-graph picture, in points with the origin at the picture's bottom-left corner
    (a PNG written at ``dpi`` has ``width * dpi / 72`` pixels per row).

    :param renderer: ``"graphviz"`` or ``"matplotlib"``.
    :param width: picture width.
    :param height: picture height.
    :param title: the title line ("" for none).
    :param nodes: node id → node.
    :param labels: tensor key → label.
    :param edges: all edges.
    """

    renderer: str
    width: float
    height: float
    title: str
    nodes: Mapping[str, LayoutNode]
    labels: Mapping[str, LayoutLabel]
    edges: tuple[LayoutEdge, ...]


# ---------------------------------------------------------------------------------------------------- graph model
@dataclass
class _Tensor:
    key: str
    producer: str
    shape: tuple[int, ...]
    consumers: list[str] = field(default_factory=list)

    @property
    def labelled(self) -> bool:
        """Tensors feeding a block get a label; those feeding only graph-output boxes (which name them) do not."""
        return any(not c.startswith("out:") for c in self.consumers)


@dataclass
class _GraphModel:
    """The nodes (in drawing order), their text and colours, and the tensors between them."""

    block: InferenceBlock
    nodes: dict[str, str]  # id -> kind
    lines: dict[str, tuple[str, ...]]
    fills: dict[str, tuple[str, str]]  # id -> (face colour, text colour)
    depth: dict[str, int]
    tensors: dict[str, _Tensor]

    def label_lines(self, key: str) -> tuple[str, ...]:
        return key, str(tuple(self.tensors[key].shape))


def _share_color(share: float) -> str:
    """Face colour of a block box: light to dark blue with the parameter share."""
    light, dark = (0xEF, 0xF3, 0xFF), (0x08, 0x51, 0x9C)
    t = min(1.0, max(0.0, share))
    return "#" + "".join(f"{round(a + (b - a) * t):02x}" for a, b in zip(light, dark))


def _graph_model(block: InferenceBlock) -> _GraphModel:
    nodes: dict[str, str] = {}
    lines: dict[str, tuple[str, ...]] = {}
    fills: dict[str, tuple[str, str]] = {}
    depth: dict[str, int] = {}
    tensors: dict[str, _Tensor] = {}

    def source(key: str) -> str:
        producer = block.producer_of(key)
        return f"in:{key}" if producer is None else producer

    def consume(key: str, consumer: str) -> None:
        src = source(key)
        tensor = tensors.setdefault(key, _Tensor(key, src, tuple(block.shape_of(key))))
        tensor.consumers.append(consumer)

    for key in block.in_keys:
        node = f"in:{key}"
        nodes[node], depth[node] = "input", 0
        lines[node] = (key, str(tuple(block.shape_of(key))), "(input)")
        fills[node] = (_INPUT_FILL, "black")
    total_params = max(1, block.get_num_of_parameters())
    for name in block.execution_order:
        sub = block.perception_blocks[name]
        nodes[name] = "block"
        n_params = sub.get_num_of_parameters()
        share = n_params / total_params
        shapes = ", ".join(str(tuple(s)) for s in sub.out_shapes())
        lines[name] = (name, type(sub).__name__, *sub.layer_summary(), f"out: {shapes}", f"params: {n_params:,} ({share:.0%})")
        fills[name] = (_share_color(0.08 + 0.85 * share), "white" if share > 0.55 else "black")
        for key in sub.in_keys:
            consume(key, name)
        depth[name] = 1 + max((depth[source(k)] for k in sub.in_keys), default=0)
    for key in block.out_keys:
        node = f"out:{key}"
        nodes[node] = "output"
        lines[node] = (key, str(tuple(block.shape_of(key))), "(output)")
        fills[node] = (_INPUT_FILL, "black")
        consume(key, node)
        depth[node] = depth[source(key)] + 1
    return _GraphModel(block, nodes, lines, fills, depth, tensors)


# ---------------------------------------------------------------------------------------------------- public API
def graphviz_available() -> bool:
    """Whether graphviz's ``dot`` program is on the PATH."""
    return shutil.which("dot") is not None


def _resolve_renderer(renderer: str) -> str:
    if renderer not in RENDERERS:
        raise ValueError(f"renderer={renderer!r}: expected one of {list(RENDERERS)}")
    if renderer == "auto":
        return "graphviz" if graphviz_available() else "matplotlib"
    if renderer == "graphviz" and not graphviz_available():
        raise GraphRenderingError("renderer='graphviz' needs graphviz's 'dot' program on the PATH "
                                  "(Debian/Ubuntu: apt-get install graphviz); or use renderer='matplotlib'")
    return renderer


def _full_title(block: InferenceBlock, title: str) -> str:
    return f"{title}  ({block.get_num_of_parameters():,} parameters)" if title else ""


def inference_graph_layout(block: InferenceBlock, renderer: str = "auto", title: str = "") -> GraphLayout:
    """The geometry of the picture :func:`render_inference_block` draws for ``block`` with ``renderer``.

    :param block: the inference block.
    :param renderer: ``"graphviz"``, ``"matplotlib"`` or ``"auto"`` (graphviz when ``dot`` is installed).
    :param title: the title (the parameter count is appended); "" for none.
    :raises GraphRenderingError: ``renderer="graphviz"`` without ``dot``, or ``dot`` failing.
    """
    model = _graph_model(block)
    if _resolve_renderer(renderer) == "graphviz":
        return _graphviz_layout(model, _full_title(block, title))
    return _matplotlib_layout(model, _full_title(block, title))


def inference_graph_dot(block: InferenceBlock, title: str = "") -> str:
    """The graphviz DOT text of ``block``'s picture (what ``dot`` renders)."""
    return _dot_text(_graph_model(block), _full_title(block, title))


def render_inference_block(block: InferenceBlock, title: str, file_stems: Sequence[str], formats: Sequence[str] = ("pdf", "png"),
                           renderer: str = "auto") -> list[str]:
    """Render ``block`` and write ``<stem>.<format>`` for each stem and format (atomically).

    :param block: the inference block.
    :param title: the title (the parameter count is appended).
    :param file_stems: paths without extension (their directories are created).
    :param formats: ``"pdf"`` and/or ``"png"``.
    :param renderer: ``"auto"`` (graphviz when ``dot`` is installed; if it fails, matplotlib with a warning),
        ``"graphviz"`` or ``"matplotlib"``.
    :return: the written file paths.
    :raises ValueError: an unknown renderer or format.
    :raises GraphRenderingError: ``renderer="graphviz"`` without ``dot``, or ``dot`` failing.
    """
    for fmt in formats:
        if fmt not in ("pdf", "png"):
            raise ValueError(f"format {fmt!r}: expected 'pdf' or 'png'")
    chosen = _resolve_renderer(renderer)
    model = _graph_model(block)
    full_title = _full_title(block, title)
    pictures: dict[str, bytes] = {}
    if chosen == "graphviz":
        try:
            dot_text = _dot_text(model, full_title)
            pictures = {fmt: _run_dot(dot_text, fmt) for fmt in formats}
        except GraphRenderingError as exc:
            if renderer != "auto":
                raise
            logger.warning("graphviz failed to draw %s (%s); drawing it with matplotlib", title or "the graph", exc)
            chosen = "matplotlib"
    if chosen == "matplotlib":
        pictures = _matplotlib_pictures(_matplotlib_layout(model, full_title), model, formats)
    written = []
    for stem in file_stems:
        os.makedirs(os.path.dirname(stem) or ".", exist_ok=True)
        for fmt in formats:
            target = f"{stem}.{fmt}"
            with atomic_write(target, binary=True) as f:
                f.write(pictures[fmt])
            written.append(target)
    return written


def draw_inference_block(block: InferenceBlock, fig: Figure, title: str = "") -> GraphLayout:
    """Draw ``block`` into the matplotlib figure ``fig`` with the matplotlib layout (the figure is resized to it).

    :return: the layout drawn.
    """
    model = _graph_model(block)
    layout = _matplotlib_layout(model, _full_title(block, title))
    draw_layout(layout, model.fills, fig)
    return layout


# ---------------------------------------------------------------------------------------------------- matplotlib layout
@dataclass
class _LNode:
    """A node of the layered layout: a real node, a tensor label, or a dummy (a lane of a long edge)."""

    id: str
    kind: str  # input | block | output | label | dummy
    width: float
    height: float
    row: int
    x: float = 0.0


@functools.lru_cache(maxsize=1)
def _measuring_renderer() -> Any:
    """An Agg renderer at 72 dpi: its pixels are points."""
    from matplotlib.backends.backend_agg import RendererAgg

    return RendererAgg(10, 10, 72)


def _text_size(lines: Sequence[str], size: float, bold_first: bool) -> tuple[float, float]:
    """Width and height (points) of ``lines`` set in :data:`_FONT` at ``size``, one line per ``_LINE_SPACING * size``."""
    from matplotlib.font_manager import FontProperties

    renderer = _measuring_renderer()
    width = 0.0
    for i, line in enumerate(lines):
        prop = FontProperties(family=_FONT, size=size, weight="bold" if bold_first and i == 0 else "normal")
        w, _, _ = renderer.get_text_width_height_descent(line, prop, ismath=False)
        width = max(width, w)
    return width, len(lines) * size * _LINE_SPACING


def _pav(targets: Sequence[float], weights: Sequence[float]) -> list[float]:
    """Weighted least squares fit of a non-decreasing sequence to ``targets`` (pool-adjacent-violators)."""
    blocks: list[list[float]] = []  # [mean, weight, count]
    for t, w in zip(targets, weights):
        blocks.append([t, w, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, w2, n2 = blocks.pop()
            m1, w1, n1 = blocks.pop()
            blocks.append([(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2, n1 + n2])
    out: list[float] = []
    for mean, _, n in blocks:
        out.extend([mean] * int(n))
    return out


def _place_row(row: list[_LNode], desired: Sequence[float], weights: Sequence[float]) -> None:
    """Set the x of the nodes of ``row`` (in order) as close to ``desired`` as the least spacing allows."""
    offsets = [0.0]
    for a, b in zip(row, row[1:]):
        offsets.append(offsets[-1] + (a.width + b.width) / 2.0 + _NODE_GAP)
    fitted = _pav([d - c for d, c in zip(desired, offsets)], weights)
    for node, y, c in zip(row, fitted, offsets):
        node.x = y + c


def _crossings(rows: list[list[str]], down: dict[str, list[str]]) -> int:
    total = 0
    for upper, lower in zip(rows, rows[1:]):
        pos = {n: i for i, n in enumerate(lower)}
        pairs = [(i, pos[v]) for i, u in enumerate(upper) for v in down.get(u, []) if v in pos]
        total += sum(1 for a in range(len(pairs)) for b in range(a + 1, len(pairs))
                     if (pairs[a][0] - pairs[b][0]) * (pairs[a][1] - pairs[b][1]) < 0)
    return total


def _matplotlib_layout(model: _GraphModel, title: str) -> GraphLayout:
    """The layered layout (see the module docstring) with text sizes measured by matplotlib."""
    lnodes: dict[str, _LNode] = {}
    for node, kind in model.nodes.items():
        w, h = _text_size(model.lines[node], _NODE_FONT_SIZE, bold_first=kind == "block")
        lnodes[node] = _LNode(node, kind, w + 2 * _NODE_PAD[0], h + 2 * _NODE_PAD[1], 2 * model.depth[node])

    # chains of layout nodes per edge: producer, [label], dummies of the rows in between, consumer
    chains: list[tuple[str, str, str, list[str]]] = []
    for key, tensor in model.tensors.items():
        prefix = [tensor.producer]
        if tensor.labelled:
            label_id = f"label:{key}"
            w, h = _text_size(model.label_lines(key), _LABEL_FONT_SIZE, bold_first=False)
            lnodes[label_id] = _LNode(label_id, "label", w + 2 * _LABEL_PAD[0], h + 2 * _LABEL_PAD[1],
                                      lnodes[tensor.producer].row + 1)
            prefix.append(label_id)
        for consumer in tensor.consumers:
            chain = list(prefix)
            for row in range(lnodes[chain[-1]].row + 1, lnodes[consumer].row):
                dummy = f"dummy:{key}:{consumer}:{row}"
                lnodes[dummy] = _LNode(dummy, "dummy", _DUMMY_WIDTH, 0.0, row)
                chain.append(dummy)
            chain.append(consumer)
            chains.append((tensor.producer, consumer, key, chain))

    down: dict[str, list[str]] = {}
    up: dict[str, list[str]] = {}
    for _, _, _, chain in chains:
        for a, b in zip(chain, chain[1:]):
            if b not in down.setdefault(a, []):
                down[a].append(b)
                up.setdefault(b, []).append(a)

    n_rows = 1 + max(n.row for n in lnodes.values())
    rows: list[list[str]] = [[] for _ in range(n_rows)]
    for node_id, node in lnodes.items():  # insertion order: inputs, blocks in execution order, labels, dummies
        rows[node.row].append(node_id)

    # order the rows: barycentre sweeps, keeping the order with the fewest crossings
    best, best_crossings = [list(r) for r in rows], _crossings(rows, down)
    for sweep in range(12):
        downwards = sweep % 2 == 0
        neighbours = up if downwards else down
        for r in range(1, n_rows) if downwards else range(n_rows - 2, -1, -1):
            ref = {n: i for i, n in enumerate(rows[r - 1] if downwards else rows[r + 1])}
            keys = {}
            for i, node in enumerate(rows[r]):
                xs = [ref[n] for n in neighbours.get(node, []) if n in ref]
                keys[node] = sum(xs) / len(xs) if xs else float(i)
            rows[r].sort(key=keys.__getitem__)
        crossings = _crossings(rows, down)
        if crossings < best_crossings:
            best, best_crossings = [list(r) for r in rows], crossings
    rows = best

    # x coordinates: rows packed, then pulled towards their neighbours (long-edge lanes pull hardest)
    for row in rows:
        _place_row([lnodes[n] for n in row], [0.0] * len(row), [1.0] * len(row))
    weight = {"dummy": 4.0, "label": 2.0}
    for sweep in range(16):
        direction = range(1, n_rows) if sweep % 2 == 0 else range(n_rows - 2, -1, -1)
        neighbours = up if sweep % 2 == 0 else down
        if sweep == 15:  # a last pass towards all neighbours
            neighbours = {n: up.get(n, []) + down.get(n, []) for n in lnodes}
            direction = range(n_rows)
        for r in direction:
            row = [lnodes[n] for n in rows[r]]
            desired = []
            for node in row:
                xs = [lnodes[n].x for n in neighbours.get(node.id, [])]
                desired.append(sum(xs) / len(xs) if xs else node.x)
            _place_row(row, desired, [weight.get(node.kind, 1.0) for node in row])
    # straighten: a label or lane sits right below the node it comes from wherever the spacing allows
    for r in range(1, n_rows):
        row = [lnodes[n] for n in rows[r]]
        desired, weights = [], []
        for node in row:
            source = up.get(node.id, [])
            follows = node.kind in ("dummy", "label") and len(source) == 1
            desired.append(lnodes[source[0]].x if follows else node.x)
            weights.append(100.0 if follows else 1.0)
        _place_row(row, desired, weights)

    # vertical bands of the rows (top down), then everything in points with y upwards
    title_h = _TITLE_HEIGHT if title else 0.0
    tops, heights = [], []
    y = _MARGIN + title_h
    for row in rows:
        h = max([lnodes[n].height for n in row if lnodes[n].kind != "dummy"], default=4.0)
        tops.append(y)
        heights.append(h)
        y += h + _ROW_GAP
    height = y - _ROW_GAP + _MARGIN
    min_x = min(n.x - n.width / 2.0 for n in lnodes.values())
    max_x = max(n.x + n.width / 2.0 for n in lnodes.values())
    if title:
        title_w, _ = _text_size([title], _TITLE_FONT_SIZE, bold_first=False)
        extra = max(0.0, title_w - (max_x - min_x)) / 2.0
        min_x, max_x = min_x - extra, max_x + extra
    width = max_x - min_x + 2 * _MARGIN
    shift = _MARGIN - min_x

    def box_of(node: _LNode) -> Box:
        top = tops[node.row] + (heights[node.row] - node.height) / 2.0
        x0 = node.x + shift - node.width / 2.0
        return Box(x0, height - top - node.height, x0 + node.width, height - top)

    boxes = {n: box_of(node) for n, node in lnodes.items() if node.kind != "dummy"}

    def band(row: int) -> tuple[float, float]:  # (top, bottom) in y-up coordinates
        return height - tops[row], height - tops[row] - heights[row]

    # ports: the edges leaving (entering) a real box spread along its bottom (top) edge in the order of their targets
    def ports(node_id: str, others: list[str]) -> dict[str, float]:
        box = boxes[node_id]
        ordered = sorted(others, key=lambda n: lnodes[n].x)
        return {n: box.x0 + box.width * (i + 1) / (len(ordered) + 1) for i, n in enumerate(ordered)}

    out_ports = {n: ports(n, down[n]) for n in down if lnodes[n].kind not in ("label", "dummy")}
    in_ports = {n: ports(n, up[n]) for n in up if lnodes[n].kind not in ("label", "dummy")}

    def hop(a: str, b: str) -> list[tuple[float, float]]:
        """Points of the edge piece from layout node ``a`` to ``b`` (one row below)."""
        na, nb = lnodes[a], lnodes[b]
        pts: list[tuple[float, float]] = []
        _, bottom_a = band(na.row)
        top_b, _ = band(nb.row)
        if na.kind == "dummy":
            xa = na.x + shift
            pts += [(xa, band(na.row)[0]), (xa, bottom_a)]
        else:
            xa = out_ports[a][b] if a in out_ports else na.x + shift
            pts += [(xa, boxes[a].y0), (xa, bottom_a)]
        if nb.kind == "dummy":
            pts.append((nb.x + shift, top_b))
        else:
            xb = in_ports[b][a] if b in in_ports else nb.x + shift
            pts += [(xb, top_b), (xb, boxes[b].y1)]
        return pts

    labels = {key: LayoutLabel(key, model.label_lines(key), boxes[f"label:{key}"]) for key, t in model.tensors.items() if t.labelled}
    nodes = {n: LayoutNode(n, kind, model.lines[n], boxes[n]) for n, kind in model.nodes.items()}
    edges = []
    for src, dst, key, chain in chains:
        points: list[tuple[float, float]] = []
        for a, b in zip(chain, chain[1:]):
            points.extend(hop(a, b))
        edges.append(LayoutEdge(src, dst, key, _simplify(points), labels.get(key)))
    return GraphLayout("matplotlib", width, height, title, nodes, labels, tuple(edges))


def _simplify(points: list[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    """Drop repeated points and the middle one of three collinear points."""
    out: list[tuple[float, float]] = []
    for p in points:
        if out and abs(out[-1][0] - p[0]) < 1e-6 and abs(out[-1][1] - p[1]) < 1e-6:
            continue
        if len(out) >= 2:
            (ax, ay), (bx, by) = out[-2], out[-1]
            if abs((bx - ax) * (p[1] - ay) - (by - ay) * (p[0] - ax)) < 1e-6:
                out[-1] = p
                continue
        out.append(p)
    return tuple(out)


def draw_layout(layout: GraphLayout, fills: Mapping[str, tuple[str, str]], fig: Figure) -> None:
    """Draw a matplotlib :class:`GraphLayout` into ``fig`` (resized to the layout; one axes in points covers it).

    Artists carry ids for inspection: ``node:<id>``, ``label:<key>``, ``edge:<src>-><dst>``.

    :param layout: the layout.
    :param fills: node id → (face colour, text colour).
    :param fig: the figure.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

    fig.set_size_inches(layout.width / 72.0, layout.height / 72.0)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0.0, layout.width)
    ax.set_ylim(0.0, layout.height)
    ax.set_axis_off()

    for edge in layout.edges:
        xs, ys = zip(*edge.points)
        line = Line2D(xs[:-1], ys[:-1], color=_EDGE_COLOR, lw=0.9, zorder=1, solid_joinstyle="round")
        line.set_gid(f"edge:{edge.src}->{edge.dst}")
        ax.add_line(line)
        ax.add_patch(FancyArrowPatch(edge.points[-2], edge.points[-1], arrowstyle="-|>", mutation_scale=7, lw=0.9,
                                     color=_EDGE_COLOR, shrinkA=0, shrinkB=0, zorder=1))

    for node in layout.nodes.values():
        box = node.box
        face, text_color = fills[node.name]
        radius = min(4.0, box.height / 4.0)
        patch = FancyBboxPatch((box.x0 + radius, box.y0 + radius), box.width - 2 * radius, box.height - 2 * radius,
                               boxstyle=f"round,pad={radius}", fc=face, ec=_INPUT_EDGE if node.kind != "block" else _BLOCK_EDGE,
                               lw=0.9, zorder=2)
        patch.set_gid(f"node:{node.name}")
        ax.add_patch(patch)
        _draw_lines(ax, node.lines, box, _NODE_FONT_SIZE, text_color, bold_first=node.kind == "block", zorder=3)

    for label in layout.labels.values():
        box = label.box
        patch = Rectangle((box.x0, box.y0), box.width, box.height, fc="white", ec="none", zorder=3)
        patch.set_gid(f"label:{label.key}")
        ax.add_patch(patch)
        _draw_lines(ax, label.lines, box, _LABEL_FONT_SIZE, _LABEL_COLOR, bold_first=False, zorder=4)

    if layout.title:
        ax.text(layout.width / 2.0, layout.height - _MARGIN - _TITLE_HEIGHT / 2.0, layout.title, ha="center", va="center",
                fontsize=_TITLE_FONT_SIZE, family=_FONT, parse_math=False)


def _draw_lines(ax: Any, lines: Sequence[str], box: Box, size: float, color: str, bold_first: bool, zorder: int) -> None:
    line_h = size * _LINE_SPACING
    top = box.center[1] + len(lines) * line_h / 2.0
    for i, line in enumerate(lines):
        ax.text(box.center[0], top - (i + 0.5) * line_h, line, ha="center", va="center_baseline", fontsize=size, family=_FONT,
                color=color, weight="bold" if bold_first and i == 0 else "normal", zorder=zorder, parse_math=False)


def _matplotlib_pictures(layout: GraphLayout, model: _GraphModel, formats: Sequence[str]) -> dict[str, bytes]:
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure()
    FigureCanvasAgg(fig)
    draw_layout(layout, model.fills, fig)
    out = {}
    for fmt in formats:
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, dpi=_PNG_DPI)  # no tight bbox: the picture keeps the layout's coordinates
        out[fmt] = buf.getvalue()
    return out


# ---------------------------------------------------------------------------------------------------- graphviz
_DOT_PAD_IN = 0.1


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _html_lines(lines: Sequence[str], bold_first: bool) -> str:
    parts = [html.escape(line) for line in lines]
    if bold_first and parts:
        parts[0] = f"<B>{parts[0]}</B>"
    return "<" + "<BR/>".join(parts) + ">"


def _dot_text(model: _GraphModel, title: str) -> str:
    out = ["digraph inference_graph {",
           f"  graph [rankdir=TB, nodesep=0.22, ranksep=0.22, pad={_DOT_PAD_IN}, fontname={_quote(_FONT)}, "
           f"fontsize={_TITLE_FONT_SIZE:g}, labelloc=t, label={_quote(title)}];",
           f"  node [fontname={_quote(_FONT)}, fontsize={_NODE_FONT_SIZE:g}, shape=box, style=\"rounded,filled\", "
           f"margin=\"0.1,0.06\", penwidth=0.9];",
           f"  edge [color={_quote(_EDGE_COLOR)}, penwidth=0.9, arrowsize=0.55];"]
    for node, kind in model.nodes.items():
        face, text_color = model.fills[node]
        edge_color = _BLOCK_EDGE if kind == "block" else _INPUT_EDGE
        out.append(f"  {_quote(node)} [fillcolor={_quote(face)}, color={_quote(edge_color)}, fontcolor={_quote(text_color)}, "
                   f"label={_html_lines(model.lines[node], bold_first=kind == 'block')}];")
    for key, tensor in model.tensors.items():
        if tensor.labelled:
            label = f"label:{key}"
            out.append(f"  {_quote(label)} [shape=plain, style=filled, fillcolor=white, fontcolor={_quote(_LABEL_COLOR)}, "
                       f"fontsize={_LABEL_FONT_SIZE:g}, label={_html_lines(model.label_lines(key), bold_first=False)}];")
            out.append(f"  {_quote(tensor.producer)} -> {_quote(label)} [arrowhead=none];")
            out.extend(f"  {_quote(label)} -> {_quote(c)};" for c in tensor.consumers)
        else:
            out.extend(f"  {_quote(tensor.producer)} -> {_quote(c)};" for c in tensor.consumers)
    out.append("}")
    return "\n".join(out) + "\n"


def _run_dot(dot_text: str, fmt: str) -> bytes:
    """``dot -T<fmt>`` of ``dot_text`` (stdout bytes)."""
    args = ["dot", f"-T{fmt}"] + ([f"-Gdpi={_PNG_DPI}"] if fmt == "png" else [])
    try:
        proc = subprocess.run(args, input=dot_text.encode("utf-8"), capture_output=True, timeout=DOT_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GraphRenderingError(f"running {' '.join(args)} failed: {exc}") from exc
    if proc.returncode != 0 or not proc.stdout:
        raise GraphRenderingError(f"{' '.join(args)} exited with {proc.returncode}: {proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout


def _bezier_points(spec: str) -> list[tuple[float, float]]:
    """Sample graphviz's edge ``pos`` (``[s,x,y] [e,x,y] p0 p1 p2 p3 ...``: cubic Bézier pieces) into a polyline."""
    start = end = None
    ctrl: list[tuple[float, float]] = []
    for token in spec.split():
        parts = token.split(",")
        if parts[0] in ("s", "e"):
            point = (float(parts[1]), float(parts[2]))
            if parts[0] == "s":
                start = point
            else:
                end = point
        else:
            ctrl.append((float(parts[0]), float(parts[1])))
    pts: list[tuple[float, float]] = [] if start is None else [start]
    pts.append(ctrl[0])
    for i in range(0, len(ctrl) - 3, 3):
        p0, p1, p2, p3 = ctrl[i : i + 4]
        for k in range(1, 13):
            t = k / 12.0
            a, b, c, d = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t**3
            pts.append((a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]))
    if end is not None:
        pts.append(end)
    return pts


def _graphviz_layout(model: _GraphModel, title: str) -> GraphLayout:
    """The layout ``dot`` computes (``-Tjson0``), shifted by its pad so that it matches the rendered picture."""
    data = json.loads(_run_dot(_dot_text(model, title), "json0"))
    pad = _DOT_PAD_IN * 72.0
    bb = [float(v) for v in data["bb"].split(",")]
    objects = data.get("objects", [])

    def box_of(obj: Mapping[str, Any]) -> Box:
        x, y = (float(v) for v in obj["pos"].split(","))
        w, h = float(obj["width"]) * 72.0, float(obj["height"]) * 72.0
        return Box(x - w / 2 + pad, y - h / 2 + pad, x + w / 2 + pad, y + h / 2 + pad)

    names = {obj["_gvid"]: obj["name"] for obj in objects}
    boxes = {obj["name"]: box_of(obj) for obj in objects}
    splines: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for edge in data.get("edges", []):
        pts = [(x + pad, y + pad) for x, y in _bezier_points(edge["pos"])]
        splines[(names[edge["tail"]], names[edge["head"]])] = pts

    nodes = {n: LayoutNode(n, kind, model.lines[n], boxes[n]) for n, kind in model.nodes.items()}
    labels = {key: LayoutLabel(key, model.label_lines(key), boxes[f"label:{key}"]) for key, t in model.tensors.items() if t.labelled}
    edges = []
    for key, tensor in model.tensors.items():
        for consumer in tensor.consumers:
            if tensor.labelled:
                label = f"label:{key}"
                points = splines[(tensor.producer, label)] + splines[(label, consumer)]
            else:
                points = splines[(tensor.producer, consumer)]
            edges.append(LayoutEdge(tensor.producer, consumer, key, _simplify(points), labels.get(key)))
    return GraphLayout("graphviz", bb[2] - bb[0] + 2 * pad, bb[3] - bb[1] + 2 * pad, title, nodes, labels, tuple(edges))
