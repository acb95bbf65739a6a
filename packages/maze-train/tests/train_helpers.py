"""Helpers for maze-train's tests: build small actor-critic models on real envs."""

from __future__ import annotations

from maze.train.agent.mlp_model_composer import MLPModelComposer
from maze.train.agent.model_building import build_critic, build_policy
from maze.train.agent.torch_actor_critic import TorchActorCritic


def make_actor_critic(env, critic: str = "shared", hidden=(64, 64)) -> TorchActorCritic:
    composer = MLPModelComposer(env.action_spaces_dict, env.observation_spaces_dict, hidden_units=hidden, critic=critic)
    return TorchActorCritic(build_policy(composer), build_critic(composer))
