"""Blocks that normalise leading batch dimensions: one model serves a single observation, a batch and a
batch of sequences."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence

import torch

from maze.perception.blocks.base import PerceptionBlock, PerceptionShapeError, ShapeType


class ShapeNormalizationBlock(PerceptionBlock):
    """Perception block normalising the input and de-normalising the output tensor dimensions.

    :meth:`normalized_forward` sees every input with exactly ``in_num_dims`` dimensions: one batch
    dimension followed by the trailing ``in_num_dims - 1`` dimensions of the tensor. All leading
    dimensions before those (none for a single observation, ``(B,)``, ``(B, T)``...) are flattened
    into the batch dimension, or a batch dimension of 1 is added. If the per-sample shape has fewer
    dimensions than the block needs (e.g. an LSTM on ``(features,)`` samples), singleton dimensions are
    inserted before it (a sequence of length 1) and stay in the output. Outputs (``out_num_dims`` dims each)
    get the original leading dimensions back. Examples: a dense layer (batch, feature) has
    ``in_num_dims=2``; a 2d convolution (batch, channel, row, column) ``4``; an LSTM (batch, time, feature) ``3``.

    The trailing dimensions of each input are checked against ``in_shapes``; a mismatch raises
    :class:`PerceptionShapeError` naming the block, the input key, the shape received and the shape expected.

    :param in_keys: key(s) identifying the input tensors.
    :param out_keys: key(s) identifying the output tensors.
    :param in_shapes: per-sample input shapes.
    :param in_num_dims: dimensions required by :meth:`normalized_forward` per input (int or list).
    :param out_num_dims: dimensions produced by :meth:`normalized_forward` per output (int or list).
    """

    def __init__(
        self,
        in_keys: str | Sequence[str],
        out_keys: str | Sequence[str],
        in_shapes: ShapeType | Sequence[ShapeType],
        in_num_dims: int | Sequence[int],
        out_num_dims: int | Sequence[int],
    ) -> None:
        super().__init__(in_keys=in_keys, out_keys=out_keys, in_shapes=in_shapes)
        self.in_num_dims = self._per_key(in_num_dims, len(self.in_keys), "in_num_dims")
        self.out_num_dims = self._per_key(out_num_dims, len(self.out_keys), "out_num_dims")

    def _per_key(self, value: int | Sequence[int], n: int, name: str) -> list[int]:
        if isinstance(value, int):
            return [value] * n
        out = [int(v) for v in value]
        if len(out) == 1 and n > 1:
            out = out * n
        if len(out) != n:
            raise PerceptionShapeError(f"{self.block_name}: {name} has {len(out)} entries for {n} keys")
        return out

    def forward(self, block_input: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """Normalise the inputs, call :meth:`normalized_forward`, restore the leading dimensions."""
        leading: torch.Size | None = None
        normalized: dict[str, torch.Tensor] = {}
        for key, shape, nd in zip(self.in_keys, self.in_shapes, self.in_num_dims):
            tensor = self._get_input(block_input, key)
            n_sample = nd - 1
            n_shape = len(shape)
            if tensor.dim() < n_shape or (n_shape and tuple(tensor.shape[tensor.dim() - n_shape:]) != shape):
                raise PerceptionShapeError(
                    f"{self.block_name}: input {key!r} (in_keys {self.in_keys}) has shape {tuple(tensor.shape)}, "
                    f"expected (*batch_dims, {', '.join(map(str, shape))}) i.e. trailing shape {shape}"
                )
            if n_shape < n_sample:
                # the sample lacks dims the block needs (e.g. the time dim of an LSTM): insert singleton dims
                lead = tensor.shape[: tensor.dim() - n_shape]
                tensor = tensor.reshape((*lead, *([1] * (n_sample - n_shape)), *shape))
            else:
                lead = tensor.shape[: tensor.dim() - n_sample]
            if leading is None:
                leading = lead
            elif lead != leading:
                raise PerceptionShapeError(
                    f"{self.block_name}: inputs disagree on batch dimensions: {self.in_keys[0]!r} has {tuple(leading)}, "
                    f"{key!r} has {tuple(lead)} (shape {tuple(tensor.shape)})"
                )
            normalized[key] = tensor.reshape((-1, *tensor.shape[tensor.dim() - n_sample:])) if len(lead) != 1 else tensor
        output = self.normalized_forward(normalized)
        assert leading is not None
        if len(leading) == 1:
            return output
        result = {}
        for key, nd in zip(self.out_keys, self.out_num_dims):
            out = output[key]
            if out.dim() != nd:
                raise PerceptionShapeError(f"{self.block_name}: normalized_forward returned {key!r} with {out.dim()} dims, declared out_num_dims {nd}")
            result[key] = out.reshape((*leading, *out.shape[1:]))
        for key, value in output.items():
            result.setdefault(key, value)
        return result

    @abstractmethod
    def normalized_forward(self, block_input: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """Forward pass on inputs with exactly ``in_num_dims`` dimensions (batch first)."""
