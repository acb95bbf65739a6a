"""LSTM layers followed by a time-distributed dense layer."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from maze.perception.blocks.base import ShapeType, resolve_non_lin
from maze.perception.blocks.shape_normalization import ShapeNormalizationBlock


class LSTMBlock(ShapeNormalizationBlock):
    """Subsequent LSTM layers followed by a time-distributed dense layer with ``non_lin``.

    Expects ``(batch, time, feature)`` after shape normalisation: the time dimension is the
    second-to-last dimension of the input (e.g. observations stacked over the last ``k`` steps by an
    observation-stacking wrapper); all dimensions before it are batch dimensions. Output:
    ``(..., time, hidden_size)``.

    :param in_keys: one input key.
    :param out_keys: one output key.
    :param in_shapes: the input shape ``(time, features)``.
    :param hidden_size: features of the hidden state (and of the output).
    :param num_layers: number of stacked LSTM layers.
    :param bidirectional: use a bidirectional LSTM.
    :param non_lin: the non-linearity after the final dense layer.
    """

    def __init__(self, in_keys: str | Sequence[str], out_keys: str | Sequence[str], in_shapes: ShapeType | Sequence[ShapeType],
                 hidden_size: int, num_layers: int = 1, bidirectional: bool = False, non_lin: str | type[nn.Module] = nn.Tanh) -> None:
        super().__init__(in_keys=in_keys, out_keys=out_keys, in_shapes=in_shapes, in_num_dims=3, out_num_dims=3)
        if hidden_size <= 0 or num_layers <= 0:
            raise ValueError(f"{self.block_name}: hidden_size and num_layers must be positive, got {hidden_size}, {num_layers}")
        self.hidden_size, self.num_layers, self.bidirectional = int(hidden_size), int(num_layers), bool(bidirectional)
        self.lstm = nn.LSTM(self.in_shapes[0][-1], self.hidden_size, num_layers=self.num_layers, bidirectional=self.bidirectional,
                            batch_first=True)
        self.final_dense = nn.Linear(self.hidden_size * (2 if self.bidirectional else 1), self.hidden_size)
        self.non_lin = resolve_non_lin(non_lin)
        self.final_activation = self.non_lin()

    def normalized_forward(self, block_input: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        out, _ = self.lstm(block_input[self.in_keys[0]])
        return {self.out_keys[0]: self.final_activation(self.final_dense(out))}
