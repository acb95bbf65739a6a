"""maze-core's own plugin: built-in components are registered exactly like third-party ones."""

from __future__ import annotations

from maze.core.plugins import Component, hookimpl


@hookimpl
def maze_config_search_path() -> list[str]:
    return ["pkg://maze.core.conf"]


@hookimpl
def maze_register_envs() -> list[Component]:
    return [
        Component("gym_env", "maze.core.wrappers.maze_gym_env_wrapper.make_gym_maze_env",
                  help="any gymnasium env id as a MazeEnv with dict spaces", config="env/gym_env"),
        Component("GymMazeEnv", "maze.core.wrappers.maze_gym_env_wrapper.GymMazeEnv",
                  help="gymnasium env (id or instance) → MazeEnv"),
    ]


@hookimpl
def maze_register_policies() -> list[Component]:
    return [
        Component("random_policy", "maze.core.agent.random_policy.RandomPolicy",
                  help="uniform random actions", config="policy/random_policy"),
        Component("masked_random_policy", "maze.core.agent.random_policy.MaskedRandomPolicy",
                  help="random actions respecting '<action>_mask' observations", config="policy/masked_random_policy"),
    ]


@hookimpl
def maze_register_runners() -> list[Component]:
    return [
        Component("sequential", "maze.core.rollout.sequential_rollout_runner.SequentialRolloutRunner",
                  help="rollouts in the main process (rendering supported)", config="runner/sequential"),
    ]


@hookimpl
def maze_register_wrappers() -> list[Component]:
    return [
        Component("Wrapper", "maze.core.wrappers.wrapper.Wrapper", help="pass-through wrapper base"),
    ]
