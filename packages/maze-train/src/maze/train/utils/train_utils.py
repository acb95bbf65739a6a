"""Small helpers shared by trainers: dict stacking, tensor conversion, gradient norms and clipping."""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import torch


def stack_numpy_dict_list(dict_list: Sequence[Mapping[str, Any]], expand: bool = False) -> dict[str, np.ndarray]:
    """Stack a list of identical dicts of arrays: ``[{a: 1}, {a: 2}]`` → ``{a: array([1, 2])}``.

    :param dict_list: dicts with the same keys.
    :param expand: kept for API compatibility: stacking always adds the leading dimension.
    :return: the stacked dict.
    """
    if not dict_list:
        return {}
    first = dict_list[0]
    return {key: np.stack([d[key] for d in dict_list]) for key in first}


def unstack_numpy_list_dict(list_dict: Mapping[str, np.ndarray]) -> list[dict[str, Any]]:
    """Inverse of :func:`stack_numpy_dict_list`: ``{a: [1, 2]}`` → ``[{a: 1}, {a: 2}]``."""
    keys = list(list_dict)
    if not keys:
        return []
    n = len(list_dict[keys[0]])
    return [{key: list_dict[key][i] for key in keys} for i in range(n)]


def stack_torch_dict_list(dict_list: Sequence[Mapping[str, torch.Tensor]], expand: bool = False, dim: int = 0) -> dict[str, torch.Tensor]:
    """Stack (or, with ``expand=False`` and ``dim``, concatenate) a list of dicts of tensors.

    :param dict_list: dicts with the same keys.
    :param expand: stack along a new dimension ``dim`` (True) or concatenate along ``dim`` (False).
    :param dim: the dimension.
    """
    if not dict_list:
        return {}
    op = torch.stack if expand else torch.cat
    return {key: op([d[key] for d in dict_list], dim=dim) for key in dict_list[0]}


def to_tensor_dict(obs: Mapping[str, Any], device: str | torch.device = "cpu") -> dict[str, torch.Tensor]:
    """Convert a dict of numpy arrays (or scalars) to float/int tensors without copying where possible.

    Float arrays become ``float32`` tensors; integer and bool arrays keep an integer/bool dtype.
    """
    out: dict[str, torch.Tensor] = {}
    for key, value in obs.items():
        if isinstance(value, torch.Tensor):
            out[key] = value.to(device)
            continue
        arr = np.asarray(value)
        if arr.dtype == np.float64:
            arr = arr.astype(np.float32)
        elif arr.dtype == object:
            raise TypeError(f"observation '{key}' has dtype object and cannot be converted to a tensor")
        tensor = torch.from_numpy(np.ascontiguousarray(arr))
        out[key] = tensor.to(device) if str(device) != "cpu" else tensor
    return out


def compute_gradient_norm(params: Iterable[torch.Tensor]) -> float:
    """The total L2 norm of the gradients of ``params`` (parameters without gradient are skipped): the norm that
    :func:`clip_grad_norm` computes, without clipping."""
    return float(clip_grad_norm([p.grad.detach() for p in params if p.grad is not None], float("inf")))


def clip_grad_norm(grads: Sequence[torch.Tensor], max_norm: float) -> torch.Tensor:
    """Scale ``grads`` in place so that their total L2 norm is at most ``max_norm``; return the norm before.

    The result is bit-for-bit that of ``torch.nn.utils.clip_grad_norm_`` (the same norm, the same float32 clip
    coefficient ``max_norm / (norm + 1e-6)``), with less per-call work: on the CPU, when the coefficient is at least 1
    (torch multiplies by 1.0 then) or the norm is not finite (the trainers refuse to step then), nothing is multiplied.

    :param grads: the gradients (on one device; none: the norm is 0).
    :param max_norm: the bound; ``math.inf`` only computes the norm.
    """
    if not grads:
        return torch.zeros(())
    norms = torch._foreach_norm(list(grads))
    total = torch.linalg.vector_norm(torch.stack(norms))  # stacked even for one tensor, as torch does
    if max_norm != float("inf"):
        coef = max_norm / (total + 1e-6)
        if total.device.type != "cpu":  # no wait for the device: multiply by the clamped coefficient, as torch does
            torch._foreach_mul_(list(grads), torch.clamp(coef, max=1.0))
        elif bool(coef < 1.0):  # False for NaN too: a non-finite norm leaves the gradients as they are
            torch._foreach_mul_(list(grads), coef)
    return total


def compute_l2_norm(params: Iterable[torch.Tensor]) -> float:
    """The total L2 norm of ``params``."""
    total = 0.0
    for p in params:
        total += float(p.detach().pow(2).sum())
    return total ** 0.5
