"""ValueTransform (ReduceScaleValueTransform, scalar_to_support/support_to_scalar) and the torch critics as
implementations of maze-core's StateCritic/StateActionCritic interfaces."""

from __future__ import annotations

import gymnasium as gym
import pytest
import torch
from torch import nn

from maze.core.agent.state_action_critic import StateActionCritic
from maze.core.agent.state_critic import StateCritic
from maze.core.agent.state_critic_input_output import StateCriticInput
from maze.core.env.structured_env import ActorID
from maze.train.agent.torch_state_action_critic import TorchSharedStateActionCritic
from maze.train.agent.torch_state_critic import (
    TorchDeltaStateCritic,
    TorchSharedStateCritic,
    TorchStepStateCritic,
)
from maze.train.agent.value_transform import (
    ReduceScaleValueTransform,
    ValueTransform,
    scalar_to_support,
    support_to_scalar,
)


def test_scalar_to_support_and_back_round_trip():
    torch.manual_seed(0)
    x = torch.empty(4, 50).uniform_(-9.5, 9.5)
    probs = scalar_to_support(x, (-10, 10))
    assert probs.shape == (4, 50, 21)
    torch.testing.assert_close(probs.sum(-1), torch.ones(4, 50))
    assert ((probs > 0).sum(-1) <= 2).all()  # two-hot
    torch.testing.assert_close(support_to_scalar(torch.log(probs), (-10, 10)), x, atol=1e-4, rtol=1e-4)
    # exact support points and values outside the range (clipped)
    edge = scalar_to_support(torch.tensor([-10.0, 3.0, 10.0, 25.0]), (-10, 10))
    assert edge[0, 0] == 1 and edge[1, 13] == 1 and edge[2, 20] == 1 and edge[3, 20] == 1
    with pytest.raises(ValueError, match="min < max"):
        scalar_to_support(x, (3, 3))
    with pytest.raises(ValueError, match="21 points"):
        support_to_scalar(torch.zeros(2, 5), (-10, 10))


def test_reduce_scale_value_transform_is_a_value_transform_and_invertible():
    transform = ReduceScaleValueTransform(epsilon=1e-2)
    assert isinstance(transform, ValueTransform)
    x = torch.linspace(-1000, 1000, 101, dtype=torch.float64)
    torch.testing.assert_close(transform.transform_value_inv(transform.transform_value(x)), x)
    with pytest.raises(TypeError):
        ValueTransform()


def _value_net(bias: float) -> nn.Module:
    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.linear = nn.Linear(2, 1)
            nn.init.constant_(self.linear.weight, 1.0)
            nn.init.constant_(self.linear.bias, bias)

        def forward(self, x):
            out = self.linear(x["obs"])
            if "prev_value" in x:
                out = out + 0 * x["prev_value"]
            return {"value": out}

    return Net()


def test_torch_state_critics_predict_values_of_all_sub_steps():
    obs0, obs1 = {"obs": torch.tensor([[1.0, 2.0]])}, {"obs": torch.tensor([[0.5, 0.5]])}
    critic_input = StateCriticInput.from_observations({0: obs0, 1: obs1})
    shared = TorchSharedStateCritic({0: _value_net(0.0)})
    step = TorchStepStateCritic({0: _value_net(0.0), 1: _value_net(10.0)})
    delta = TorchDeltaStateCritic({0: _value_net(0.0), 1: _value_net(10.0)})
    for critic in (shared, step, delta):
        assert isinstance(critic, StateCritic)
    assert [v.item() for v in shared.predict_values(critic_input).values] == [3.0, 1.0]
    output = step.predict_values(critic_input)
    assert [v.item() for v in output.values] == [3.0, 11.0] and output.actor_ids == [ActorID(0, 0), ActorID(1, 0)]
    assert output[0].values.requires_grad and not output[0].detached_values.requires_grad
    # delta critic: the second sub-step predicts a delta on top of the first one's value
    assert [v.item() for v in delta.predict_values(critic_input).values] == [3.0, 14.0]


def test_torch_state_action_critic_implements_the_core_interface():
    spaces = {0: gym.spaces.Dict({"a": gym.spaces.Discrete(3)})}

    class QNet(nn.Module):
        def forward(self, x):
            return {"a": x["obs"] @ torch.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 1.0]])}

    critic = TorchSharedStateActionCritic({0: QNet()}, action_spaces_dict=spaces)
    assert isinstance(critic, StateActionCritic)
    q = critic.predict_q_values({0: {"obs": torch.tensor([[1.0, 1.0]])}}, {0: {"a": torch.tensor([2])}},
                                gather_output=True)
    assert q[0]["a"].tolist() == [4.0]
