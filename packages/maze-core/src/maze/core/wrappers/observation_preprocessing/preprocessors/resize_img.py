"""Image resizing (bilinear, numpy only)."""

from __future__ import annotations

from collections.abc import Sequence

import gymnasium as gym
import numpy as np

from maze.core.wrappers.observation_preprocessing.preprocessors.base import PreProcessor, box_bounds


def _axis_weights(src: int, dst: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Source indices and weights of bilinear interpolation along one axis (half-pixel centers,
    as OpenCV's ``INTER_LINEAR`` and ``torch.nn.functional.interpolate(align_corners=False)``)."""
    pos = (np.arange(dst, dtype=np.float64) + 0.5) * (src / dst) - 0.5
    pos = np.clip(pos, 0.0, src - 1)
    i0 = np.floor(pos).astype(np.int64)
    i1 = np.minimum(i0 + 1, src - 1)
    w = (pos - i0).astype(np.float32)
    return i0, i1, w


class ResizeImgPreProcessor(PreProcessor):
    """Resizes images with bilinear interpolation.

    Images are ``(H, W)`` or ``(H, W, C)``; with ``transpose=True`` channel-first ``(C, H, W)`` images
    are accepted (and returned channel-first). Integer images are rounded and stay in their dtype;
    float images stay float.

    :param observation_space: the space of the image observation.
    :param target_size: ``(height, width)`` of the result.
    :param transpose: the channel axis is the first axis (``(C, H, W)``) instead of the last.
    """

    def __init__(self, observation_space: gym.spaces.Space, target_size: Sequence[int], transpose: bool = False) -> None:
        super().__init__(observation_space)
        low, high, dtype = box_bounds(observation_space, "ResizeImgPreProcessor")
        shape = tuple(observation_space.shape)
        if len(target_size) != 2 or min(int(s) for s in target_size) < 1:
            raise ValueError(f"ResizeImgPreProcessor: target_size must be [height, width] with positive sizes, got {target_size}")
        if len(shape) not in (2, 3):
            raise ValueError(f"ResizeImgPreProcessor: expected an image of shape (H, W) or (H, W, C)/(C, H, W), got {shape}")
        self.target_size = (int(target_size[0]), int(target_size[1]))
        self.transpose = bool(transpose) and len(shape) == 3
        h_axis = 1 if self.transpose else 0
        src_h, src_w = shape[h_axis], shape[h_axis + 1]
        self._rows0, self._rows1, wy = _axis_weights(src_h, self.target_size[0])
        self._cols0, self._cols1, wx = _axis_weights(src_w, self.target_size[1])
        # weights shaped for broadcasting against (h, w[, C]) / (C, h, w)
        if self.transpose:
            self._wy, self._wx = wy[None, :, None], wx[None, None, :]
        elif len(shape) == 3:
            self._wy, self._wx = wy[:, None, None], wx[None, :, None]
        else:
            self._wy, self._wx = wy[:, None], wx[None, :]
        self._dtype = np.dtype(dtype)
        self._integer = np.issubdtype(self._dtype, np.integer)
        if self.transpose:
            out_shape = (shape[0], *self.target_size)
        else:
            out_shape = (*self.target_size, *shape[2:])
        self._space = gym.spaces.Box(low=np.min(low), high=np.max(high), shape=out_shape, dtype=self._dtype)

    def process(self, observation: np.ndarray) -> np.ndarray:
        img = np.asarray(observation, dtype=np.float32)
        if self.transpose:
            top, bottom = img[:, self._rows0], img[:, self._rows1]
            tl, tr = top[:, :, self._cols0], top[:, :, self._cols1]
            bl, br = bottom[:, :, self._cols0], bottom[:, :, self._cols1]
        else:
            top, bottom = img[self._rows0], img[self._rows1]
            tl, tr = top[:, self._cols0], top[:, self._cols1]
            bl, br = bottom[:, self._cols0], bottom[:, self._cols1]
        upper = tl + (tr - tl) * self._wx
        lower = bl + (br - bl) * self._wx
        out = upper + (lower - upper) * self._wy
        if self._integer:
            info = np.iinfo(self._dtype)
            return np.clip(np.rint(out), info.min, info.max).astype(self._dtype)
        return out.astype(self._dtype, copy=False)

    def processed_shape(self) -> tuple[int, ...]:
        return self._space.shape

    def processed_space(self) -> gym.spaces.Box:
        return self._space
