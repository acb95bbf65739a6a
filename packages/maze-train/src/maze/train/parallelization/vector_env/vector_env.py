"""Vector envs: several env instances stepped together with batched observations and actions.

Conventions (gymnasium's vector API, extended for structured envs):

* ``reset()`` returns the batched observation dict (every value has a leading ``n_envs`` axis).
* ``step(actions)`` takes a batched action dict and returns ``(obs, rewards, terminated, truncated, infos)``
  with arrays of shape ``(n_envs,)`` and a list of per-env info dicts.
* Envs reset automatically when their episode ends: ``obs`` then holds the first observation of the new
  episode, and ``infos[i]["final_observation"]`` (plus ``"final_actor_id"``) the last observation of the
  finished one, which trainers need to bootstrap truncated episodes; ``infos[i]["episode_stats"]`` holds the
  finished episode's statistics when the env is wrapped in a ``LogStatsWrapper``.
* :class:`StructuredVectorEnv` batches per actor: its envs may be at different sub-steps, and in multi-agent envs
  different agents may act in different envs. ``reset_groups()``/``step_groups(actions)`` hand over observations
  and take actions per :class:`ActorBatch` (the envs whose acting actor is the same, with their batched
  observations), so a trainer does one forward pass per policy per step. ``reset()``/``step()``/``actor_id()``
  are the lock-step view of the same envs (one actor in all envs, e.g. flat envs or Cutting-2D's
  select-piece → cut cycle); they raise :class:`VectorEnvError` when the envs are at different actors.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from maze.core.env.structured_env import ActorID, StepKeyType
from maze.core.log_stats.log_stats import LogStatsLevel

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

    def call_env(self, index: int, name: str, *args: Any, **kwargs: Any) -> Any:
        """Call the method ``name`` of env ``index`` (its wrapper stack: wrappers forward unknown attributes to the
        env they wrap) and return the result; e.g. the trainer fetches an ``ObservationVisualizationWrapper``'s
        pictures this way.

        :raises NotImplementedError: in vector envs that cannot reach their envs (the two built-in ones can).
        """
        raise NotImplementedError(f"{type(self).__name__} does not implement call_env")


@dataclass
class ActorBatch:
    """The envs of a vector env at the same acting actor, with their batched observations.

    :param actor_id: the acting actor (sub-step key and agent) of these envs.
    :param env_indices: the env indices (ascending ``int64``); the rows of :attr:`observations` and of the actions
        handed back for this actor follow this order.
    :param observations: the batched observations (leading axis ``len(env_indices)``).
    """

    actor_id: ActorID
    env_indices: np.ndarray
    observations: dict[str, np.ndarray]

    def __len__(self) -> int:
        return int(self.env_indices.shape[0])


#: actions per acting actor, rows in the order of the actor's :attr:`ActorBatch.env_indices`
GroupedActions = Mapping[ActorID, Mapping[str, Any]]
VectorStep = tuple[list[ActorBatch], np.ndarray, np.ndarray, np.ndarray, list[dict]]


def group_by_actor(actor_ids: Sequence[ActorID], all_envs: np.ndarray | None = None) -> list[tuple[ActorID, np.ndarray]]:
    """``(actor, env indices)`` of every acting actor, in the order of first appearance.

    :param actor_ids: the acting actor of every env.
    :param all_envs: ``np.arange(n_envs)``, returned as is when every env is at the same actor (the common case).
    """
    first = actor_ids[0]
    if all(aid == first for aid in actor_ids):
        return [(first, all_envs if all_envs is not None else np.arange(len(actor_ids)))]
    groups: dict[ActorID, list[int]] = {}
    for i, aid in enumerate(actor_ids):
        groups.setdefault(aid, []).append(i)
    return [(aid, np.asarray(idx, dtype=np.int64)) for aid, idx in groups.items()]


def per_env_actions(actions: GroupedActions, groups: Sequence[tuple[ActorID, np.ndarray]], n_envs: int
                    ) -> list[dict[str, Any]]:
    """One action dict per env from actions per acting actor.

    :raises ValueError: an acting actor without actions, actions of an actor that does not act, or a batch whose
        leading axis does not match the actor's number of envs.
    """
    check_grouped_actions(actions, groups)
    out: list[dict[str, Any]] = [None] * n_envs  # type: ignore[list-item]
    for aid, idx in groups:
        items = batched_action_arrays(actions[aid], len(idx), aid if len(idx) < n_envs else None)
        for row, i in enumerate(idx.tolist()):
            out[i] = {k: v[row] for k, v in items}
    return out


def check_grouped_actions(actions: GroupedActions, groups: Sequence[tuple[ActorID, np.ndarray]]) -> None:
    """The actors of ``actions`` are exactly the acting ones.

    :raises ValueError: naming the missing or unexpected actors.
    """
    if len(actions) == len(groups) and all(aid in actions for aid, _ in groups):
        return
    acting = [aid for aid, _ in groups]
    missing = [a for a in acting if a not in actions]
    extra = [a for a in actions if a not in acting]
    raise ValueError(f"actions must be given for exactly the acting actors {acting}; missing: {missing}, "
                     f"not acting: {extra}")


class StructuredVectorEnv(VectorEnv):
    """A vector env of structured envs, batched per acting actor (see the module docstring).

    Subclasses implement :meth:`reset_groups` and :meth:`step_groups` and keep ``self._actor_ids`` (one
    :class:`ActorID` per env) current after every reset and step.
    """

    _actor_ids: list[ActorID]

    @abstractmethod
    def reset_groups(self) -> list[ActorBatch]:
        """Reset all envs (with the seeds set by :meth:`seed`); the observations per acting actor."""

    @abstractmethod
    def step_groups(self, actions: GroupedActions) -> VectorStep:
        """Step every env with the action of its acting actor; finished envs are reset automatically.

        :param actions: ``{actor: batched action dict}`` for exactly the actors of the current groups (rows in the
            order of their env indices).
        :return: ``(groups, rewards, terminated, truncated, infos)``: the new observations per acting actor, and
            per-env arrays of shape ``(n_envs,)`` and info dicts as in :meth:`step`.
        """

    def actor_ids(self) -> list[ActorID]:
        """The acting actor of every env."""
        return self._actor_ids

    def actor_id(self) -> ActorID:
        """The acting actor common to all envs (the lock-step view).

        :raises VectorEnvError: if the envs are at different actors (use :meth:`step_groups` then).
        """
        first = self._actor_ids[0]
        for i, aid in enumerate(self._actor_ids):
            if aid != first:
                raise VectorEnvError(
                    f"the envs act for different actors: env 0 for {first} but env {i} for {aid}. reset()/step() "
                    f"need one actor in all envs; reset_groups()/step_groups() batch per actor."
                )
        return first

    def reset(self) -> dict[str, np.ndarray]:
        """Lock-step :meth:`reset_groups`: the batched observation of all envs (one acting actor)."""
        return self._single(self.reset_groups()).observations

    def step(self, actions: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray, np.ndarray, list[dict]]:
        """Lock-step :meth:`step_groups`: every env acts for the same actor (:meth:`actor_id`)."""
        groups, rewards, terminated, truncated, infos = self.step_groups({self.actor_id(): actions})
        return self._single(groups).observations, rewards, terminated, truncated, infos

    def _single(self, groups: list[ActorBatch]) -> ActorBatch:
        if len(groups) != 1:
            self.actor_id()  # raises, naming the envs
        return groups[0]


def stack_observations(obs_list: Sequence[dict[str, Any]]) -> dict[str, np.ndarray]:
    """Stack per-env observation dicts into a batched dict (``np.stack`` per key).

    :param obs_list: one observation dict per env (same keys).
    """
    first = obs_list[0]
    return {key: stack_rows([o[key] for o in obs_list]) for key in first}


def stack_rows(values: Sequence[Any]) -> np.ndarray:
    """``np.stack(values)``: a new batch with one row per value.

    Arrays of one shape and dtype (the common case, an observation key of several envs) are copied into the batch
    directly, without ``np.stack``'s normalisation of every value (several microseconds per call, every step); other
    values (scalars, lists, arrays of different dtypes) go through ``np.stack``.
    """
    first = values[0]
    if type(first) is np.ndarray:
        if len(values) == 1:
            return first[np.newaxis].copy()
        shape, dtype = first.shape, first.dtype
        if all(type(v) is np.ndarray and v.shape == shape and v.dtype == dtype for v in values):
            out = np.empty((len(values), *shape), dtype=dtype)
            for row, value in enumerate(values):
                out[row] = value
            return out
    return np.stack(values)


def stack_groups(obs_list: Sequence[dict[str, Any]], groups: Sequence[tuple[ActorID, np.ndarray]]) -> list[ActorBatch]:
    """Per-env observations stacked per acting actor."""
    if len(groups) == 1:
        aid, idx = groups[0]
        return [ActorBatch(aid, idx, stack_observations(obs_list))]
    return [ActorBatch(aid, idx, stack_observations([obs_list[i] for i in idx])) for aid, idx in groups]


def batched_action_arrays(actions: Mapping[str, Any], n_envs: int, actor_id: ActorID | None = None
                          ) -> list[tuple[str, np.ndarray]]:
    """``(key, array)`` of a batched action dict, checked to have a leading axis of ``n_envs`` rows.

    :param actor_id: the actor the actions are for (named in the error; its number of envs is ``n_envs``).
    :raises ValueError: naming the action key and its shape.
    """
    items = [(k, np.asarray(v)) for k, v in actions.items()]
    for key, value in items:
        if value.ndim == 0 or value.shape[0] != n_envs:
            what = f"batched action '{key}'" if actor_id is None else f"batched action '{key}' for {actor_id}"
            rows = f"n_envs={n_envs}" if actor_id is None else f"{n_envs} (the envs acting for it)"
            raise ValueError(f"{what} must have a leading axis of size {rows}, got shape {value.shape}")
    return items
