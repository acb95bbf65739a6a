"""Tutorial part 3: the CoreEnv of part 2, with its actor (one policy, one agent, never done)."""

from maze.core.env.structured_env import ActorID
from tutorial_maze_env.part02_renderer.env import core_env as part02


class Cutting2DCoreEnvironment(part02.Cutting2DCoreEnvironment):
    """The rendered core env of part 2 as a (single-actor) structured env (see part 1 for the parameters)."""

    def is_actor_done(self) -> bool:
        """Whether the actor that just acted is done (never: the env has a single actor for the whole episode)."""
        return False

    def actor_id(self) -> ActorID:
        """The acting actor: sub-step (policy) 0, agent 0."""
        return ActorID(step_key=0, agent_id=0)
