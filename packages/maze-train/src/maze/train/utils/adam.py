"""A lean Adam optimizer: torch's fused Adam kernel without ``torch.optim``'s compiler hooks.

``torch.optim.Optimizer`` wraps ``add_param_group``, ``zero_grad`` and ``step`` in ``torch._disable_dynamo``, so
constructing any torch optimizer imports ``torch._dynamo`` (TorchDynamo and its dependencies, sympy among them): about
70 MiB of resident memory and 1-3 s of start-up in every training process, a large share of what a small training
costs. :class:`FusedAdam` calls the same kernel as ``torch.optim.Adam(fused=True)`` (``torch._fused_adam_``) on the
same state, so its updates are bit-for-bit those of torch's fused Adam, without that import.

Its ``state_dict`` has ``torch.optim.Adam``'s format (the same keys, step counters as tensors), so checkpoints load
into either optimizer in both directions. :func:`make_adam` picks it where the kernel runs the parameters (probed once per
device type and process) and falls back to ``torch.optim.Adam`` otherwise.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from typing import Any, Iterable, Protocol

import torch


class Optimizer(Protocol):
    """What the trainers need of an optimizer (``torch.optim.Optimizer`` and :class:`FusedAdam` both are one)."""

    param_groups: list[dict[str, Any]]

    def zero_grad(self, set_to_none: bool = True) -> None: ...

    def step(self) -> Any: ...

    def state_dict(self) -> dict[str, Any]: ...

    def load_state_dict(self, state_dict: dict[str, Any]) -> None: ...


#: hyper-parameters of a ``torch.optim.Adam`` param group that this optimizer does not implement, with the only
#: value it accepts (a checkpoint of a torch Adam with e.g. ``amsgrad=True`` is refused instead of silently changed)
_FIXED_OPTIONS = {"amsgrad": False, "maximize": False, "capturable": False, "differentiable": False,
                  "decoupled_weight_decay": False}
#: the remaining keys of a ``torch.optim.Adam`` param group, written so that torch loads the state dict unchanged
_TORCH_ONLY_OPTIONS = {"foreach": None, "fused": True}


@functools.cache
def _kernel_runs_on(device_type: str) -> bool:
    """Whether this torch's fused Adam kernel runs on ``device_type`` (one tiny update, tried once per process:
    e.g. torch < 2.4 has the kernel for CUDA only)."""
    if not hasattr(torch, "_fused_adam_"):
        return False
    try:
        param, grad = torch.zeros(1, device=device_type), torch.ones(1, device=device_type)
        step = torch.ones((), device=device_type)
        torch._fused_adam_([param], [grad], [torch.zeros_like(param)], [torch.zeros_like(param)], [], [step],
                           amsgrad=False, lr=1e-3, beta1=0.9, beta2=0.999, weight_decay=0.0, eps=1e-8,
                           maximize=False, grad_scale=None, found_inf=None)
    except (RuntimeError, NotImplementedError, TypeError):
        return False
    return bool(param.item() < 0.0)  # the update moved the parameter against the gradient


def fused_adam_supported(params: Iterable[torch.Tensor]) -> bool:
    """Whether :class:`FusedAdam` can optimize ``params``: every parameter is a floating-point tensor on the CPU or
    a CUDA device, and torch's fused kernel runs there."""
    params = list(params)
    if not all(p.is_floating_point() and p.device.type in ("cpu", "cuda") for p in params):
        return False
    return all(_kernel_runs_on(t) for t in {p.device.type for p in params})


class FusedAdam:
    """Adam (Kingma & Ba 2015) with L2 weight decay, computed by torch's fused kernel.

    The update, the state (``step``, ``exp_avg``, ``exp_avg_sq`` per parameter) and the state-dict format are those
    of ``torch.optim.Adam(params, fused=True)``. Parameter groups are supported as in torch (dicts with ``params``
    and per-group options); the learning rate of a group may be changed between steps (``group["lr"] = ...``).

    :param params: parameters, or a list of param-group dicts.
    :param lr: learning rate.
    :param betas: the coefficients of the running averages of the gradient and its square.
    :param eps: added to the denominator.
    :param weight_decay: L2 penalty (added to the gradient, as in ``torch.optim.Adam``).
    :raises ValueError: for an out-of-range option, an empty parameter list or a parameter that is not a
        floating-point tensor on the CPU or a CUDA device.
    """

    def __init__(self, params: Iterable[torch.Tensor] | Iterable[dict[str, Any]], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0.0) -> None:
        for name, value, ok in (("lr", lr, lr >= 0.0), ("eps", eps, eps >= 0.0),
                                ("betas[0]", betas[0], 0.0 <= betas[0] < 1.0),
                                ("betas[1]", betas[1], 0.0 <= betas[1] < 1.0),
                                ("weight_decay", weight_decay, weight_decay >= 0.0)):
            if not (ok and math.isfinite(value)):
                raise ValueError(f"FusedAdam: invalid {name} {value!r}")
        self.defaults = {"lr": float(lr), "betas": (float(betas[0]), float(betas[1])), "eps": float(eps),
                         "weight_decay": float(weight_decay)}
        items = list(params)
        if not items:
            raise ValueError("FusedAdam: got an empty parameter list")
        groups = items if isinstance(items[0], dict) else [{"params": items}]
        self.param_groups: list[dict[str, Any]] = []
        self.state: dict[torch.Tensor, dict[str, torch.Tensor]] = defaultdict(dict)
        # per param group on one device: every parameter's step counter, one tensor; the states' ``step`` entries
        # are views of it, so a step in which all parameters have gradients increments them in one operation
        # (``None``: a group on several devices, counters of their own)
        self._step_buffers: dict[int, torch.Tensor | None] = {}
        for group in groups:
            self.add_param_group(dict(group))

    def add_param_group(self, group: dict[str, Any]) -> None:
        """Add a group of parameters (a dict with ``params`` and, optionally, its own options)."""
        params = group["params"]
        params = [params] if isinstance(params, torch.Tensor) else list(params)
        if not fused_adam_supported(params):
            bad = next((p for p in params if not (p.is_floating_point() and p.device.type in ("cpu", "cuda"))), None)
            what = (f"a {bad.dtype} parameter on {bad.device}" if bad is not None else
                    f"a torch ({torch.__version__}) whose fused Adam kernel does not run there")
            raise ValueError(f"FusedAdam: expected floating-point parameters on the CPU or a CUDA device, got {what} "
                             f"(use torch.optim.Adam there; maze's make_adam chooses it automatically)")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError("FusedAdam: a parameter appears in more than one parameter group")
        unknown = set(group) - {"params", *self.defaults}
        if unknown:
            raise ValueError(f"FusedAdam: unknown param-group options {sorted(unknown)}; expected "
                             f"{sorted(self.defaults)}")
        self.param_groups.append({**self.defaults, **group, "params": params})

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all parameters (to ``None``, or to zeros with ``set_to_none=False``)."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    p.grad.detach_()
                    p.grad.zero_()

    @torch.no_grad()
    def step(self) -> None:
        """One Adam update of every parameter that has a gradient (the others and their state stay unchanged)."""
        for index, group in enumerate(self.param_groups):
            buffer = self._step_buffer(index, group)
            by_device: dict[tuple[torch.device, torch.dtype], list[list[torch.Tensor]]] = {}
            n_stepped = 0
            for i, p in enumerate(group["params"]):
                if p.grad is None:
                    continue
                if p.grad.is_sparse:
                    raise RuntimeError("FusedAdam does not support sparse gradients")
                state = self.state[p]
                if not state:
                    state["step"] = buffer[i] if buffer is not None else torch.zeros((), dtype=torch.float32,
                                                                                     device=p.device)
                    state["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                    state["exp_avg_sq"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                lists = by_device.setdefault((p.device, p.dtype), [[], [], [], [], []])
                for target, value in zip(lists, (p, p.grad, state["exp_avg"], state["exp_avg_sq"], state["step"])):
                    target.append(value)
                n_stepped += 1
            if buffer is not None and n_stepped == len(group["params"]):
                buffer.add_(1)  # the counters of all parameters at once
            else:
                for lists in by_device.values():
                    torch._foreach_add_(lists[4], 1)
            beta1, beta2 = group["betas"]
            for params, grads, exp_avgs, exp_avg_sqs, steps in by_device.values():
                torch._fused_adam_(params, grads, exp_avgs, exp_avg_sqs, [], steps, amsgrad=False, lr=group["lr"],
                                   beta1=beta1, beta2=beta2, weight_decay=group["weight_decay"], eps=group["eps"],
                                   maximize=False, grad_scale=None, found_inf=None)

    def _step_buffer(self, index: int, group: dict[str, Any]) -> torch.Tensor | None:
        """The step counters of param group ``index`` in one tensor (made on first use, taking over the counters
        of the states there are), or ``None`` when the group's parameters are on several devices."""
        if index in self._step_buffers:
            return self._step_buffers[index]
        devices = {p.device for p in group["params"]}
        buffer = None
        if len(devices) == 1:
            buffer = torch.zeros(len(group["params"]), dtype=torch.float32, device=devices.pop())
            for i, p in enumerate(group["params"]):
                state = self.state.get(p)
                if state:
                    buffer[i] = state["step"]
                    state["step"] = buffer[i]
        self._step_buffers[index] = buffer
        return buffer

    # ------------------------------------------------------------------ checkpoints (torch.optim.Adam's format)
    def state_dict(self) -> dict[str, Any]:
        """The state in ``torch.optim.Adam``'s format: ``state`` by parameter index, ``param_groups`` with indices."""
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            ids = []
            for p in group["params"]:
                index.setdefault(id(p), len(index))
                ids.append(index[id(p)])
            groups.append({**{k: v for k, v in group.items() if k != "params"}, **_FIXED_OPTIONS,
                           **_TORCH_ONLY_OPTIONS, "params": ids})
        # counters as tensors of their own (not views of the step buffer), as torch.optim.Adam has them
        state = {index[id(p)]: {**s, "step": s["step"].clone()} for p, s in self.state.items() if s}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a state dict of this optimizer or of ``torch.optim.Adam`` for the same parameters.

        :raises ValueError: when the groups or their sizes differ, an option this optimizer lacks is set (e.g.
            ``amsgrad``), or a parameter's state is incomplete or has the wrong shape.
        """
        groups = state_dict.get("param_groups")
        if not isinstance(groups, list) or len(groups) != len(self.param_groups):
            raise ValueError(f"FusedAdam.load_state_dict: expected {len(self.param_groups)} param group(s), got "
                             f"{len(groups) if isinstance(groups, list) else type(groups).__name__}")
        params_by_index: dict[int, torch.Tensor] = {}
        for i, (saved, own) in enumerate(zip(groups, self.param_groups)):
            if len(saved["params"]) != len(own["params"]):
                raise ValueError(f"FusedAdam.load_state_dict: param group {i} has {len(saved['params'])} parameters "
                                 f"in the state dict, {len(own['params'])} here")
            for key, expected in _FIXED_OPTIONS.items():
                if saved.get(key, expected) != expected:
                    raise ValueError(f"FusedAdam.load_state_dict: param group {i} has {key}={saved[key]!r}, which "
                                     f"FusedAdam does not implement (expected {expected!r})")
            params_by_index.update(zip(saved["params"], own["params"]))
        new_state: dict[torch.Tensor, dict[str, torch.Tensor]] = defaultdict(dict)
        for idx, saved_state in state_dict.get("state", {}).items():
            p = params_by_index.get(int(idx))
            if p is None:
                raise ValueError(f"FusedAdam.load_state_dict: state for unknown parameter index {idx}")
            missing = {"step", "exp_avg", "exp_avg_sq"} - set(saved_state)
            if missing:
                raise ValueError(f"FusedAdam.load_state_dict: parameter {idx} lacks {sorted(missing)}")
            for key in ("exp_avg", "exp_avg_sq"):
                if tuple(saved_state[key].shape) != tuple(p.shape):
                    raise ValueError(f"FusedAdam.load_state_dict: parameter {idx}'s {key} has shape "
                                     f"{tuple(saved_state[key].shape)}, the parameter {tuple(p.shape)}")
            step = saved_state["step"]
            new_state[p] = {
                "step": torch.as_tensor(float(step), dtype=torch.float32).to(p.device),
                "exp_avg": saved_state["exp_avg"].to(device=p.device, dtype=p.dtype).clone(),
                "exp_avg_sq": saved_state["exp_avg_sq"].to(device=p.device, dtype=p.dtype).clone(),
            }
        for saved, own in zip(groups, self.param_groups):
            for key in self.defaults:
                if key in saved:
                    own[key] = tuple(saved[key]) if key == "betas" else saved[key]
        self.state = new_state
        self._step_buffers = {}  # made again from the loaded counters at the next step

    def __repr__(self) -> str:
        options = ", ".join(f"{k}={v}" for k, v in self.defaults.items())
        return f"FusedAdam({sum(len(g['params']) for g in self.param_groups)} parameters, {options})"


def make_adam(params: list[torch.Tensor], lr: float, eps: float = 1e-5) -> Optimizer:
    """Adam for the trainers: :class:`FusedAdam` where torch's fused kernel runs these parameters, otherwise
    ``torch.optim.Adam`` (``foreach``) — the same update either way."""
    params = list(params)
    if fused_adam_supported(params):
        return FusedAdam(params, lr=lr, eps=eps)
    return torch.optim.Adam(params, lr=lr, eps=eps, foreach=True)
