"""Helpers shared by the model composers: network instantiation from configs, output shape discovery."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import torch
from gymnasium import spaces
from torch import nn

from maze.core.utils.factory import ConfigError, Factory, to_plain
from maze.perception.blocks.base import PerceptionBlock
from maze.perception.blocks.inference import InferenceBlock
from maze.perception.perception_utils import sample_observation_batch


def normalize_spaces_dict(spaces_dict: Any, what: str) -> dict[Any, spaces.Dict]:
    """Accept ``{step: Dict}`` (or a single ``Dict`` → ``{0: Dict}``) and validate it."""
    if isinstance(spaces_dict, spaces.Dict):
        return {0: spaces_dict}
    if not isinstance(spaces_dict, Mapping) or not spaces_dict:
        raise ConfigError(f"{what} must be a non-empty mapping of sub-step key → gymnasium.spaces.Dict, got {spaces_dict!r}")
    out = {}
    for key, space in spaces_dict.items():
        if not isinstance(space, spaces.Dict):
            raise ConfigError(f"{what}[{key!r}] must be a gymnasium.spaces.Dict, got {type(space).__name__}")
        out[key] = space
    return out


def _lookup(mapping: Mapping[Any, Any], key: Any) -> Any:
    if key in mapping:
        return mapping[key]
    for k, v in mapping.items():
        if str(k) == str(key):
            return v
    raise KeyError(key)


def build_networks(networks: Any, keys: Sequence[Any], make_kwargs: Callable[[Any], dict[str, Any]], what: str) -> dict[Any, nn.Module]:
    """Instantiate one network per key from ``networks``.

    ``networks`` may be one config/module (used for every key; configs are instantiated once per key),
    a list (one entry for all keys, or one per key in key order) or a mapping key → config/module.
    Configs are ``{_target_: class or path, **params}``; ``make_kwargs(key)`` adds the shape arguments
    (``obs_shapes``, ``action_logits_shapes``...).
    """
    networks = to_plain(networks)
    if networks is None:
        raise ConfigError(f"{what}: no networks given; expected a list or mapping of network configs ({{'_target_': ..., **params}})")
    if isinstance(networks, nn.Module) or (isinstance(networks, Mapping) and "_target_" in networks):
        per_key = {k: networks for k in keys}
    elif isinstance(networks, Mapping):
        per_key = {}
        for k in keys:
            try:
                per_key[k] = _lookup(networks, k)
            except KeyError:
                raise ConfigError(f"{what}: no network for key {k!r}; networks given for {list(networks)}") from None
    elif isinstance(networks, Sequence) and not isinstance(networks, str):
        items = list(networks)
        if len(items) == 1:
            per_key = {k: items[0] for k in keys}
        elif len(items) == len(keys):
            per_key = dict(zip(keys, items))
        else:
            raise ConfigError(f"{what}: got {len(items)} networks for keys {list(keys)}; give one for all or one per key")
    else:
        raise ConfigError(f"{what}: networks must be a list or mapping of configs, got {type(networks).__name__}")
    out: dict[Any, nn.Module] = {}
    for key, cfg in per_key.items():
        if isinstance(cfg, nn.Module):
            out[key] = cfg
            continue
        try:
            out[key] = Factory(nn.Module).instantiate(cfg, **make_kwargs(key))
        except ConfigError as exc:
            raise ConfigError(f"{what} for key {key!r}: {exc}") from exc
    return out


def find_inference_block(network: nn.Module) -> InferenceBlock | None:
    """The inference block of a network: the network itself, its ``perception_net`` or its first InferenceBlock child."""
    if isinstance(network, InferenceBlock):
        return network
    candidate = getattr(network, "perception_net", None)
    if isinstance(candidate, InferenceBlock):
        return candidate
    for child in network.children():
        if isinstance(child, InferenceBlock):
            return child
    return None


def network_output_shapes(network: nn.Module, observation_space: spaces.Dict, what: str) -> dict[str, tuple[int, ...]]:
    """Output keys and per-sample shapes of a network: from shape inference for perception blocks, else by a
    forward pass of one sampled observation."""
    block = network if isinstance(network, PerceptionBlock) else find_inference_block(network)
    if isinstance(block, PerceptionBlock) and block is network:
        return dict(zip(block.out_keys, block.out_shapes()))
    batch = sample_observation_batch(observation_space, (1,), seed=0)
    was_training = network.training
    network.eval()
    try:
        with torch.no_grad():
            out = network(batch)
    except Exception as exc:
        raise ConfigError(f"{what} ({type(network).__name__}) failed on an observation sampled from {observation_space}: "
                          f"{type(exc).__name__}: {exc}") from exc
    finally:
        network.train(was_training)
    if not isinstance(out, Mapping):
        raise ConfigError(f"{what} ({type(network).__name__}) must return a dict of tensors, got {type(out).__name__}")
    return {k: tuple(v.shape[1:]) for k, v in out.items()}
