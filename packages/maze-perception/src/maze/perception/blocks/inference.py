"""Inference blocks (graphs of perception blocks) and their graph representation."""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

import torch
from torch import nn

from maze.perception.blocks.base import PerceptionBlock, PerceptionShapeError, ShapeType


class InferenceBlock(PerceptionBlock):
    """A perception block combining several perception blocks into one prediction module.

    Conditions:

    1. keys of ``perception_blocks`` are unique (they are the module names; no ``.`` allowed),
    2. every out key is produced by exactly one block (or is a graph input),
    3. every block input is a graph input (``in_keys``) or the output of another block (no cycles),
    4. ``out_keys`` are outputs of the graph (or graph inputs).

    Each block's declared ``in_shapes`` are checked against the shapes its producers yield; a mismatch
    raises :class:`PerceptionShapeError` naming the block, the key and both shapes. Only the blocks
    needed for ``out_keys`` run in :meth:`forward` (in topological order).

    :param in_keys: the graph input keys.
    :param out_keys: the graph output keys.
    :param in_shapes: per-sample shapes of the graph inputs.
    :param perception_blocks: name → perception block (ordered).
    """

    def __init__(
        self,
        in_keys: str | Sequence[str],
        out_keys: str | Sequence[str],
        in_shapes: ShapeType | Sequence[ShapeType],
        perception_blocks: Mapping[str, PerceptionBlock],
    ) -> None:
        super().__init__(in_keys=in_keys, out_keys=out_keys, in_shapes=in_shapes)
        blocks = OrderedDict(perception_blocks)
        for name, block in blocks.items():
            if not isinstance(block, PerceptionBlock):
                raise TypeError(f"InferenceBlock: perception_blocks[{name!r}] is a {type(block).__name__}, expected a PerceptionBlock")
        self.perception_blocks = nn.ModuleDict(blocks)

        # which block produces which key, with shapes
        self._producer: dict[str, str | None] = {k: None for k in self.in_keys}
        self._shapes: dict[str, tuple[int, ...]] = dict(zip(self.in_keys, self.in_shapes))
        for name, block in blocks.items():
            for key in block.out_keys:
                if key in self._producer:
                    other = self._producer[key]
                    where = "a graph input" if other is None else f"block {other!r}"
                    raise PerceptionShapeError(f"InferenceBlock: out key {key!r} of block {name!r} is already {where}")
                self._producer[key] = name

        self.execution_order = self._topological_order(blocks)
        for name in self.execution_order:
            block = blocks[name]
            for key, expected in zip(block.in_keys, block.in_shapes):
                got = self._shapes[key]
                if tuple(got) != tuple(expected):
                    src = "graph input" if self._producer[key] is None else f"output of block {self._producer[key]!r}"
                    raise PerceptionShapeError(
                        f"InferenceBlock: block {name!r} ({type(block).__name__}, in_keys {block.in_keys}) declares shape "
                        f"{tuple(expected)} for input {key!r}, but the {src} has shape {tuple(got)}"
                    )
            for key, shape in zip(block.out_keys, block.out_shapes()):
                self._shapes[key] = tuple(shape)

        missing = [k for k in self.out_keys if k not in self._producer]
        if missing:
            raise PerceptionShapeError(f"InferenceBlock: out_keys {missing} are produced by no block; available keys: {list(self._producer)}")
        self._run_order = self._needed_blocks(blocks)

    def _topological_order(self, blocks: Mapping[str, PerceptionBlock]) -> list[str]:
        order: list[str] = []
        state: dict[str, int] = {}

        def visit(name: str, path: list[str]) -> None:
            if state.get(name) == 2:
                return
            if state.get(name) == 1:
                raise PerceptionShapeError(f"InferenceBlock: cycle between blocks {' -> '.join([*path, name])}")
            state[name] = 1
            for key in blocks[name].in_keys:
                if key not in self._producer:
                    raise PerceptionShapeError(
                        f"InferenceBlock: block {name!r} ({type(blocks[name]).__name__}) needs input {key!r}, which is neither a graph "
                        f"input (in_keys {self.in_keys}) nor produced by a block"
                    )
                producer = self._producer[key]
                if producer is not None:
                    visit(producer, [*path, name])
            state[name] = 2
            order.append(name)

        for name in blocks:
            visit(name, [])
        return order

    def _needed_blocks(self, blocks: Mapping[str, PerceptionBlock]) -> list[str]:
        needed: set[str] = set()
        stack = [self._producer[k] for k in self.out_keys]
        while stack:
            name = stack.pop()
            if name is None or name in needed:
                continue
            needed.add(name)
            stack.extend(self._producer[k] for k in blocks[name].in_keys)
        return [n for n in self.execution_order if n in needed]

    def forward(self, block_input: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """Run the needed blocks in topological order and return the ``out_keys`` tensors."""
        tensors = dict(block_input)
        for key in self.in_keys:
            if key not in tensors:
                raise KeyError(f"InferenceBlock: input key {key!r} missing; got keys {sorted(block_input)}, expected in_keys {self.in_keys}")
        for name in self._run_order:
            tensors.update(self.perception_blocks[name](tensors))
        return {k: tensors[k] for k in self.out_keys}

    def out_shapes(self) -> list[tuple[int, ...]]:
        """Output shapes from the blocks' shape inference (no forward pass of the whole graph)."""
        return [self._shapes[k] for k in self.out_keys]

    def shape_of(self, key: str) -> tuple[int, ...]:
        """The per-sample shape of any tensor in the graph (input or block output)."""
        return self._shapes[key]

    def producer_of(self, key: str) -> str | None:
        """Name of the block producing ``key`` (``None`` for graph inputs)."""
        return self._producer[key]

    def layer_summary(self) -> list[str]:
        """A nested graph: ``["3 blocks: DenseBlock, ..."]``."""
        names = ", ".join(type(b).__name__ for b in self.perception_blocks.values())
        return [f"{len(self.perception_blocks)} blocks: {names}" if len(names) <= 60 else f"{len(self.perception_blocks)} blocks"]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self.perception_blocks)} blocks)\nOut Shapes: {self.out_shapes()}"


class InferenceGraph:
    """The graph of an :class:`InferenceBlock`: blocks as nodes, tensors as edges. Pictures are drawn by graphviz's
    ``dot`` when it is installed, by matplotlib otherwise (see :mod:`maze.perception.graph_rendering`).

    :param inference_block: the inference block to draw.
    """

    def __init__(self, inference_block: InferenceBlock) -> None:
        if not isinstance(inference_block, InferenceBlock):
            raise TypeError(f"InferenceGraph needs an InferenceBlock, got {type(inference_block).__name__}")
        self.inference_block = inference_block

    def save(self, name: str, save_path: str, renderer: str = "auto") -> str:
        """Draw the graph and save it as ``<save_path>/<name>.pdf`` and ``<save_path>/<name>.png``.

        :param name: file stem and figure title.
        :param save_path: the output directory (created if missing).
        :param renderer: ``"auto"`` (graphviz when installed), ``"graphviz"`` or ``"matplotlib"``.
        :return: the absolute path of the PDF.
        """
        from maze.perception.graph_rendering import render_inference_block

        os.makedirs(save_path, exist_ok=True)
        stem = os.path.join(os.path.abspath(save_path), name)
        render_inference_block(self.inference_block, title=name, file_stems=[stem], renderer=renderer)
        return stem + ".pdf"

    def layout(self, name: str = "", renderer: str = "auto") -> Any:
        """The geometry of the picture :meth:`save` draws (a :class:`~maze.perception.graph_rendering.GraphLayout`)."""
        from maze.perception.graph_rendering import inference_graph_layout

        return inference_graph_layout(self.inference_block, renderer=renderer, title=name)

    def show(self, name: str, block_execution: bool = True) -> None:
        """Draw the graph (matplotlib layout) in an interactive matplotlib window."""
        import matplotlib.pyplot as plt

        from maze.perception.graph_rendering import draw_inference_block

        fig = plt.figure()
        draw_inference_block(self.inference_block, fig, title=name)
        plt.show(block=block_execution)
