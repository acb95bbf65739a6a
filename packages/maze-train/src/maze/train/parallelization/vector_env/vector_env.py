"""Vector envs: several env instances stepped together with batched observations and actions.

Conventions (gymnasium's vector API, extended for structured envs):

* ``reset()`` returns the batched observation dict (every value has a leading ``n_envs`` axis).
* ``step(actions)`` takes a batched action dict and returns ``(obs, rewards, terminated, truncated, infos)``
  with arrays of shape ``(n_envs,)`` and a list of per-env info dicts.
* Envs reset automatically when their episode ends: ``obs`` then holds the first observation of the new
  episode, and ``infos[i]["final_observation"]`` (plus ``"final_actor_id"``) the last observation of the
  finished one, which trainers need to bootstrap truncated episodes; ``infos[i]["episode_stats"]`` holds the
  finished episode's statistics when the env is wrapped in a ``LogStatsWrapper``.
* :class:`StructuredVectorEnv` adds ``actor_id()``: all envs of a structured vector env act in lock-step,
  i.e. the same sub-step key is active in every env (true for envs whose sub-step sequence does not
  depend on the state, e.g. Cutting-2D's select-piece → cut cycle). A mismatch raises an error.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Callable, Sequence

import numpy as np

from maze.core.env.structured_env import ActorID, StepKeyType

EnvFactory = Callable[[], Any]


def episode_stats_of(env: Any) -> Any:
    """The statistics of the episode that just ended, if ``env`` collects them (a ``LogStatsWrapper``), else None.

    Vector envs attach them to the info dict of the final step (``info["episode_stats"]``, picklable), so that
    the main process can aggregate env events and KPIs of worker processes too.
    """
    get_stats = getattr(env, "get_stats", None)
    if get_stats is None:
        return None
    try:
        from maze.core.log_stats.log_stats import LogStatsLevel

        return get_stats(LogStatsLevel.EPISODE).last_stats
    except Exception:  # noqa: BLE001 - an env without statistics
        return None


def step_with_auto_reset(env: Any, action: Any) -> tuple[Any, Any, Any, Any, dict]:
    """Step one env of a vector env; reset it when its episode ends.

    At the end of an episode the returned observation is the first one of the new episode, and a copy of the info
    dict carries ``"final_observation"``, ``"final_actor_id"`` and ``"episode_stats"`` (:func:`episode_stats_of`).

    :param env: the (structured) env.
    :param action: its action dict.
    :return: ``(obs, reward, terminated, truncated, info)`` as the env returned them, apart from the above.
    """
    obs, rew, term, trunc, info = env.step(action)
    if term or trunc:
        info = dict(info)
        info["final_observation"] = obs
        info["final_actor_id"] = env.actor_id()
        info["episode_stats"] = episode_stats_of(env)
        obs, _ = env.reset()
    return obs, rew, term, trunc, info


class VectorEnvError(RuntimeError):
    """An env of a vector env failed; the message names the env index and carries the env's traceback."""


class VectorEnv(ABC):
    """Abstract vector env.

    :param n_envs: number of env instances.
    :param logging_prefix: statistics prefix of these envs (``"train"``, ``"eval"``); used when the envs are
        wrapped in a statistics wrapper.
    """

    def __init__(self, n_envs: int, logging_prefix: str | None = None) -> None:
        if int(n_envs) < 1:
            raise ValueError(f"a vector env needs at least one env, got n_envs={n_envs}")
        self.n_envs = int(n_envs)
        self.logging_prefix = logging_prefix
        self._pending_seeds: list[int | None] = [None] * self.n_envs

    # --- gymnasium-like API
    @abstractmethod
    def reset(self) -> dict[str, np.ndarray]:
        """Reset all envs (using the seeds set by :meth:`seed` for this reset) and return batched observations."""

    @abstractmethod
    def step(self, actions: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray, np.ndarray, list[dict]]:
        """Step every env with its slice of the batched action dict; finished envs are reset automatically."""

    @abstractmethod
    def close(self) -> None:
        """Close all envs (and worker processes)."""

    def seed(self, seeds: int | Sequence[int] | None) -> None:
        """Seed the envs for their next :meth:`reset`.

        :param seeds: one seed per env, or a single base seed (env ``i`` gets ``seed + i``), or None.
        """
        if seeds is None:
            self._pending_seeds = [None] * self.n_envs
        elif isinstance(seeds, (int, np.integer)):
            self._pending_seeds = [int(seeds) + i for i in range(self.n_envs)]
        else:
            seeds = list(seeds)
            if len(seeds) != self.n_envs:
                raise ValueError(f"expected {self.n_envs} seeds (one per env), got {len(seeds)}")
            self._pending_seeds = [None if s is None else int(s) for s in seeds]

    def _take_seeds(self) -> list[int | None]:
        seeds, self._pending_seeds = self._pending_seeds, [None] * self.n_envs
        return seeds

    # --- spaces
    @property
    @abstractmethod
    def action_spaces_dict(self) -> dict[StepKeyType, Any]:
        """Action spaces of one env, by sub-step key."""

    @property
    @abstractmethod
    def observation_spaces_dict(self) -> dict[StepKeyType, Any]:
        """Observation spaces of one env, by sub-step key."""

    @property
    def agent_counts_dict(self) -> dict[StepKeyType, int]:
        return {k: 1 for k in self.action_spaces_dict}

    def __len__(self) -> int:
        return self.n_envs

    def __enter__(self) -> VectorEnv:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class StructuredVectorEnv(VectorEnv):
    """A vector env of structured envs that act in lock-step (same sub-step key in every env).

    Subclasses set ``self._actor_ids`` (one :class:`ActorID` per env) after every reset and step.
    """

    _actor_ids: list[ActorID]

    def actor_ids(self) -> list[ActorID]:
        """The acting actor of every env."""
        return self._actor_ids

    def actor_id(self) -> ActorID:
        """The acting actor common to all envs.

        :raises VectorEnvError: if the envs are not in the same sub-step.
        """
        first = self._actor_ids[0]
        for i, aid in enumerate(self._actor_ids):
            if aid.step_key != first.step_key:
                raise VectorEnvError(
                    f"structured vector env out of lock-step: env 0 is in sub-step {first.step_key!r} but env {i} in "
                    f"{aid.step_key!r}. Batched training needs envs whose sub-step order does not depend on the state."
                )
        return first


def stack_observations(obs_list: Sequence[dict[str, Any]], out: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """Stack per-env observation dicts into a batched dict (``np.stack`` per key).

    :param obs_list: one observation dict per env (same keys).
    :param out: unused placeholder for a future buffer-reusing variant.
    """
    first = obs_list[0]
    return {key: np.stack([o[key] for o in obs_list]) for key in first}


def batched_action_arrays(actions: dict[str, Any], n_envs: int) -> list[tuple[str, np.ndarray]]:
    """``(key, array)`` of a batched action dict, checked to have a leading ``n_envs`` axis.

    :raises ValueError: naming the action key and its shape.
    """
    items = [(k, np.asarray(v)) for k, v in actions.items()]
    for key, value in items:
        if value.ndim == 0 or value.shape[0] != n_envs:
            raise ValueError(
                f"batched action '{key}' must have a leading axis of size n_envs={n_envs}, got shape {value.shape}"
            )
    return items


def split_actions(actions: dict[str, Any], n_envs: int) -> list[dict[str, Any]]:
    """Split a batched action dict into one action dict per env."""
    items = batched_action_arrays(actions, n_envs)
    return [{k: v[i] for k, v in items} for i in range(n_envs)]
