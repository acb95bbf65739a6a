"""Inputs and outputs of state critics for one flat env step of a structured env (one entry per sub-step).

A flat env step of a structured env consists of several sub-steps (actors). A state critic receives the
observations of all of them (:class:`StateCriticInput`, built explicitly so that shared-embedding networks can
be fed what they need) and returns one value per sub-step (:class:`StateCriticOutput`). The value containers
are framework-neutral: torch critics (maze-train) put tensors in them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping

from maze.core.env.structured_env import ActorID


@dataclass
class StateCriticStepInput:
    """State critic input of a single sub-step of the env.

    :param tensor_dict: the (batched) observation of the sub-step, by observation key.
    :param actor_id: the actor whose observation it is (the critic picks its network by ``actor_id.step_key``).
    """

    tensor_dict: Mapping[str, Any]
    actor_id: ActorID


@dataclass
class StateCriticInput:
    """State critic input of one full flat env step: the inputs of its sub-steps, in sub-step order.

    :param step_inputs: the inputs of the sub-steps.
    """

    step_inputs: list[StateCriticStepInput] = field(default_factory=list)

    @classmethod
    def from_observations(cls, observations: Mapping[Any, Mapping[str, Any]]) -> StateCriticInput:
        """Build the input from ``{actor_id or step_key: observation dict}`` (step keys become agent 0's actor)."""
        return cls([StateCriticStepInput(obs, key if isinstance(key, ActorID) else ActorID(key, 0))
                    for key, obs in observations.items()])

    def append(self, step_input: StateCriticStepInput) -> None:
        """Add the input of the next sub-step."""
        self.step_inputs.append(step_input)

    @property
    def actor_ids(self) -> list[ActorID]:
        """The actors of the sub-steps, in order."""
        return [s.actor_id for s in self.step_inputs]

    @property
    def tensor_dicts(self) -> list[Mapping[str, Any]]:
        """The observations of the sub-steps, in order."""
        return [s.tensor_dict for s in self.step_inputs]

    def __iter__(self) -> Iterator[StateCriticStepInput]:
        return iter(self.step_inputs)

    def __len__(self) -> int:
        return len(self.step_inputs)

    def __getitem__(self, index: int) -> StateCriticStepInput:
        return self.step_inputs[index]


@dataclass
class StateCriticStepOutput:
    """Output of a state critic for an individual sub-step.

    :param values: the predicted state values (batched; they carry gradients where the framework has them).
    :param detached_values: the same values without gradient tracking (for advantages and bootstrapping).
    :param actor_id: the actor the values belong to.
    """

    values: Any
    detached_values: Any
    actor_id: ActorID


@dataclass
class StateCriticOutput:
    """Output of a state critic for one full flat env step: one :class:`StateCriticStepOutput` per sub-step.

    :param step_outputs: the outputs of the sub-steps, in sub-step order.
    """

    step_outputs: list[StateCriticStepOutput] = field(default_factory=list)

    def append(self, step_output: StateCriticStepOutput) -> None:
        """Add the output of the next sub-step."""
        self.step_outputs.append(step_output)

    @property
    def values(self) -> list[Any]:
        """The values of the sub-steps, in order."""
        return [s.values for s in self.step_outputs]

    @property
    def detached_values(self) -> list[Any]:
        """The detached values of the sub-steps, in order."""
        return [s.detached_values for s in self.step_outputs]

    @property
    def actor_ids(self) -> list[ActorID]:
        """The actors of the sub-steps, in order."""
        return [s.actor_id for s in self.step_outputs]

    def __iter__(self) -> Iterator[StateCriticStepOutput]:
        return iter(self.step_outputs)

    def __len__(self) -> int:
        return len(self.step_outputs)

    def __getitem__(self, index: int) -> StateCriticStepOutput:
        return self.step_outputs[index]
