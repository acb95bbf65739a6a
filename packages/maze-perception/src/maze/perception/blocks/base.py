"""The perception block interface: tensor dict in, tensor dict out, with shape inference."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import Any

import torch
from torch import nn

from maze.core.utils.factory import ConfigError, resolve_type

ShapeType = Sequence[int]


class PerceptionShapeError(ValueError):
    """A tensor shape does not match what a perception block expects (names block, keys and shapes)."""


def as_key_list(keys: str | Sequence[str], what: str = "keys") -> list[str]:
    """``"a"`` → ``["a"]``; sequences → list of str."""
    if isinstance(keys, str):
        return [keys]
    out = [k for k in keys]
    if not all(isinstance(k, str) for k in out):
        raise TypeError(f"{what} must be strings, got {out!r}")
    return out


def as_shape_list(shapes: ShapeType | Sequence[ShapeType], n_keys: int, what: str = "in_shapes") -> list[tuple[int, ...]]:
    """A single shape (sequence of ints) or a list of shapes → list of int tuples (one per key)."""
    items = list(shapes)
    if all(isinstance(s, (int,)) or (hasattr(s, "__index__") and not hasattr(s, "__len__")) for s in items):
        if n_keys != 1:
            raise PerceptionShapeError(f"{what}: got the single shape {tuple(items)} for {n_keys} keys; give one shape per key")
        return [tuple(int(s) for s in items)]
    out = [tuple(int(d) for d in s) for s in items]
    if len(out) != n_keys:
        raise PerceptionShapeError(f"{what}: got {len(out)} shapes {out} for {n_keys} keys")
    return out


def resolve_non_lin(non_lin: str | type[nn.Module] | nn.Module) -> type[nn.Module]:
    """A non-linearity given as class, import path (``torch.nn.ReLU``) or torch.nn name (``ReLU``) → the class.

    Names and paths are resolved by :func:`~maze.core.utils.factory.resolve_type` (the torch.nn activations are
    registered as components of kind ``activation``); a bare name that is not registered is read as ``torch.nn.<name>``.

    :raises ConfigError: naming the value and the expected base class ``torch.nn.Module``.
    """
    if isinstance(non_lin, nn.Module):
        return type(non_lin)
    if isinstance(non_lin, str) and "." not in non_lin and ":" not in non_lin:
        try:
            return resolve_type(non_lin, nn.Module, key="non_lin", kind="activation")
        except ConfigError:
            non_lin = f"torch.nn.{non_lin}"
    if not isinstance(non_lin, (str, type)):
        raise ConfigError(f"non_lin = {non_lin!r}: expected a torch.nn.Module class or its import path (e.g. 'torch.nn.ReLU')")
    return resolve_type(non_lin, nn.Module, key="non_lin", kind="activation")


class PerceptionBlock(nn.Module):
    """Interface of all perception blocks: maps M input tensors to N output tensors, both held in
    dictionaries with unique keys.

    Shapes given to and reported by blocks are *per-sample* shapes, without batch (or batch and time)
    dimensions; :meth:`out_shapes` infers the output shapes with a forward pass of a dummy batch.

    Dimension arguments of blocks (``concat_dim``, ``slice_dim``...) index the full tensor; use
    negative indices so a block works for any number of leading batch dimensions.

    :param in_keys: key(s) identifying the input tensors.
    :param out_keys: key(s) identifying the output tensors.
    :param in_shapes: one shape per input key (a single shape is accepted for a single key).
    """

    def __init__(self, in_keys: str | Sequence[str], out_keys: str | Sequence[str], in_shapes: ShapeType | Sequence[ShapeType]) -> None:
        super().__init__()
        self.in_keys = as_key_list(in_keys, "in_keys")
        self.out_keys = as_key_list(out_keys, "out_keys")
        self.in_shapes = as_shape_list(in_shapes, len(self.in_keys))
        self._out_shapes_cache: list[tuple[int, ...]] | None = None

    @abstractmethod
    def forward(self, block_input: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """Forward pass: reads ``self.in_keys`` from ``block_input`` and returns ``self.out_keys``."""

    @property
    def block_name(self) -> str:
        """A readable identifier used in error messages: ``DenseBlock(out_keys=['latent'])``."""
        return f"{type(self).__name__}(out_keys={self.out_keys})"

    def _get_input(self, block_input: dict[str, torch.Tensor], key: str) -> torch.Tensor:
        try:
            return block_input[key]
        except KeyError:
            raise KeyError(f"{self.block_name}: input key {key!r} missing; got keys {sorted(block_input)}, expected in_keys {self.in_keys}") from None

    def dummy_input(self, batch_size: int = 1) -> dict[str, torch.Tensor]:
        """Zero tensors of shape ``(batch_size, *in_shape)`` for every input key."""
        return {k: torch.zeros((batch_size, *s)) for k, s in zip(self.in_keys, self.in_shapes)}

    def out_shapes(self) -> list[tuple[int, ...]]:
        """Output shapes (per sample, one per out key), inferred with a forward pass of a dummy batch.

        :raises PerceptionShapeError: naming the block, its input keys and shapes when inference fails.
        """
        if self._out_shapes_cache is None:
            was_training = self.training
            try:
                self.eval()
                with torch.no_grad():
                    out = self.forward(self.dummy_input(1))
            except PerceptionShapeError:
                raise
            except Exception as exc:
                raise PerceptionShapeError(
                    f"{self.block_name}: shape inference failed for in_keys {self.in_keys} with in_shapes {self.in_shapes}: "
                    f"{type(exc).__name__}: {exc}"
                ) from exc
            finally:
                self.train(was_training)
            missing = [k for k in self.out_keys if k not in out]
            if missing:
                raise PerceptionShapeError(f"{self.block_name}: forward did not return out_keys {missing}")
            self._out_shapes_cache = [tuple(out[k].shape[1:]) for k in self.out_keys]
        return list(self._out_shapes_cache)

    def get_num_of_parameters(self) -> int:
        """Total number of parameters of the block."""
        return sum(p.numel() for p in self.parameters())

    def layer_summary(self) -> list[str]:
        """Short lines naming the block's inner layers, shown in its box of the inference-graph picture
        (e.g. ``["Dense 2×256 Tanh"]``).

        The default lists the torch modules the block holds (see :func:`summarize_modules`); blocks override it
        with a description in their own terms. Blocks without modules (reshaping, slicing) give ``[]``.
        """
        return summarize_modules(self)

    def __repr__(self) -> str:
        return f"{type(self).__name__}\nOut Shapes: {self.out_shapes()}"


def format_sizes(sizes: Sequence[int]) -> str:
    """Layer sizes for graph pictures: ``[256, 256]`` → ``2×256``, ``[16, 32]`` → ``16-32``, ``[64]`` → ``64``."""
    sizes = list(sizes)
    if len(sizes) > 1 and len(set(sizes)) == 1:
        return f"{len(sizes)}×{sizes[0]}"
    return "-".join(str(s) for s in sizes)


def check_int_list(value: Any, name: str, block: str) -> list[int]:
    """Validate a list of positive ints (hidden units/channels) with a clear error."""
    if isinstance(value, int):
        value = [value]
    try:
        out = [int(v) for v in value]
    except (TypeError, ValueError):
        raise ValueError(f"{block}: {name} must be a list of positive ints, got {value!r}") from None
    if not out or any(v <= 0 for v in out):
        raise ValueError(f"{block}: {name} must be a non-empty list of positive ints, got {value!r}")
    return out


#: modules described as one layer although they hold sub-modules (their parts are no layers of their own)
_ATOMIC_MODULES: tuple[type[nn.Module], ...] = (nn.RNNBase, nn.MultiheadAttention, nn.TransformerEncoderLayer, nn.TransformerDecoderLayer)


def describe_module(module: nn.Module) -> str:
    """One short description of a torch layer: ``Linear 103→256``, ``Conv2d 3→8 k3``, ``LSTM 32→64 ×2``, ``Tanh``."""
    name = type(module).__name__
    if isinstance(module, nn.Linear):
        return f"{name} {module.in_features}→{module.out_features}"
    if isinstance(module, nn.modules.conv._ConvNd):
        kernel = module.kernel_size
        text = f"{name} {module.in_channels}→{module.out_channels} k{kernel[0] if len(set(kernel)) == 1 else 'x'.join(map(str, kernel))}"
        stride = module.stride
        if any(s != 1 for s in stride):
            text += f" s{stride[0] if len(set(stride)) == 1 else 'x'.join(map(str, stride))}"
        return text
    if isinstance(module, nn.RNNBase):
        text = f"{name} {module.input_size}→{module.hidden_size}"
        if module.num_layers > 1:
            text += f" ×{module.num_layers}"
        return text + (" bidirectional" if module.bidirectional else "")
    if isinstance(module, nn.MultiheadAttention):
        return f"{name} {module.embed_dim}, {module.num_heads} heads"
    if isinstance(module, nn.Embedding):
        return f"{name} {module.num_embeddings}×{module.embedding_dim}"
    if isinstance(module, (nn.modules.batchnorm._NormBase, nn.GroupNorm)):
        return f"{name} {getattr(module, 'num_features', getattr(module, 'num_channels', ''))}".rstrip()
    if isinstance(module, nn.LayerNorm):
        return f"{name} {'x'.join(map(str, module.normalized_shape))}"
    return name


def summarize_modules(module: nn.Module, named: bool = False, max_lines: int = 6) -> list[str]:
    """The layers inside ``module`` as short lines, in registration order (the order of a ``Sequential``).

    A layer followed by an activation gives one line (``Linear 4→16 ReLU``) and identical consecutive lines are
    counted (``Conv2d 8→8 k3 ReLU ×2``). At most ``max_lines`` lines; the last one then says how many are left out.

    :param module: the torch module.
    :param named: prefix each line with the layer's attribute path (``l0: Linear 4→16``), e.g. for wrapped models.
    :param max_lines: the most lines returned.
    """
    leaves: list[tuple[str, nn.Module]] = []
    skip: tuple[str, ...] = ()
    for path, sub in module.named_modules():
        if path == "" or (skip and path.startswith(skip)):
            continue
        if isinstance(sub, _ATOMIC_MODULES):
            leaves.append((path, sub))
            skip = (*skip, path + ".")
        elif not any(True for _ in sub.children()):
            leaves.append((path, sub))
    lines: list[str] = []
    i = 0
    while i < len(leaves):
        path, sub = leaves[i]
        text = describe_module(sub)
        nxt = leaves[i + 1][1] if i + 1 < len(leaves) else None
        if nxt is not None and _is_activation(nxt) and not _is_activation(sub):
            text += f" {type(nxt).__name__}"
            i += 1
        lines.append(f"{path}: {text}" if named else text)
        i += 1
    if not named:
        merged: list[list[Any]] = []
        for line in lines:
            if merged and merged[-1][0] == line:
                merged[-1][1] += 1
            else:
                merged.append([line, 1])
        lines = [text if n == 1 else f"{text} ×{n}" for text, n in merged]
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], f"… {len(lines) - max_lines + 1} more"]
    return lines


def _is_activation(module: nn.Module) -> bool:
    return type(module).__module__ == nn.modules.activation.__name__ and not isinstance(module, nn.MultiheadAttention)
