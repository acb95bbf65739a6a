"""Build TorchPolicy/critics from a model composer and check that model outputs fit the action spaces."""

from __future__ import annotations

from typing import Any, Mapping

import gymnasium as gym
import numpy as np
import torch

from maze.core.env.structured_env import ActorID, StepKeyType
from maze.train.agent.torch_policy import TorchPolicy
from maze.train.agent.torch_state_critic import (
    TorchDeltaStateCritic,
    TorchSharedStateCritic,
    TorchStateCritic,
    TorchStepStateCritic,
)


class ModelMismatchError(ValueError):
    """A model's outputs do not fit the env's action space (names the head and both shapes)."""


def _networks(part: Any) -> dict[Any, torch.nn.Module]:
    nets = getattr(part, "networks", part)
    if not isinstance(nets, Mapping):
        raise TypeError(f"expected networks by sub-step key, got {type(nets).__name__}")
    return dict(nets)


def build_policy(composer: Any, device: str = "cpu") -> TorchPolicy:
    """TorchPolicy from ``composer.policy.networks`` and ``composer.distribution_mapper``."""
    return TorchPolicy(_networks(composer.policy), composer.distribution_mapper, device=device,
                       substeps_with_separate_agent_nets=getattr(composer.policy, "substeps_with_separate_agent_nets", None))


def critic_type_of(composer: Any) -> str:
    """``shared``/``step``/``delta``/``none`` from ``composer.critic_type`` or the critic composer's class name."""
    explicit = getattr(composer, "critic_type", None)
    if explicit:
        return str(explicit)
    critic = getattr(composer, "critic", None)
    if critic is None:
        return "none"
    declared = str(getattr(critic, "critic_type", "") or "")
    if "action" in declared or "StateAction" in type(critic).__name__:
        raise ValueError(f"{type(critic).__name__} is a state-action critic; A2C/PPO need a state critic "
                         f"(e.g. critic=template_state or critic=flatten_concat_shared)")
    name = (declared or type(critic).__name__).lower()
    for kind in ("delta", "shared", "step"):
        if kind in name:
            return kind
    return "shared" if len(_networks(critic)) == 1 else "step"


def build_critic(composer: Any, device: str = "cpu") -> TorchStateCritic | None:
    """The state critic matching the composer's critic type (None without a critic)."""
    kind = critic_type_of(composer)
    if kind == "none" or getattr(composer, "critic", None) is None:
        return None
    networks = _networks(composer.critic)
    cls = {"shared": TorchSharedStateCritic, "step": TorchStepStateCritic, "delta": TorchDeltaStateCritic}[kind]
    return cls(networks, num_policies=len(_networks(composer.policy)), device=device)


def sample_observation_batch(space: gym.spaces.Dict, n: int = 2) -> dict[str, torch.Tensor]:
    """A batch of ``n`` random observations of ``space`` as tensors (for shape checks)."""
    out = {}
    for key, sub in space.spaces.items():
        arr = np.stack([np.asarray(sub.sample()) for _ in range(n)])
        if arr.dtype == np.float64:
            arr = arr.astype(np.float32)
        out[key] = torch.from_numpy(arr)
    return out


def check_policy_outputs(policy: TorchPolicy, observation_spaces_dict: Mapping[StepKeyType, gym.spaces.Dict],
                         action_spaces_dict: Mapping[StepKeyType, gym.spaces.Dict]) -> None:
    """Run every policy network on sample observations and compare its logits with the action space.

    :raises ModelMismatchError: naming the sub-step, the head and the expected and actual shapes.
    """
    for step_key, action_space in action_spaces_dict.items():
        obs = sample_observation_batch(observation_spaces_dict[step_key])
        key = policy.network_key(ActorID(step_key, 0))
        mapper = policy._mapper(key)
        with torch.no_grad():
            out = policy.networks[key](obs)
        for head, sub in action_space.spaces.items():
            expected = tuple(mapper.required_logits_shape(head))
            if head not in out:
                raise ModelMismatchError(
                    f"policy network of sub-step {step_key!r} has no output for action head '{head}' ({sub}, needs "
                    f"logits of shape {expected}); it outputs {sorted(out)}"
                )
            actual = tuple(out[head].shape[1:])
            if actual != expected:
                raise ModelMismatchError(
                    f"policy network of sub-step {step_key!r}: action head '{head}' outputs logits of shape {actual}, "
                    f"but its action space {sub} needs shape {expected}"
                )
