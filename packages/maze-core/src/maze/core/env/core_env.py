"""The core environment: env mechanics on MazeStates and MazeActions."""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING, Any, Iterable

from maze.core.env.environment_context import EnvironmentContext
from maze.core.env.event_env_mixin import EventEnvMixin
from maze.core.env.serializable_env_mixin import SerializableEnvMixin
from maze.core.env.structured_env import ActorID, StructuredEnv
from maze.core.events.pubsub import Pubsub

if TYPE_CHECKING:
    from maze.core.env.reward import RewardAggregatorInterface
    from maze.core.events.event_record import EventRecord
    from maze.core.log_events.kpi_calculator import KpiCalculator
    from maze.core.rendering.renderer import Renderer


class CoreEnv(StructuredEnv, EventEnvMixin, SerializableEnvMixin):
    """Base of core environments: gymnasium-like, but on MazeStates and MazeActions.

    ``reset(seed=None, options=None) -> (maze_state, info)``;
    ``step(maze_action) -> (maze_state, reward, terminated, truncated, info)``.

    Each core env owns an :class:`EnvironmentContext` (event service, episode ID, step counter) and a
    :class:`Pubsub` for its event topics and subscribers (e.g. its reward aggregator). Subclasses call
    ``super().__init__()``.
    """

    def __init__(self) -> None:
        self.context = EnvironmentContext()
        self.pubsub = Pubsub(self.context.event_service)
        self.reward_aggregator: RewardAggregatorInterface | None = None

    @abstractmethod
    def step(self, maze_action: Any) -> tuple[Any, Any, bool, bool, dict]:
        """Apply a MazeAction: returns maze_state, reward, terminated, truncated, info."""

    @abstractmethod
    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[Any, dict]:
        """Start a new episode: returns the initial MazeState and an info dict."""

    @abstractmethod
    def get_maze_state(self) -> Any:
        """The current MazeState."""

    def actor_id(self) -> ActorID:
        """The acting actor; flat envs have the single actor ``(0, 0)``."""
        return ActorID(0, 0)

    @property
    def agent_counts_dict(self) -> dict:
        return {0: 1}

    def get_step_events(self) -> Iterable[EventRecord]:
        """Events recorded during the current step."""
        return self.context.event_service.events

    def get_kpi_calculator(self) -> KpiCalculator | None:
        """Core envs do not have to support KPIs (default: ``None``)."""
        return None

    def get_serializable_components(self) -> dict[str, Any]:
        return {}

    def get_renderer(self) -> Renderer | None:
        """A renderer for MazeStates of this env (``None`` if the env cannot be rendered)."""
        return None

    def close(self) -> None:
        """Release resources (nothing by default)."""
