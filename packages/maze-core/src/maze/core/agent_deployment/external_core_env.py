"""A core env whose states come from outside (an external simulation or production system)."""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from maze.core.env.core_env import CoreEnv
from maze.core.env.reward import RewardAggregatorInterface
from maze.core.env.structured_env import ActorID

#: seconds between liveness checks while waiting for the other side
_POLL_S = 1.0


class DeploymentStopped(BaseException):
    """Raised inside the env run loop to unwind it when the deployment shuts down (not an error)."""


@dataclass
class ExternalStep:
    """What the external env reports: a state with the reward/done/info of the step that led to it.

    ``kind`` is ``"state"`` (an action is wanted), ``"close"`` (final state of the episode) or ``"stop"``.
    """

    kind: str
    maze_state: Any = None
    reward: Any = 0.0
    done: bool = False
    info: dict = field(default_factory=dict)
    events: list | None = None
    actor_id: ActorID | None = None


class DeploymentChannel:
    """Hand-over between the caller of ``act()`` and the env run loop (they never run at the same time).

    ``to_env`` carries :class:`ExternalStep` messages, ``to_caller`` ``(kind, payload)`` replies:
    ``("action", maze_action)``, ``("episode_end", None)`` or ``("error", (exception, traceback_text))``.
    """

    def __init__(self) -> None:
        self.to_env: queue.SimpleQueue = queue.SimpleQueue()
        self.to_caller: queue.SimpleQueue = queue.SimpleQueue()

    @staticmethod
    def receive(q: queue.SimpleQueue, peer: threading.Thread | None, what: str) -> Any:
        """Block until a message arrives; raise if ``peer`` died without answering (never hang)."""
        while True:
            try:
                return q.get(timeout=_POLL_S)
            except queue.Empty:
                if peer is not None and not peer.is_alive():
                    raise RuntimeError(f"agent deployment: the {what} ended without answering") from None


class ExternalCoreEnvRewardAggregator(RewardAggregatorInterface):
    """Reward aggregator for rewards that come from an external env: iterables of rewards (one per sub-step or
    actor since the last action) are summed up, scalar rewards are passed through.

    The external core env hands each reported reward to :meth:`set_reward`; it subscribes to no events.
    """

    def __init__(self) -> None:
        super().__init__()
        self._reward: Any = 0.0

    def get_interfaces(self) -> list[type]:
        """No event topics: the reward comes from outside."""
        return []

    def set_reward(self, reward: Any) -> None:
        """The reward the external env reported for the last step."""
        self._reward = reward

    def summarize_reward(self, maze_state: Any | None = None) -> float:
        """The reported reward; iterables (lists, tuples, arrays) are summed.

        :raises TypeError: naming the value if it is neither a number nor an iterable of numbers.
        """
        reward = self._reward
        if reward is None:
            return 0.0
        try:
            return float(np.sum(np.asarray(reward, dtype=np.float64)))
        except (TypeError, ValueError) as exc:
            raise TypeError(f"agent deployment: the external env reported reward {reward!r}; expected a number or "
                            "an iterable of numbers") from exc


class ExternalCoreEnv(CoreEnv):
    """Stands in for the core env of a deployed env stack: ``reset``/``step`` return states from outside.

    It shares the original core env's :class:`EnvironmentContext` and :class:`Pubsub` (so the MazeEnv above,
    subscribers and statistics keep working) and delegates renderer, KPI calculator and agent counts to it.
    ``step(maze_action)`` hands the MazeAction to the caller of ``AgentDeployment.act`` and waits until the
    next external state arrives; events reported by the external env are re-dispatched into the step.

    :param original_core_env: the core env it replaces.
    :param channel: the hand-over channel of the deployment.
    :param flat_step_key: sub-step key used as actor ID when the external env gives none (flat envs).
    """

    def __init__(self, original_core_env: CoreEnv, channel: DeploymentChannel, flat_step_key: Any = 0) -> None:
        # no super().__init__(): the context and pubsub of the original core env are shared
        self.original_core_env = original_core_env
        self.context = original_core_env.context
        self.pubsub = original_core_env.pubsub
        self.reward_aggregator = original_core_env.reward_aggregator
        #: turns the rewards reported by the external env into the scalar reward of the step
        self.external_reward_aggregator = ExternalCoreEnvRewardAggregator()
        self.channel = channel
        self.caller_thread: threading.Thread | None = None
        self.flat_step_key = flat_step_key
        self._state: Any = None
        self._actor_id: ActorID = ActorID(flat_step_key, 0)
        self._last: ExternalStep | None = None
        self._awaiting_action = False  # the caller waits for an action for self._last
        self._closing = False  # the caller waits for the end of the episode

    # ------------------------------------------------------------------ hand-over
    def _receive(self) -> ExternalStep:
        msg = self.channel.receive(self.channel.to_env, self.caller_thread, "caller thread")
        if msg.kind == "stop":
            raise DeploymentStopped()
        return msg

    def _adopt(self, msg: ExternalStep, dispatch_events: bool = True) -> None:
        self._last = msg
        self._state = msg.maze_state
        self._actor_id = msg.actor_id if msg.actor_id is not None else ActorID(self.flat_step_key, 0)
        if dispatch_events and msg.events:
            for ev in msg.events:
                topic = self.pubsub.create_event_topic(ev.interface_class)
                getattr(topic, ev.interface_method.__name__)(**ev.attributes)

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[Any, dict]:
        """Start an episode with the next external state.

        After ``close()`` the caller is told that the episode ended; if the wrapper stack ended an episode by
        itself (e.g. a time limit) while the caller waits for an action, the current external state starts the
        next episode.
        """
        if self._closing:
            self._closing = False
            self._awaiting_action = False
            self.channel.to_caller.put(("episode_end", None))
        reused = self._awaiting_action and self._last is not None
        if reused:
            msg = self._last
        else:
            msg = self._receive()
            while msg.kind == "close":  # close() without a running episode
                self.channel.to_caller.put(("episode_end", None))
                msg = self._receive()
        self._awaiting_action = True
        self._adopt(msg, dispatch_events=not reused)
        return msg.maze_state, dict(msg.info or {})

    def step(self, maze_action: Any) -> tuple[Any, Any, bool, bool, dict]:
        """Hand ``maze_action`` out and return the external env's answer."""
        if self._closing:
            raise RuntimeError(
                "agent deployment: the wrapper stack stepped on after close() reported the end of the episode (a wrapper "
                "swallowed terminated/truncated)"
            )
        self._awaiting_action = False
        self.channel.to_caller.put(("action", maze_action))
        msg = self._receive()
        self._adopt(msg)
        self.external_reward_aggregator.set_reward(msg.reward)
        reward = self.external_reward_aggregator.summarize_reward(msg.maze_state)
        if msg.kind == "close":
            self._closing = True
            done = bool(msg.done)
            return msg.maze_state, reward, done, not done, dict(msg.info or {})
        self._awaiting_action = True
        return msg.maze_state, reward, False, False, dict(msg.info or {})

    # ------------------------------------------------------------------ core env interface
    def get_maze_state(self) -> Any:
        return self._state

    def actor_id(self) -> ActorID:
        return self._actor_id

    def is_actor_done(self) -> bool:
        return False

    @property
    def agent_counts_dict(self) -> dict:
        return self.original_core_env.agent_counts_dict

    def get_kpi_calculator(self) -> Any:
        return self.original_core_env.get_kpi_calculator()

    def get_renderer(self) -> Any:
        return self.original_core_env.get_renderer()

    def get_serializable_components(self) -> dict[str, Any]:
        return {}

    def seed(self, seed: Any) -> None:
        """External envs are seeded outside."""

    def close(self) -> None:
        """Nothing to release (the deployment closes the original core env)."""
