"""Per-env services shared by all objects of the agent-environment loop."""

from __future__ import annotations

import random
import uuid

from maze.core.events.event_service import EventService


class EnvironmentContext:
    """Keeps the event service, the lazily generated episode ID and the core step counter.

    Episode IDs are random UUIDs; once the env is seeded (:meth:`seed_episode_ids`) they come from a stream derived
    from the seed, so runs with fixed seeds name their episodes (and trajectory files) the same way every time.
    """

    __slots__ = ("event_service", "_episode_id", "step_id", "_step_in_progress", "_keep_open", "_id_rng")

    def __init__(self) -> None:
        self.event_service = EventService()
        self._episode_id: str | None = None
        self._id_rng: random.Random | None = None
        self.step_id = 0
        self._step_in_progress = False
        self._keep_open = False

    @property
    def episode_id(self) -> str:
        """The episode UUID (generated on first access, so unused IDs cost nothing)."""
        if self._episode_id is None:
            if self._id_rng is None:
                self._episode_id = str(uuid.uuid4())
            else:
                self._episode_id = str(uuid.UUID(int=self._id_rng.getrandbits(128), version=4))
        return self._episode_id

    def seed_episode_ids(self, seed: object) -> None:
        """Derive the IDs of the following episodes from ``seed`` (reproducible episode and file names)."""
        self._id_rng = random.Random(f"maze-episode-ids:{seed!r}")

    def pre_step(self) -> None:
        """Called before a (sub-)step: drops the previous step's events once a core step completed."""
        if not self._step_in_progress:
            self.event_service.clear_events()
            self._step_in_progress = True

    def post_step(self) -> None:
        """Called after a (sub-)step: completes the core step unless the core env kept it open."""
        if self._keep_open:
            self._keep_open = False
        else:
            self.step_id += 1
            self._step_in_progress = False

    def increment_env_step(self) -> None:
        """Complete the current core step (advances the step counter)."""
        self.step_id += 1
        self._step_in_progress = False

    def keep_step_open(self) -> None:
        """Called by a structured core env during a sub-step that does not complete the core step:
        the step counter stays and events of all sub-steps accumulate until the core step ends."""
        self._keep_open = True

    def clone_from(self, other: EnvironmentContext) -> None:
        """Take over the episode ID and step counter of ``other`` (for simulated envs that clone another env's
        state); the event service and its subscribers stay this context's own."""
        self._episode_id = other._episode_id
        self.step_id = other.step_id
        self._step_in_progress = other._step_in_progress
        self._keep_open = other._keep_open

    def reset_env_episode(self) -> None:
        """Called on env reset: new episode ID, step counter to 0, events cleared."""
        self._episode_id = None
        self.step_id = 0
        self._step_in_progress = False
        self._keep_open = False
        self.event_service.clear_events()
