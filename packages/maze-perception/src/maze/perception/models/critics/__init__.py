"""Critic composers (state critics V(s) and state-action critics Q(s, a))."""

from maze.perception.models.critics.base_critic_composer import BaseCriticComposer
from maze.perception.models.critics.base_state_action_critic_composer import BaseStateActionCriticComposer
from maze.perception.models.critics.base_state_critic_composer import BaseStateCriticComposer
from maze.perception.models.critics.delta_state_critic_composer import DeltaStateCriticComposer
from maze.perception.models.critics.shared_state_action_critics_composer import SharedStateActionCriticComposer
from maze.perception.models.critics.shared_state_critic_composer import SharedStateCriticComposer
from maze.perception.models.critics.step_state_action_critic_composer import StepStateActionCriticComposer
from maze.perception.models.critics.step_state_critic_composer import StepStateCriticComposer

#: alias (as in the docs): one state critic per sub-step
StateCriticComposer = StepStateCriticComposer
#: alias (as in the docs): one Q critic per sub-step
StateActionCriticComposer = StepStateActionCriticComposer

__all__ = [
    "BaseCriticComposer", "BaseStateActionCriticComposer", "BaseStateCriticComposer", "DeltaStateCriticComposer",
    "SharedStateActionCriticComposer", "SharedStateCriticComposer", "StateActionCriticComposer", "StateCriticComposer",
    "StepStateActionCriticComposer", "StepStateCriticComposer",
]
