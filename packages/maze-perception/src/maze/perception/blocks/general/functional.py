"""Apply an arbitrary callable."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence

import torch

from maze.core.utils.factory import resolve_callable
from maze.perception.blocks.base import PerceptionBlock, ShapeType


class FunctionalBlock(PerceptionBlock):
    """Applies ``func`` to the input tensor(s).

    With one input ``func(tensor)`` is called; with several, the function's argument names must match
    the in_keys and it is called with keyword arguments. It returns a tensor (one out key) or a
    sequence of tensors (one per out key).

    :param in_keys: input key(s).
    :param out_keys: output key(s).
    :param in_shapes: input shape(s).
    :param func: the callable, or its import path (e.g. ``torch.tanh``); configs read from run dirs may only name
        functions that a plugin registered (kind ``function``).
    """

    def __init__(self, in_keys: str | Sequence[str], out_keys: str | Sequence[str], in_shapes: ShapeType | Sequence[ShapeType],
                 func: Callable[..., torch.Tensor | Sequence[torch.Tensor]] | str) -> None:
        super().__init__(in_keys=in_keys, out_keys=out_keys, in_shapes=in_shapes)
        func = resolve_callable(func, key=f"{self.block_name}.func", kind="function")
        self.func = func
        if len(self.in_keys) > 1:
            try:
                params = set(inspect.signature(func).parameters)
            except (TypeError, ValueError):
                params = set(self.in_keys)
            missing = [k for k in self.in_keys if k not in params]
            if missing:
                raise ValueError(f"{self.block_name}: func arguments {sorted(params)} do not include in_keys {missing}")

    def forward(self, block_input: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        if len(self.in_keys) == 1:
            out = self.func(self._get_input(block_input, self.in_keys[0]))
        else:
            out = self.func(**{k: self._get_input(block_input, k) for k in self.in_keys})
        if isinstance(out, torch.Tensor):
            out = [out]
        out = list(out)
        if len(out) != len(self.out_keys):
            raise ValueError(f"{self.block_name}: func returned {len(out)} tensors for out_keys {self.out_keys}")
        return dict(zip(self.out_keys, out))

    def layer_summary(self) -> list[str]:
        """The function's name: ``["_unsqueeze_last"]``."""
        return [getattr(self.func, "__name__", type(self.func).__name__)]

    def __repr__(self) -> str:
        return f"{type(self).__name__}\n{getattr(self.func, '__name__', repr(self.func))}\nOut Shapes: {self.out_shapes()}"
