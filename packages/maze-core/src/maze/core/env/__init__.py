"""Environment interfaces: BaseEnv, StructuredEnv, CoreEnv, MazeEnv, conversions and mixins."""

from maze.core.env.action_conversion import ActionConversionInterface
from maze.core.env.base_env import BaseEnv
from maze.core.env.core_env import CoreEnv
from maze.core.env.environment_context import EnvironmentContext
from maze.core.env.event_env_mixin import EventEnvMixin
from maze.core.env.maze_env import MazeEnv
from maze.core.env.observation_conversion import ObservationConversionInterface
from maze.core.env.recordable_env_mixin import RecordableEnvMixin
from maze.core.env.render_env_mixin import RenderEnvMixin
from maze.core.env.reward import RewardAggregatorInterface
from maze.core.env.serializable_env_mixin import SerializableEnvMixin
from maze.core.env.simulated_env_mixin import SimulatedEnvMixin
from maze.core.env.structured_env import ActorID, StructuredEnv
from maze.core.env.structured_env_spaces_mixin import StructuredEnvSpacesMixin
from maze.core.env.time_env_mixin import TimeEnvMixin

__all__ = [
    "ActionConversionInterface",
    "ActorID",
    "BaseEnv",
    "CoreEnv",
    "EnvironmentContext",
    "EventEnvMixin",
    "MazeEnv",
    "ObservationConversionInterface",
    "RecordableEnvMixin",
    "RenderEnvMixin",
    "RewardAggregatorInterface",
    "SerializableEnvMixin",
    "SimulatedEnvMixin",
    "StructuredEnv",
    "StructuredEnvSpacesMixin",
    "TimeEnvMixin",
]
