"""Synthetic envs of the benchmarks: CartPole whose step costs a set amount of CPU, flat and structured, and a
CartPole with 84x84x3 image observations (gymnasium envs, and MazeEnvs of them for Maze's vector envs and configs).

* :class:`EnvBoundCartPole` (gymnasium id ``MazeBench/EnvBoundCartPole-v0``): CartPole-v1 dynamics plus
  ``work_iterations`` iterations of a pure-Python busy loop per step (CPU work, not sleep: the step holds its
  core as a Python simulation does). :func:`calibrate_work` turns microseconds into iterations on this machine.
* :class:`StructuredEnvBound` (a MazeEnv): the same dynamics as a structured env with two sub-steps per core
  step; sub-step ``propose`` sees the cart state and proposes a push, sub-step ``decide`` sees the state plus the
  proposal (a different observation space) and pushes. Every sub-step costs ``work_iterations``.
* :class:`ImageObsCartPole` (gymnasium id ``MazeBench/ImageObsCartPole-v0``): CartPole dynamics whose observation
  is an 84x84x3 ``uint8`` frame (drawn cheaply from a fixed bank of frames, so IPC dominates the step cost).

Every script imports this module (``benchmarks/`` is on ``sys.path`` when a script in it runs); the ids are
registered on import. Run on its own, it checks the calibration: requested vs. measured step cost.

    python benchmarks/synthetic_envs.py [--cost-us 1000]
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium.envs.classic_control.cartpole import CartPoleEnv

from maze.core.env.action_conversion import ActionConversionInterface
from maze.core.env.core_env import CoreEnv
from maze.core.env.maze_env import MazeEnv
from maze.core.env.observation_conversion import ObservationConversionInterface
from maze.core.env.structured_env import ActorID
from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv

ENV_BOUND_ID = "MazeBench/EnvBoundCartPole-v0"
IMAGE_OBS_ID = "MazeBench/ImageObsCartPole-v0"
IMAGE_SHAPE = (84, 84, 3)


def busy_work(iterations: int) -> int:
    """Pure-Python CPU work (holds the GIL like a Python simulation step); returns a checksum."""
    acc = 0
    for i in range(iterations):
        acc ^= i * 7
    return acc


def calibrate_work(cost_us: float, rounds: int = 7) -> int:
    """Iterations of :func:`busy_work` that take ``cost_us`` microseconds here (fastest of ``rounds``)."""
    if cost_us <= 0:
        return 0
    probe = 20_000
    best = min(_time_work(probe) for _ in range(rounds))
    return max(1, round(probe * cost_us * 1e-6 / best))


def _time_work(iterations: int) -> float:
    t0 = time.perf_counter()
    busy_work(iterations)
    return time.perf_counter() - t0


class EnvBoundCartPole(gym.Env):
    """CartPole-v1 dynamics (500-step time limit via the registered id) plus CPU busy work per step.

    :param work_iterations: busy-loop iterations per step (see :func:`calibrate_work`).
    :param render_mode: accepted for ``gymnasium.make``; the env does not render.
    """

    metadata: dict[str, Any] = {"render_modes": []}

    def __init__(self, work_iterations: int = 0, render_mode: str | None = None) -> None:
        self.cartpole = CartPoleEnv()
        self.render_mode = render_mode
        self.work_iterations = int(work_iterations)
        self.observation_space = self.cartpole.observation_space
        self.action_space = self.cartpole.action_space

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[np.ndarray, dict]:
        super().reset(seed=seed)
        return self.cartpole.reset(seed=seed, options=options)

    def step(self, action: Any) -> tuple[np.ndarray, float, bool, bool, dict]:
        busy_work(self.work_iterations)
        return self.cartpole.step(action)


class ImageObsCartPole(gym.Env):
    """CartPole-v1 dynamics with an 84x84x3 ``uint8`` observation (a frame of a fixed random bank per step).

    :param n_frames: size of the frame bank (drawn once from a fixed seed).
    :param render_mode: accepted for ``gymnasium.make``; the env does not render.
    """

    metadata: dict[str, Any] = {"render_modes": []}

    def __init__(self, n_frames: int = 16, render_mode: str | None = None) -> None:
        self.cartpole = CartPoleEnv()
        self.render_mode = render_mode
        self.frames = np.random.default_rng(0).integers(0, 256, size=(n_frames, *IMAGE_SHAPE), dtype=np.uint8)
        self.observation_space = gym.spaces.Box(0, 255, IMAGE_SHAPE, np.uint8)
        self.action_space = self.cartpole.action_space
        self._t = 0

    def _frame(self) -> np.ndarray:
        self._t += 1
        return self.frames[self._t % len(self.frames)]

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[np.ndarray, dict]:
        super().reset(seed=seed)
        _, info = self.cartpole.reset(seed=seed, options=options)
        self._t = 0 if seed is None else int(seed) % len(self.frames)
        return self._frame(), info

    def step(self, action: Any) -> tuple[np.ndarray, float, bool, bool, dict]:
        _, reward, terminated, truncated, info = self.cartpole.step(action)
        return self._frame(), reward, terminated, truncated, info


def _register() -> None:
    for env_id, entry in ((ENV_BOUND_ID, EnvBoundCartPole), (IMAGE_OBS_ID, ImageObsCartPole)):
        if env_id not in gym.registry:
            gym.register(env_id, entry_point=entry, max_episode_steps=500)


_register()


class FlatEnvBound(GymMazeEnv):
    """The flat env-bound CartPole as a MazeEnv (``GymMazeEnv`` of the registered id).

    :param work_iterations: busy-loop iterations per step.
    """

    def __init__(self, work_iterations: int = 0) -> None:
        super().__init__(ENV_BOUND_ID, work_iterations=work_iterations)


class ImageObsEnv(GymMazeEnv):
    """The image-observation CartPole as a MazeEnv."""

    def __init__(self) -> None:
        super().__init__(IMAGE_OBS_ID)


class _StructuredCore(CoreEnv):
    """Sub-step ``propose`` proposes a push, sub-step ``decide`` pushes; busy work in every sub-step."""

    def __init__(self, work_iterations: int, max_steps: int) -> None:
        super().__init__()
        self.cartpole = CartPoleEnv()
        self.work_iterations, self.max_steps = int(work_iterations), int(max_steps)
        self.proposal: int | None = None
        self.steps = 0

    def seed(self, seed: int) -> None:
        self.cartpole.reset(seed=int(seed))

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[Any, dict]:
        state, info = self.cartpole.reset(seed=seed, options=options)
        self.proposal, self.steps = None, 0
        return {"state": state, "proposal": None}, info

    def step(self, maze_action: Any) -> tuple[Any, float, bool, bool, dict]:
        busy_work(self.work_iterations)
        if self.proposal is None:
            self.proposal = int(maze_action)
            self.context.keep_step_open()
            return self.get_maze_state(), 0.0, False, False, {}
        state, reward, terminated, _, info = self.cartpole.step(int(maze_action))
        self.proposal = None
        self.steps += 1
        return {"state": state, "proposal": None}, reward, terminated, self.steps >= self.max_steps, info

    def get_maze_state(self) -> Any:
        return {"state": np.asarray(self.cartpole.state, dtype=np.float32), "proposal": self.proposal}

    def actor_id(self) -> ActorID:
        return ActorID("propose" if self.proposal is None else "decide", 0)

    @property
    def agent_counts_dict(self) -> dict:
        return {"propose": 1, "decide": 1}


class _StructuredObs(ObservationConversionInterface):
    def __init__(self, with_proposal: bool) -> None:
        spaces: dict[str, gym.Space] = {"observation": CartPoleEnv().observation_space}
        if with_proposal:
            spaces["proposal"] = gym.spaces.Box(0.0, 1.0, (2,), np.float32)
        self.with_proposal, self._space = with_proposal, gym.spaces.Dict(spaces)

    def maze_to_space(self, maze_state: Any) -> dict:
        obs = {"observation": maze_state["state"]}
        if self.with_proposal:
            obs["proposal"] = np.eye(2, dtype=np.float32)[maze_state["proposal"] or 0]
        return obs

    def space(self) -> gym.spaces.Dict:
        return self._space


class _StructuredAct(ActionConversionInterface):
    def __init__(self) -> None:
        self._space = gym.spaces.Dict({"action": gym.spaces.Discrete(2)})

    def space_to_maze(self, action: dict, maze_state: Any) -> int:
        return int(action["action"])

    def maze_to_space(self, maze_action: Any) -> dict:
        return {"action": maze_action}

    def space(self) -> gym.spaces.Dict:
        return self._space


class StructuredEnvBound(MazeEnv):
    """The structured env-bound CartPole: two sub-steps per core step with different observation spaces.

    :param work_iterations: busy-loop iterations per sub-step.
    :param max_steps: core steps per episode (truncation).
    """

    def __init__(self, work_iterations: int = 0, max_steps: int = 500) -> None:
        super().__init__(_StructuredCore(work_iterations, max_steps), {"propose": _StructuredAct(), "decide": _StructuredAct()},
                         {"propose": _StructuredObs(with_proposal=False), "decide": _StructuredObs(with_proposal=True)})


def measured_step_us(env: gym.Env, n_steps: int) -> float:
    """Mean microseconds per step of a gymnasium env with random actions (resets included)."""
    env.reset(seed=0)
    actions = np.random.default_rng(0).integers(0, 2, size=n_steps).tolist()
    t0 = time.perf_counter()
    for a in actions:
        _, _, terminated, truncated, _ = env.step(a)
        if terminated or truncated:
            env.reset()
    return (time.perf_counter() - t0) / n_steps * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cost-us", type=float, default=1000.0, help="requested CPU cost per step")
    args, ignored = parser.parse_known_args()
    if ignored:
        print(f"(ignoring arguments of other benchmarks: {ignored})")
    iterations = calibrate_work(args.cost_us)
    n_steps = max(200, int(2e6 / max(args.cost_us, 1.0)))
    raw = measured_step_us(gym.make("CartPole-v1"), n_steps)
    bound = measured_step_us(gym.make(ENV_BOUND_ID, work_iterations=iterations), n_steps)
    print(f"busy work: {iterations} iterations for {args.cost_us:.0f} us; CartPole-v1 {raw:.1f} us/step; "
          f"{ENV_BOUND_ID}: {bound:.1f} us/step ({bound / (args.cost_us + raw):.2f} x requested + CartPole)")


if __name__ == "__main__":
    main()
