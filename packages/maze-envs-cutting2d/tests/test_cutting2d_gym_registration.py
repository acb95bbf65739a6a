"""The Cutting-2D envs under gymnasium ids: gymnasium.make, vector envs, check_env, the module:id form."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import maze.envs.cutting2d
from maze.core.utils.gym_registration import maze_env_ids
from maze.envs.cutting2d.env.maze_env import Cutting2DEnvironment
from maze.envs.cutting2d.env.struct_env import StructuredCutting2DEnvironment
from maze.envs.cutting2d.env.struct_env_masked import MaskedStructuredCutting2DEnvironment

EXPECTED = {
    "maze/Cutting2D-v0": Cutting2DEnvironment,
    "maze/Cutting2DStructured-v0": StructuredCutting2DEnvironment,
    "maze/Cutting2DStructuredMasked-v0": MaskedStructuredCutting2DEnvironment,
}


def test_ids_are_registered_on_import():
    assert set(EXPECTED) <= set(maze_env_ids())
    assert set(maze.envs.cutting2d.GYM_ENV_IDS) == set(EXPECTED)


@pytest.mark.parametrize("env_id", sorted(EXPECTED))
def test_make_reset_step(env_id):
    env = gym.make(env_id)
    maze_env = env
    while isinstance(maze_env, gym.Wrapper):  # gymnasium's OrderEnforcing / PassiveEnvChecker
        maze_env = maze_env.env
    assert type(maze_env) is EXPECTED[env_id]
    obs, _ = env.reset(seed=0)
    assert env.observation_space.contains(obs)
    for _ in range(6):  # flat: 6 core steps; structured: 3 core steps of two sub-steps
        obs, reward, terminated, truncated, _ = env.step(env.action_space.sample())
        assert env.observation_space.contains(obs) and np.isfinite(reward)
    if env_id.endswith("Masked-v0"):
        assert "inventory_mask" in obs or "cutting_mask" in obs


def test_make_kwargs_override_the_env_config():
    env = gym.make("maze/Cutting2D-v0", core_env={"max_steps": 4, "max_pieces_in_inventory": 10})
    assert env.action_space["piece_idx"].n == 10  # the conversions follow the core env's interpolated size
    env.reset(seed=0)
    ends = [env.step(env.action_space.sample())[3] for _ in range(4)]
    assert ends == [False, False, False, True]
    assert gym.make("maze/Cutting2D-v0").action_space["piece_idx"].n == 50  # the registered default is unchanged


def test_sync_vector_env_steps():
    envs = gym.vector.SyncVectorEnv([lambda: gym.make("maze/Cutting2D-v0") for _ in range(2)])
    obs, _ = envs.reset(seed=[0, 1])
    assert obs["inventory"].shape == (2, 50, 2) and obs["ordered_piece"].shape == (2, 2)
    for _ in range(3):
        obs, rewards, terminated, truncated, _ = envs.step(envs.action_space.sample())
        assert rewards.shape == (2,) and not terminated.any()
    envs.close()


def test_check_env_passes_on_the_flat_variant():
    env = gym.make("maze/Cutting2D-v0").unwrapped
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_env(env, skip_render_check=True)
    # The raw MazeEnv keeps Maze's seed() (vector envs and evaluators use it), which gymnasium's checker
    # flags; anything else would be a real problem. NoDictSpacesWrapper hides it (tests/test_sb3_interop.py).
    others = [str(w.message) for w in caught if "`seed` function is dropped" not in str(w.message)]
    assert others == []


def test_rgb_array_rendering_through_gymnasium():
    pytest.importorskip("matplotlib")
    env = gym.make("maze/Cutting2D-v0", render_mode="rgb_array")
    env.reset(seed=0)
    frame = env.render()
    assert isinstance(frame, np.ndarray) and frame.ndim == 3 and frame.shape[2] == 3 and frame.std() > 0


def test_module_prefixed_id_imports_the_package(tmp_path):
    """``gym.make("maze.envs.cutting2d:maze/...")`` works in a fresh interpreter that never imported Maze."""
    code = ("import gymnasium as gym, sys; assert 'maze.envs.cutting2d' not in sys.modules; "
            "env = gym.make('maze.envs.cutting2d:maze/Cutting2DStructuredMasked-v0'); "
            "obs, _ = env.reset(seed=0); print(sorted(obs))")
    res = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "MPLBACKEND": "Agg"})
    assert res.returncode == 0, res.stderr
    assert "inventory_mask" in res.stdout
