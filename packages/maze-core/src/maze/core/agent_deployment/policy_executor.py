"""The agent-env loop of an agent deployment, run on the deployment's helper thread."""

from __future__ import annotations

import traceback
from typing import Any

from maze.core.agent_deployment.external_core_env import DeploymentChannel, DeploymentStopped
from maze.core.agent_deployment.maze_action_candidates import ActionCandidates


class PolicyExecutor:
    """Executes the provided policy in an agent deployment setting.

    It runs an ordinary ``reset → policy → step → ...`` loop on the deployed env stack; the stack's core env is an
    :class:`~maze.core.agent_deployment.external_core_env.ExternalCoreEnv`, so every ``step`` hands the MazeAction to
    the caller of ``AgentDeployment.act`` and waits for the next external state. The loop ends when the deployment is
    shut down; an exception of the policy or the stack is handed to the caller (with its traceback).

    :param env: the deployed env stack (its core env is the external core env).
    :param policy: the policy to execute.
    :param channel: the deployment's hand-over channel (errors are reported through it).
    :param num_candidates: if set, ask the policy for this many action candidates instead of one action.
    :param deterministic: ask the policy for deterministic actions.
    """

    def __init__(self, env: Any, policy: Any, channel: DeploymentChannel, num_candidates: int | None = None,
                 deterministic: bool = False) -> None:
        self.env = env
        self.policy = policy
        self.channel = channel
        self.num_candidates = num_candidates
        self.deterministic = bool(deterministic)

    def compute_action(self, observation: Any) -> Any:
        """The action (or :class:`ActionCandidates`) of the policy for the env's current actor."""
        env, policy = self.env, self.policy
        actor_id = env.actor_id()
        maze_state = env.get_maze_state() if policy.needs_state() else None
        policy_env = env if policy.needs_env() else None
        if self.num_candidates is not None:
            actions, probabilities = policy.compute_top_action_candidates(
                observation, self.num_candidates, maze_state=maze_state, env=policy_env, actor_id=actor_id)
            return ActionCandidates(actions, probabilities)
        return policy.compute_action(observation, maze_state=maze_state, env=policy_env, actor_id=actor_id,
                                     deterministic=self.deterministic)

    def run_rollout_maze(self) -> None:
        """Step the env until the deployment is shut down (the target of the deployment's helper thread)."""
        env, policy = self.env, self.policy
        try:
            while True:
                obs, _ = env.reset()
                policy.reset()
                while True:
                    obs, _, terminated, truncated, _ = env.step(self.compute_action(obs))
                    if terminated or truncated:
                        break
        except DeploymentStopped:
            return
        except BaseException as exc:  # noqa: BLE001 - handed to the caller of act()/close()
            self.channel.to_caller.put(("error", (exc, traceback.format_exc())))
