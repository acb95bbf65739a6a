"""Helpers converting (structured) spaces and observations for perception models."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import torch
from gymnasium import spaces

StepKey = Any


def observation_spaces_to_in_shapes(observation_spaces: Mapping[StepKey, spaces.Dict]) -> dict[StepKey, dict[str, tuple[int, ...]]]:
    """``{step: Dict space}`` → ``{step: {obs key: shape}}``."""
    return {step: {k: tuple(int(d) for d in s.shape) for k, s in space.spaces.items()} for step, space in observation_spaces.items()}


def space_shapes(space: spaces.Dict) -> dict[str, tuple[int, ...]]:
    """``Dict`` space → ``{key: shape}``."""
    return {k: tuple(int(d) for d in s.shape) for k, s in space.spaces.items()}


def flat_structured_space(spaces_dict: Mapping[StepKey, spaces.Dict]) -> spaces.Dict:
    """Merge the ``Dict`` spaces of all sub-steps into one ``Dict`` (keys used by several sub-steps must agree).

    :raises ValueError: naming the key and both spaces on a conflict.
    """
    merged: dict[str, spaces.Space] = {}
    origin: dict[str, StepKey] = {}
    for step, space in spaces_dict.items():
        if not isinstance(space, spaces.Dict):
            raise TypeError(f"sub-step {step!r}: expected a gymnasium.spaces.Dict, got {type(space).__name__}")
        for key, sub in space.spaces.items():
            if key in merged and merged[key] != sub:
                raise ValueError(f"key {key!r} has different spaces in sub-steps {origin[key]!r} ({merged[key]}) and {step!r} ({sub})")
            merged.setdefault(key, sub)
            origin.setdefault(key, step)
    return spaces.Dict(merged)


def flat_structured_shapes(shapes: Mapping[StepKey, Mapping[str, tuple[int, ...]]]) -> dict[str, tuple[int, ...]]:
    """Flatten ``{step: {key: shape}}`` into ``{key: shape}`` (conflicting shapes are an error)."""
    out: dict[str, tuple[int, ...]] = {}
    for step, shape_dict in shapes.items():
        for key, shape in shape_dict.items():
            if key in out and tuple(out[key]) != tuple(shape):
                raise ValueError(f"key {key!r} has shapes {out[key]} and {tuple(shape)} (sub-step {step!r})")
            out[key] = tuple(shape)
    return out


def stack_and_flatten_spaces(spaces_dict: Mapping[StepKey, spaces.Dict]) -> spaces.Dict:
    """Merge sub-step spaces; keys present in several sub-steps are stacked along a new first dimension.

    A key present in ``n > 1`` sub-steps with shape ``s`` becomes a ``Box`` of shape ``(n, *s)``; keys
    present once keep their space. Used by shared critics with ``stack_observations=True``.
    """
    occurrences: dict[str, list[spaces.Space]] = {}
    for step, space in spaces_dict.items():
        for key, sub in space.spaces.items():
            if occurrences.get(key) and occurrences[key][0].shape != sub.shape:
                raise ValueError(f"key {key!r} cannot be stacked: shapes {occurrences[key][0].shape} and {sub.shape} (sub-step {step!r})")
            occurrences.setdefault(key, []).append(sub)
    merged: dict[str, spaces.Space] = {}
    for key, subs in occurrences.items():
        if len(subs) == 1:
            merged[key] = subs[0]
        else:
            low = np.stack([np.broadcast_to(getattr(s, "low", -np.inf), s.shape) for s in subs]).astype(np.float32)
            high = np.stack([np.broadcast_to(getattr(s, "high", np.inf), s.shape) for s in subs]).astype(np.float32)
            merged[key] = spaces.Box(low=low, high=high, dtype=np.float32)
    return spaces.Dict(merged)


def flat_structured_observations(structured_obs: Mapping[StepKey, Mapping[str, torch.Tensor]]) -> dict[str, torch.Tensor]:
    """``{step: {key: tensor}}`` → ``{key: tensor}`` (later sub-steps override earlier ones)."""
    out: dict[str, torch.Tensor] = {}
    for obs in structured_obs.values():
        out.update(obs)
    return out


def convert_to_torch(value: Any, device: str | torch.device | None = None, cast: torch.dtype | None = None) -> Any:
    """Convert a (nested dict/list of) numpy arrays or numbers to torch tensors."""
    if isinstance(value, Mapping):
        return {k: convert_to_torch(v, device, cast) for k, v in value.items()}
    if isinstance(value, (list, tuple)) and not (value and isinstance(value[0], (int, float, np.number))):
        return type(value)(convert_to_torch(v, device, cast) for v in value)
    tensor = value if isinstance(value, torch.Tensor) else torch.as_tensor(np.asarray(value))
    if cast is not None:
        tensor = tensor.to(cast)
    if device is not None:
        tensor = tensor.to(device)
    return tensor


def convert_to_numpy(value: Any) -> Any:
    """Convert a (nested dict/list of) torch tensors to numpy arrays."""
    if isinstance(value, Mapping):
        return {k: convert_to_numpy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(convert_to_numpy(v) for v in value)
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return value


def sample_observation_batch(space: spaces.Dict, batch_shape: tuple[int, ...] = (1,), seed: int | None = None) -> dict[str, torch.Tensor]:
    """Float tensors sampled from ``space`` with leading ``batch_shape`` (for shape checks and tests)."""
    space = spaces.Dict(dict(space.spaces))
    space.seed(seed)
    n = int(np.prod(batch_shape)) if batch_shape else 1
    samples = [space.sample() for _ in range(n)]
    out = {}
    for key in space.spaces:
        stacked = np.stack([np.asarray(s[key], dtype=np.float32) for s in samples])
        out[key] = torch.from_numpy(stacked.reshape((*batch_shape, *stacked.shape[1:])))
    return out
