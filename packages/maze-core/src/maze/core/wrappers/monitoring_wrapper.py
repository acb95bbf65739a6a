"""MazeEnvMonitoringWrapper: observation, action and reward events for statistics and TensorBoard."""

from __future__ import annotations

from typing import Any, Callable

import gymnasium as gym

from maze.core.env.base_env_events import (
    ContinuousActionEvents,
    DiscreteActionEvents,
    MultiBinaryActionEvents,
    ObservationEvents,
    RewardEvents,
)
from maze.core.wrappers.wrapper import RewardWrapper, Wrapper


def _action_firer(pubsub: Any, label: str, name: str, space: gym.spaces.Space) -> Callable[[Any], None] | None:
    if isinstance(space, gym.spaces.Discrete):
        fire, dim = pubsub.create_event_topic(DiscreteActionEvents).action, int(space.n)
        return lambda v: fire(substep=label, name=name, value=v, action_dim=dim)
    if isinstance(space, gym.spaces.MultiBinary):
        fire, n = pubsub.create_event_topic(MultiBinaryActionEvents).action, int(space.n) if isinstance(space.n, int) else int(sum(space.shape))
        return lambda v: fire(substep=label, name=name, value=v, num_binary_actions=n)
    if isinstance(space, gym.spaces.Box):
        fire = pubsub.create_event_topic(ContinuousActionEvents).action
        return lambda v: fire(substep=label, name=name, value=v)
    if isinstance(space, gym.spaces.MultiDiscrete):  # one discrete event per component
        fire = pubsub.create_event_topic(DiscreteActionEvents).action
        dims = [int(d) for d in space.nvec.ravel()]

        def fire_multi(v: Any) -> None:
            for i, (a, d) in enumerate(zip(getattr(v, "ravel", lambda: v)(), dims)):
                fire(substep=label, name=f"{name}_{i}", value=a, action_dim=d)

        return fire_multi
    return None  # unsupported space types are not logged


class MazeEnvMonitoringWrapper(Wrapper):
    """Fires observation, action and reward events that the LogStatsWrapper turns into statistics.

    * ``action_logging``: per action key a ``DiscreteActionEvents`` / ``ContinuousActionEvents`` /
      ``MultiBinaryActionEvents`` ``action`` event (sub-step label ``substep_<key>``); action distributions
      appear as ``[len:N, μ:x]`` rows and as histograms/images in TensorBoard.
    * ``observation_logging``: per observation key ``ObservationEvents.observation_processed`` (what this
      wrapper receives) and ``observation_original`` (the MazeEnv's conversion of the current MazeState; the
      same value when no wrapper sits in between), for step and reset observations (label ``step_key_<key>``).
      Costly for large observations: enable it for debugging.
    * ``reward_logging``: ``RewardEvents.reward_processed`` (the reward this wrapper receives) and
      ``reward_original`` (only when no reward wrapper sits between this wrapper and the MazeEnv, so the
      received reward is the original one).

    Per step this costs one event record per logged action/observation key; values are stored as they are
    (arrays are not copied: do not mutate action/observation arrays in place after passing them on).

    :param env: the env to wrap (a MazeEnv or a wrapper stack on top of one).
    :param observation_logging: log observations.
    :param action_logging: log actions.
    :param reward_logging: log rewards.
    """

    def __init__(self, env: Any, observation_logging: bool = False, action_logging: bool = True,
                 reward_logging: bool = False) -> None:
        super().__init__(env)
        self.observation_logging = bool(observation_logging)
        self.action_logging = bool(action_logging)
        self.reward_logging = bool(reward_logging)
        try:
            maze_env = env.maze_env
            pubsub = maze_env.core_env.pubsub
        except AttributeError as exc:
            raise TypeError(
                f"MazeEnvMonitoringWrapper needs a MazeEnv (or a wrapper stack over one), got {type(env).__name__}"
            ) from exc
        self._maze_env = maze_env
        action_spaces = env.action_spaces_dict
        self._flat_key = next(iter(action_spaces)) if len(action_spaces) == 1 else None
        self._action_plans: dict[Any, list[tuple[str, Callable]]] = {}
        for key, space in action_spaces.items():
            plan = []
            subspaces = space.spaces.items() if isinstance(space, gym.spaces.Dict) else [("action", space)]
            for name, sub in subspaces:
                fire = _action_firer(pubsub, f"substep_{key}", name, sub)
                if fire is not None:
                    plan.append((name, fire))
            self._action_plans[key] = plan
        self._obs_labels = {key: f"step_key_{key}" for key in env.observation_spaces_dict}
        self._obs_events = pubsub.create_event_topic(ObservationEvents)
        self._obs_direct = env is maze_env
        reward_events = pubsub.create_event_topic(RewardEvents)
        self._fire_reward_processed = reward_events.reward_processed
        chain_has_reward_wrapper = False
        e = env
        while isinstance(e, Wrapper):
            if issubclass(type(e), RewardWrapper):
                chain_has_reward_wrapper = True
            e = e.env
        self._fire_reward_original = None if chain_has_reward_wrapper else reward_events.reward_original

    @classmethod
    def wrap(cls, env: Any, observation_logging: bool = False, action_logging: bool = True,  # type: ignore[override]
             reward_logging: bool = False) -> MazeEnvMonitoringWrapper:
        """Wrap ``env``; see the class docstring."""
        return cls(env, observation_logging=observation_logging, action_logging=action_logging,
                   reward_logging=reward_logging)

    def step(self, action: Any) -> tuple[Any, Any, bool, bool, dict]:
        """Step the env, then fire the enabled events (into the step that just happened)."""
        key = self._flat_key
        if key is None and self.action_logging:
            key = self.env.actor_id().step_key
        obs, reward, terminated, truncated, info = self.env.step(action)
        if self.action_logging:
            get = action.get if isinstance(action, dict) else None
            for name, fire in self._action_plans[key]:
                value = get(name) if get is not None else action
                if value is not None:
                    fire(value)
        if self.reward_logging:
            self._fire_reward_processed(value=reward)
            if self._fire_reward_original is not None:
                self._fire_reward_original(value=reward)
        if self.observation_logging:
            self._log_observation(obs)
        return obs, reward, terminated, truncated, info

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[Any, dict]:
        """Reset the env; logs the first observation when observation logging is on."""
        obs, info = self.env.reset(seed=seed, options=options)
        if self.observation_logging:
            self._log_observation(obs)
        return obs, info

    def _log_observation(self, obs: Any) -> None:
        key = self._flat_key if self._flat_key is not None else self.env.actor_id().step_key
        label = self._obs_labels.get(key, f"step_key_{key}")
        events = self._obs_events
        items = obs.items() if isinstance(obs, dict) else [("observation", obs)]
        for name, value in items:
            events.observation_processed(step_key=label, name=name, value=value)
        if self._obs_direct:
            original = items
        else:
            maze_env = self._maze_env
            conv = maze_env.observation_conversion_dict[key]
            raw = conv.maze_to_space(maze_env.get_maze_state())
            original = raw.items() if isinstance(raw, dict) else [("observation", raw)]
        for name, value in original:
            events.observation_original(step_key=label, name=name, value=value)
