"""Agent deployment: a policy plus the whole wrapper stack, queried with MazeStates from an external env.

Production envs often invert control: the env asks the agent for an action whenever it is ready, instead
of being stepped. Wrappers (observation processing, normalization, frame stacking, statistics, time limits)
are part of the env in the gymnasium model, so :class:`AgentDeployment` keeps the env stack and lets it run
its normal ``reset → step → step → ... → reset`` sequence while the states come from outside.

How it works: the core env under the MazeEnv is swapped for an :class:`ExternalCoreEnv`, and an ordinary
agent-env loop (reset, policy, step...; the :class:`~maze.core.agent_deployment.policy_executor.PolicyExecutor`)
runs on a helper thread. ``ExternalCoreEnv.step(maze_action)`` hands
the MazeAction (computed by the policy and converted by all wrappers and the MazeEnv) to ``act()`` and
pauses until the next ``act()``/``close()`` delivers the next state. The two threads never run at the same
time; the helper thread only keeps the stack's call frames alive between two ``act()`` calls.

Why not a single-threaded "step when the next state arrives" design: the MazeAction for state *s_t* is only
known after the wrapper stack's ``step(action_t)`` converted it, and that ``step`` can only return after
*s_t+1* exists. Deferring the step would force ``act`` to convert actions outside the stack (losing wrappers
with logic in ``step``, step-skipping, random resets). The paused frame avoids this at the cost of two thread
hand-offs per ``act`` (see ``benchmarks/deployment_latency.py``).

Episodes: the first ``act()`` starts an episode (``reset``), ``close(final_state, ...)`` ends it (wrappers see
``terminated=done``, ``truncated=not done``; statistics are computed when ``close`` returns) and the next
``act()`` starts a new one. If a wrapper ends an episode by itself (time limit), the next episode starts from
the current external state. Call :meth:`shutdown` (or use the deployment as a context manager) at the end.
"""

from __future__ import annotations

import threading
from typing import Any

from maze.core.agent_deployment.external_core_env import DeploymentChannel, ExternalCoreEnv, ExternalStep
from maze.core.agent_deployment.maze_action_candidates import (
    ActionCandidates,
    ActionConversionCandidatesInterface,
    MazeActionCandidates,
)
from maze.core.agent_deployment.policy_executor import PolicyExecutor
from maze.core.env.structured_env import ActorID

__all__ = ["ActionCandidates", "ActionConversionCandidatesInterface", "AgentDeployment", "AgentDeploymentError",
           "MazeActionCandidates"]


class AgentDeploymentError(RuntimeError):
    """The policy or the wrapper stack raised while computing an action (message carries the traceback)."""


class AgentDeployment:
    """Packages a policy with its env's wrapper stack for use with an external env (``act`` / ``close``).

    Example (an external gymnasium CartPole drives the deployment)::

        deployment = AgentDeployment(policy=RandomPolicy(env.action_spaces_dict), env=GymMazeEnv("CartPole-v1"))
        external = gymnasium.make("CartPole-v1")
        state, _ = external.reset(seed=0)
        reward, done, info = 0.0, False, {}
        while not done:
            maze_action = deployment.act(state, reward, done, info)
            state, reward, terminated, truncated, info = external.step(maze_action)
            done = terminated or truncated
        deployment.close(state, reward, terminated, info)   # ends the episode; act() may start the next one
        deployment.shutdown()

    :param policy: a :class:`~maze.core.agent.policy.Policy` or a policy config.
    :param env: a MazeEnv (possibly wrapped) or an env config; its core env is replaced (do not step it yourself).
    :param wrappers: wrapper config applied on top of ``env`` (``WrapperFactory`` format).
    :param num_candidates: if set, ``act`` returns :class:`MazeActionCandidates` with this many candidates from
        ``policy.compute_top_action_candidates`` (the stack must not contain action wrappers).
    :param deterministic: ask the policy for deterministic actions.
    """

    def __init__(self, policy: Any, env: Any, wrappers: Any = None, num_candidates: int | None = None,
                 deterministic: bool = False) -> None:
        from maze.core.agent.policy import Policy
        from maze.core.env.maze_env import MazeEnv
        from maze.core.utils.config_utils import make_env, make_policy
        from maze.core.wrappers.wrapper import ActionWrapper, Wrapper
        from maze.core.wrappers.wrapper_factory import WrapperFactory

        if isinstance(env, (MazeEnv, Wrapper)):
            env = WrapperFactory.wrap_from_config(env, wrappers) if wrappers else env
        else:
            env = make_env(env, wrappers)
        self.env = env
        self.policy = policy if isinstance(policy, Policy) else make_policy(policy, env)
        if num_candidates is not None and int(num_candidates) < 1:
            raise ValueError(f"num_candidates must be >= 1 or None, got {num_candidates}")
        self.num_candidates = int(num_candidates) if num_candidates is not None else None
        self.deterministic = bool(deterministic)

        maze_env = env.maze_env
        self.maze_env = maze_env
        self.channel = DeploymentChannel()
        flat_key = next(iter(maze_env.action_conversion_dict))
        self._structured = len(maze_env.action_conversion_dict) > 1
        self.original_core_env = maze_env.core_env
        self.external_core_env = ExternalCoreEnv(maze_env.core_env, self.channel, flat_step_key=flat_key)
        maze_env.core_env = self.external_core_env
        if self.num_candidates is not None:
            layer = env
            while isinstance(layer, Wrapper):
                if isinstance(layer, ActionWrapper) or type(layer).__name__.endswith("ActionWrapper"):
                    raise ValueError(f"num_candidates cannot be used with action wrappers in the stack ({type(layer).__name__})")
                layer = layer.env
            for key, conversion in list(maze_env.action_conversion_dict.items()):
                maze_env.action_conversion_dict[key] = ActionConversionCandidatesInterface(conversion)

        self.executor = PolicyExecutor(env, self.policy, self.channel, self.num_candidates, self.deterministic)
        self._thread: threading.Thread | None = None
        self._failed: BaseException | None = None
        self._episode_running = False
        self._shut_down = False
        self.episode_count = 0

    # ------------------------------------------------------------------ public API
    def act(self, maze_state: Any, reward: Any, done: bool, info: dict | None, events: list | None = None,
            actor_id: ActorID | None = None) -> Any:
        """Process the next external state through the wrapper stack and return the MazeAction for it.

        :param maze_state: the current state of the external env.
        :param reward: reward of the previous step (ignored for the first state of an episode).
        :param done: must be ``False``; end episodes with :meth:`close`.
        :param info: info dict of the previous step.
        :param events: EventRecords the external env dispatched in the previous step (re-dispatched into the
            stack, e.g. for statistics).
        :param actor_id: the acting actor for structured envs (default: the single actor of a flat env).
        :return: the MazeAction (or :class:`MazeActionCandidates` with ``num_candidates``).
        """
        if done:
            raise ValueError("act() received done=True: end the episode with close(maze_state, reward, done, info) and "
                             "call act() with the first state of the next episode")
        if actor_id is None and self._structured:
            raise ValueError("the deployed env has several sub-steps: pass actor_id=ActorID(step_key, agent_id) to act()")
        self._ensure_running()
        self.channel.to_env.put(ExternalStep("state", maze_state, reward, False, dict(info or {}), events, actor_id))
        if not self._episode_running:
            self._episode_running = True
            self.episode_count += 1
        return self._await("action")

    def close(self, maze_state: Any, reward: Any, done: bool, info: dict | None, events: list | None = None) -> None:
        """End the running episode with its final state (wrappers finish the episode, statistics are computed).

        :param done: ``True`` if the external episode terminated, ``False`` if it was cut (seen as truncated).
        """
        if not self._episode_running:
            return
        self._ensure_running()
        self.channel.to_env.put(ExternalStep("close", maze_state, reward, bool(done), dict(info or {}), events))
        self._episode_running = False
        self._await("episode_end")

    def shutdown(self) -> None:
        """Stop the helper thread and close the env (the deployment cannot be used afterwards)."""
        if self._shut_down:
            return
        self._shut_down = True
        if self._thread is not None and self._thread.is_alive():
            self.channel.to_env.put(ExternalStep("stop"))
            self._thread.join(timeout=10)
        self.maze_env.core_env = self.original_core_env
        self.env.close()

    def __enter__(self) -> AgentDeployment:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.shutdown()

    # ------------------------------------------------------------------ internals
    def _ensure_running(self) -> None:
        if self._shut_down:
            raise RuntimeError("this AgentDeployment was shut down")
        if self._failed is not None:
            raise RuntimeError("this AgentDeployment failed earlier; create a new one") from self._failed
        if self._thread is None:
            self.external_core_env.caller_thread = threading.current_thread()
            self._thread = threading.Thread(target=self.executor.run_rollout_maze, name="maze-agent-deployment",
                                            daemon=True)
            self._thread.start()

    def _await(self, expected: str) -> Any:
        kind, payload = self.channel.receive(self.channel.to_caller, self._thread, "deployment env loop")
        if kind == "error":
            exc, tb = payload
            self._failed = exc
            raise AgentDeploymentError(f"the deployed policy/env stack raised {type(exc).__name__}: {exc}\n{tb}") from exc
        if kind != expected:
            raise RuntimeError(f"agent deployment out of sync: expected {expected!r}, got {kind!r}")
        return payload
