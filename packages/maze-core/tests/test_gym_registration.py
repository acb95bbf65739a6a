"""register_maze_env: Maze envs under gymnasium ids, built from a factory or from a Hydra env config."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

from maze.core.env.maze_env import MazeEnv
from maze.core.utils.gym_registration import MAZE_NAMESPACE, maze_env_ids, register_maze_env
from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv


@pytest.fixture
def fresh_ids():
    """Ids registered by a test are removed from gymnasium's registry afterwards."""
    before = set(gym.registry)
    yield
    for env_id in set(gym.registry) - before:
        del gym.registry[env_id]


def make_pendulum(episode_steps: int = 200) -> MazeEnv:
    """A factory entry point (module:attr)."""
    return GymMazeEnv(gym.make("Pendulum-v1", max_episode_steps=episode_steps))


def test_env_config_registration_builds_the_env_of_the_hydra_option(fresh_ids):
    spec = register_maze_env("maze/TestAcrobot-v0", env_config="gym_env", kwargs={"name": "Acrobot-v1"})
    assert spec.namespace == MAZE_NAMESPACE and "maze/TestAcrobot-v0" in maze_env_ids()
    env = gym.make("maze/TestAcrobot-v0")
    assert isinstance(env.unwrapped, MazeEnv)
    assert env.observation_space["observation"].shape == (6,)  # Acrobot, not the config's default CartPole
    obs, _ = env.reset(seed=3)
    assert env.observation_space.contains(obs)
    obs, reward, *_ = env.step(env.action_space.sample())
    assert reward == -1.0  # Acrobot pays -1 per step
    # make() keyword arguments override the env config; the registered default stays
    cart = gym.make("maze/TestAcrobot-v0", name="CartPole-v1")
    assert cart.observation_space["observation"].shape == (4,)
    assert gym.make("maze/TestAcrobot-v0").observation_space["observation"].shape == (6,)


def test_entry_point_registration_and_gymnasium_vector_env(fresh_ids):
    register_maze_env("TestPendulum-v1", f"{__name__}:make_pendulum", kwargs={"episode_steps": 3})
    assert "maze/TestPendulum-v1" in gym.registry  # the maze/ namespace is added
    env = gym.make("maze/TestPendulum-v1")
    env.reset(seed=0)
    assert [env.step(env.action_space.sample())[3] for _ in range(3)] == [False, False, True]  # kwargs reached it
    envs = gym.vector.SyncVectorEnv([lambda: gym.make("maze/TestPendulum-v1") for _ in range(3)])
    obs, _ = envs.reset(seed=[1, 2, 3])
    assert obs["observation"].shape == (3, 3)
    obs, rewards, terminated, truncated, _ = envs.step(envs.action_space.sample())
    assert rewards.shape == (3,) and np.all(rewards <= 0)
    envs.close()


def test_registration_is_idempotent_and_conflicts_name_both(fresh_ids):
    first = register_maze_env("maze/TestTwice-v0", env_config="gym_env")
    assert register_maze_env("maze/TestTwice-v0", env_config="gym_env") is first
    with pytest.raises(ValueError) as info:
        register_maze_env("maze/TestTwice-v0", f"{__name__}:make_pendulum")
    message = str(info.value)
    assert "maze/TestTwice-v0" in message and "make_env_from_options" in message and "make_pendulum" in message


@pytest.mark.parametrize("env_id, entry_point, env_config, wrappers_config, match", [
    ("maze/NoVersion", None, "gym_env", None, "has no version"),
    ("maze/Bad Id-v0", None, "gym_env", None, "malformed"),
    ("maze/Both-v0", "x:y", "gym_env", None, "exactly one"),
    ("maze/Neither-v0", None, None, None, "exactly one"),
    ("maze/Wrap-v0", "x:y", None, "no_wrappers", "wrappers_config needs env_config"),
])
def test_bad_registrations_fail_clearly(fresh_ids, env_id, entry_point, env_config, wrappers_config, match):
    with pytest.raises(ValueError, match=match):
        register_maze_env(env_id, entry_point, env_config=env_config, wrappers_config=wrappers_config)
    assert env_id not in gym.registry


def test_unknown_env_option_fails_at_make_with_the_valid_options(fresh_ids):
    from maze.core.utils.factory import ConfigError

    register_maze_env("maze/TestMissing-v0", env_config="no_such_env")
    with pytest.raises(ConfigError) as info:
        gym.make("maze/TestMissing-v0")
    assert "no_such_env" in str(info.value) and "gym_env" in str(info.value)
