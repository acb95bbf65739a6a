"""Several actions with their probabilities: what a deployment returns when asked for action candidates."""

from __future__ import annotations

from typing import Any, Sequence


class ActionCandidates:
    """Several actions (in the policy's space) with their probabilities, passed down the wrapper stack.

    :param candidates: the actions, most likely first.
    :param probabilities: their probabilities.
    """

    def __init__(self, candidates: Sequence[Any], probabilities: Sequence[float]) -> None:
        self.candidates = list(candidates)
        self.probabilities = list(probabilities)


class MazeActionCandidates:
    """Several MazeActions with probabilities: what ``act`` returns when ``num_candidates`` is set.

    :param candidates: the MazeActions, most likely first.
    :param probabilities: their probabilities.
    """

    def __init__(self, candidates: Sequence[Any], probabilities: Sequence[float]) -> None:
        self.candidates = list(candidates)
        self.probabilities = list(probabilities)

    def __repr__(self) -> str:
        return f"MazeActionCandidates({self.candidates!r}, {self.probabilities!r})"


class ActionConversionCandidatesInterface:
    """Wraps an action conversion so that :class:`ActionCandidates` become :class:`MazeActionCandidates`."""

    def __init__(self, conversion: Any) -> None:
        self.conversion = conversion

    def space_to_maze(self, action: Any, maze_state: Any) -> Any:
        if isinstance(action, ActionCandidates):
            return MazeActionCandidates([self.conversion.space_to_maze(a, maze_state) for a in action.candidates],
                                        action.probabilities)
        return self.conversion.space_to_maze(action, maze_state)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.conversion, name)
