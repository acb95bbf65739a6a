"""LSTM keeping only the output of the last time step."""

from __future__ import annotations

from collections.abc import Sequence

from torch import nn

from maze.perception.blocks.base import ShapeType
from maze.perception.blocks.general.slice import SliceBlock
from maze.perception.blocks.joint_blocks._chain import ChainedBlock
from maze.perception.blocks.recurrent.lstm import LSTMBlock


class LSTMLastStepBlock(ChainedBlock):
    """An :class:`LSTMBlock` followed by a :class:`SliceBlock` keeping the final time step:
    ``(..., time, features)`` → ``(..., hidden_size)``.

    :param in_keys: one input key.
    :param out_keys: one output key.
    :param in_shapes: the input shape ``(time, features)``.
    :param hidden_size: features of the hidden state.
    :param num_layers: stacked LSTM layers.
    :param bidirectional: bidirectional LSTM.
    :param non_lin: non-linearity after the final dense layer of the LSTM block.
    """

    def __init__(self, in_keys: str | Sequence[str], out_keys: str | Sequence[str], in_shapes: ShapeType | Sequence[ShapeType],
                 hidden_size: int, num_layers: int = 1, bidirectional: bool = False, non_lin: str | type[nn.Module] = nn.Tanh) -> None:
        super().__init__(in_keys=in_keys, out_keys=out_keys, in_shapes=in_shapes)
        lstm = LSTMBlock(self.in_keys, self._stage_key("lstm"), self.in_shapes, hidden_size=hidden_size, num_layers=num_layers,
                         bidirectional=bidirectional, non_lin=non_lin)
        last = SliceBlock(lstm.out_keys, self.out_keys, lstm.out_shapes(), slice_dim=-2, slice_idx=-1)
        self.chain.extend([lstm, last])
