"""The one torch-model base, ``maze.train.agent.torch_model.TorchModel``, and the models built on it."""

from __future__ import annotations

import importlib

import pytest
import torch
from torch import nn

from maze.train.agent.torch_actor_critic import TorchActorCritic
from maze.train.agent.torch_model import TorchModel
from maze.train.agent.torch_policy import TorchPolicy
from maze.train.agent.torch_state_critic import TorchSharedStateCritic


class _DictNet(nn.Module):
    """``{"x": (B, 3)}`` → ``{"out": (B, n_out)}`` through an optional shared trunk."""

    def __init__(self, n_out: int, trunk: nn.Module | None = None, hidden: int = 4) -> None:
        super().__init__()
        self.trunk = trunk if trunk is not None else nn.Linear(3, hidden)
        self.head = nn.Linear(self.trunk.out_features, n_out)

    def forward(self, obs: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        return {"out": self.head(torch.relu(self.trunk(obs["x"])))}


class _TwoNetModel(TorchModel):
    """Two networks that share their trunk."""

    def __init__(self, hidden: int = 4) -> None:
        super().__init__("cpu")
        trunk = nn.Linear(3, hidden)
        self.nets = {0: _DictNet(2, trunk), 1: _DictNet(1, trunk)}

    def networks_dict(self) -> dict[int, nn.Module]:
        return self.nets


def _out(model: _TwoNetModel, x: torch.Tensor) -> list[torch.Tensor]:
    with torch.no_grad():
        return [model.nets[k]({"x": x})["out"] for k in (0, 1)]


def test_base_counts_shared_parameters_once_and_switches_modes() -> None:
    model = _TwoNetModel(hidden=4)
    # trunk 3*4+4, heads 4*2+2 and 4*1+1: the shared trunk counts once
    assert model.num_params == 16 + 10 + 5
    assert len(model.parameters()) == 6
    model.eval()
    assert not any(net.training for net in model.nets.values())
    model.train()
    assert all(net.training for net in model.nets.values())
    assert model.to("cpu") is model and model.device == "cpu"


def test_state_dict_round_trip_restores_outputs() -> None:
    torch.manual_seed(0)
    source, target = _TwoNetModel(), _TwoNetModel()
    x = torch.randn(5, 3)
    assert not torch.allclose(_out(source, x)[0], _out(target, x)[0])
    state = source.state_dict()
    assert sorted(state) == ["0", "1"]
    target.load_state_dict(state)
    for a, b in zip(_out(source, x), _out(target, x)):
        assert torch.equal(a, b)


def test_incompatible_state_dicts_name_network_and_shapes() -> None:
    model = _TwoNetModel(hidden=4)
    with pytest.raises(ValueError, match=r"network '0'.*'trunk.weight': checkpoint shape \(8, 3\) vs model shape \(4, 3\)"):
        model.load_state_dict(_TwoNetModel(hidden=8).state_dict())
    with pytest.raises(ValueError, match=r"missing: \['1'\]"):
        model.load_state_dict({"0": model.nets[0].state_dict()})
    model.load_state_dict({"0": model.nets[0].state_dict()}, strict=False)  # partial loads are explicit


def test_policy_critic_and_actor_critic_share_the_one_base() -> None:
    policy = TorchPolicy({0: _DictNet(2)}, distribution_mapper=None)
    critic = TorchSharedStateCritic({0: _DictNet(1)}, num_policies=1)
    actor_critic = TorchActorCritic(policy, critic)
    for model in (policy, critic, actor_critic):
        assert isinstance(model, TorchModel)
    assert sorted(actor_critic.state_dict()) == ["critic", "policy"]
    assert actor_critic.num_params == policy.num_params + critic.num_params
    # maze-perception no longer carries a second, unused torch-model interface
    assert not hasattr(importlib.import_module("maze.perception.models"), "TorchModel")
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("maze.perception.models.torch_model")
