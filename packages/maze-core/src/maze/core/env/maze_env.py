"""MazeEnv: a core env plus per-sub-step observation and action conversions, as a gymnasium env."""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any, Generic, Iterable, TypeVar

import gymnasium as gym

from maze.core.env.action_conversion import ActionConversionInterface
from maze.core.env.core_env import CoreEnv
from maze.core.env.event_env_mixin import EventEnvMixin
from maze.core.env.observation_conversion import ObservationConversionInterface
from maze.core.env.recordable_env_mixin import RecordableEnvMixin
from maze.core.env.render_env_mixin import RenderEnvMixin
from maze.core.env.serializable_env_mixin import SerializableEnvMixin
from maze.core.env.structured_env import ActorID, StepKeyType, StructuredEnv
from maze.core.env.structured_env_spaces_mixin import StructuredEnvSpacesMixin
from maze.core.env.time_env_mixin import TimeEnvMixin

if TYPE_CHECKING:
    from maze.core.events.event_record import EventRecord
    from maze.core.log_events.kpi_calculator import KpiCalculator

CoreEnvType = TypeVar("CoreEnvType", bound=CoreEnv)


class MazeEnv(
    StructuredEnv,
    StructuredEnvSpacesMixin,
    EventEnvMixin,
    SerializableEnvMixin,
    RecordableEnvMixin,
    TimeEnvMixin,
    RenderEnvMixin,
    gym.Env,
    Generic[CoreEnvType],
):
    """A gymnasium-compatible env made of a core env and its space conversions.

    Observations and actions are dicts (gymnasium ``Dict`` spaces). For structured envs the active
    sub-step (``actor_id().step_key``) selects the conversion pair; flat envs have a single key.

    :param core_env: the core environment.
    :param action_conversion_dict: ``{step_key: ActionConversionInterface}``.
    :param observation_conversion_dict: ``{step_key: ObservationConversionInterface}`` (same keys).
    :param render_mode: gymnasium render mode (``None``, ``"human"``, ``"rgb_array"``).
    """

    metadata: dict[str, Any] = {"render_modes": ["human", "rgb_array"]}

    def __init__(
        self,
        core_env: CoreEnvType,
        action_conversion_dict: dict[StepKeyType, ActionConversionInterface],
        observation_conversion_dict: dict[StepKeyType, ObservationConversionInterface],
        render_mode: str | None = None,
    ) -> None:
        if not isinstance(core_env, CoreEnv):
            raise TypeError(f"core_env must be a maze.core.env.core_env.CoreEnv, got {type(core_env).__name__}")
        if set(action_conversion_dict) != set(observation_conversion_dict):
            raise ValueError(
                "action_conversion_dict and observation_conversion_dict must have the same sub-step keys, got "
                f"{sorted(map(str, action_conversion_dict))} vs {sorted(map(str, observation_conversion_dict))}"
            )
        if not action_conversion_dict:
            raise ValueError("a MazeEnv needs at least one (action, observation) conversion pair")
        self.core_env = core_env
        self.action_conversion_dict = dict(action_conversion_dict)
        self.observation_conversion_dict = dict(observation_conversion_dict)
        self._action_spaces_dict = {k: c.space() for k, c in self.action_conversion_dict.items()}
        self._observation_spaces_dict = {k: c.space() for k, c in self.observation_conversion_dict.items()}
        for key, space in list(self._action_spaces_dict.items()) + list(self._observation_spaces_dict.items()):
            if not isinstance(space, gym.spaces.Dict):
                raise TypeError(f"conversion space of sub-step {key!r} must be a gymnasium.spaces.Dict, got {space!r}")
        # flat envs skip the actor lookup on the hot path
        self._flat_key = next(iter(self.action_conversion_dict)) if len(self.action_conversion_dict) == 1 else None
        self._context = core_env.context
        self._last_maze_action: Any = None
        self.render_mode = render_mode
        self.reward_range = (-float("inf"), float("inf"))

    # ------------------------------------------------------------------ gymnasium API
    def step(self, action: dict[str, Any]) -> tuple[dict[str, Any], Any, bool, bool, dict]:
        """Convert the action, step the core env and convert the resulting state for the next actor."""
        core = self.core_env
        self._context.pre_step()
        key = self._flat_key if self._flat_key is not None else core.actor_id().step_key
        maze_action = self.action_conversion_dict[key].space_to_maze(action, core.get_maze_state())
        self._last_maze_action = maze_action
        maze_state, reward, terminated, truncated, info = core.step(maze_action)
        self._context.post_step()
        if self._flat_key is None:
            key = core.actor_id().step_key
        return self.observation_conversion_dict[key].maze_to_space(maze_state), reward, terminated, truncated, info

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[dict[str, Any], dict]:
        """Reset the core env (seeding it when ``seed`` is given) and return the first observation."""
        gym.Env.reset(self, seed=seed)
        if seed is not None:
            self._context.seed_episode_ids(seed)
        self._context.reset_env_episode()
        self._last_maze_action = None
        maze_state, info = self.core_env.reset(seed=seed, options=options)
        key = self._flat_key if self._flat_key is not None else self.core_env.actor_id().step_key
        return self.observation_conversion_dict[key].maze_to_space(maze_state), info

    def seed(self, seed: Any) -> None:
        """Seed the core env (and the episode IDs) for the following episodes."""
        self._context.seed_episode_ids(seed)
        self.core_env.seed(seed)

    def close(self) -> None:
        self.core_env.close()

    def render(self) -> Any:
        """Render the current state with the core env's renderer (``render_mode`` decides the output).

        The renderer gets ``render_mode`` if its ``render`` accepts it (a ``render_mode`` parameter or ``**kwargs``);
        renderers with the reference docs' signature ``render(maze_state, maze_action, events)`` draw into the
        current pyplot figure and are called without it.
        """
        renderer = self.core_env.get_renderer()
        if renderer is None:
            return None
        kwargs = {"render_mode": self.render_mode} if _accepts_render_mode(renderer) else {}
        return renderer.render(self.core_env.get_maze_state(), self._last_maze_action, list(self.get_step_events()),
                               **kwargs)

    # ------------------------------------------------------------------ spaces
    @property
    def action_space(self) -> gym.spaces.Dict:  # type: ignore[override]
        key = self._flat_key if self._flat_key is not None else self.core_env.actor_id().step_key
        return self._action_spaces_dict[key]

    @property
    def observation_space(self) -> gym.spaces.Dict:  # type: ignore[override]
        key = self._flat_key if self._flat_key is not None else self.core_env.actor_id().step_key
        return self._observation_spaces_dict[key]

    @property
    def action_spaces_dict(self) -> dict[StepKeyType, gym.spaces.Dict]:
        return self._action_spaces_dict

    @property
    def observation_spaces_dict(self) -> dict[StepKeyType, gym.spaces.Dict]:
        return self._observation_spaces_dict

    @property
    def action_conversion(self) -> ActionConversionInterface:
        """The action conversion of the active sub-step."""
        return self.action_conversion_dict[self.actor_id().step_key]

    @property
    def observation_conversion(self) -> ObservationConversionInterface:
        """The observation conversion of the active sub-step."""
        return self.observation_conversion_dict[self.actor_id().step_key]

    # ------------------------------------------------------------------ structured env
    def actor_id(self) -> ActorID:
        return self.core_env.actor_id()

    def is_actor_done(self) -> bool:
        return self.core_env.is_actor_done()

    @property
    def agent_counts_dict(self) -> dict[StepKeyType, int]:
        return self.core_env.agent_counts_dict

    def get_actor_rewards(self):
        return self.core_env.get_actor_rewards()

    # ------------------------------------------------------------------ mixins
    @property
    def maze_env(self) -> MazeEnv:
        """The MazeEnv itself (bypasses any wrapper stack)."""
        return self

    def get_step_events(self) -> Iterable[EventRecord]:
        return self.core_env.get_step_events()

    def get_kpi_calculator(self) -> KpiCalculator | None:
        return self.core_env.get_kpi_calculator()

    def get_serializable_components(self) -> dict[str, Any]:
        return self.core_env.get_serializable_components()

    def get_episode_id(self) -> str:
        return self._context.episode_id

    def get_env_time(self) -> int:
        return self._context.step_id

    def get_maze_state(self) -> Any:
        return self.core_env.get_maze_state()

    def get_maze_action(self) -> Any:
        return self._last_maze_action

    def get_renderer(self) -> Any:
        return self.core_env.get_renderer()

    def get_observation_and_action_dicts(
        self, maze_state: Any | None, maze_action: Any | None, first_step_in_episode: bool
    ) -> tuple[dict | None, dict | None]:
        """Convert a recorded MazeState/MazeAction pair back to observation and action dicts keyed by sub-step.

        Flat envs map both through their single conversion pair; structured envs override this.
        """
        if self._flat_key is None:
            raise NotImplementedError(
                f"{type(self).__name__} has several sub-steps; it must override get_observation_and_action_dicts"
            )
        key = self._flat_key
        obs = None if maze_state is None else {key: self.observation_conversion_dict[key].maze_to_space(maze_state)}
        act = None if maze_action is None else {key: self.action_conversion_dict[key].maze_to_space(maze_action)}
        return obs, act

    def __repr__(self) -> str:
        return f"<{type(self).__name__} core_env={type(self.core_env).__name__}>"


def _accepts_render_mode(renderer: Any) -> bool:
    """Whether ``renderer.render`` takes a ``render_mode`` keyword (by name or through ``**kwargs``)."""
    try:
        parameters = inspect.signature(renderer.render).parameters.values()
    except (TypeError, ValueError):  # no signature to inspect (a builtin): pass it
        return True
    return any(p.kind is inspect.Parameter.VAR_KEYWORD or p.name == "render_mode" for p in parameters)
