"""Factory (config → object with type checks), config helpers and MazeSeeding."""

from __future__ import annotations

import numpy as np
import pytest
from omegaconf import OmegaConf

from maze.core.agent.policy import Policy
from maze.core.agent.random_policy import MaskedRandomPolicy, RandomPolicy
from maze.core.env.maze_env import MazeEnv
from maze.core.utils.config_utils import list_to_dict, make_env, make_policy
from maze.core.utils.factory import ConfigError, Factory
from maze.core.utils.seeding import MazeSeeding
from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
from maze.core.wrappers.wrapper import Wrapper


def test_instantiate_from_config_with_path_short_name_and_dictconfig():
    env = Factory(MazeEnv).instantiate({"_target_": "maze.core.wrappers.maze_gym_env_wrapper.GymMazeEnv", "env": "CartPole-v1"})
    assert isinstance(env, GymMazeEnv)
    env2 = Factory(MazeEnv, kind="env").instantiate(OmegaConf.create({"_target_": "gym_env", "name": "Pendulum-v1"}))
    assert env2.action_space["action"].shape == (1,)
    assert Factory(MazeEnv).instantiate(env) is env
    policy = Factory(Policy, kind="policy").instantiate("random_policy", action_spaces_dict=env.action_spaces_dict)
    assert isinstance(policy, RandomPolicy)


def test_kwargs_override_config_and_optional_kwargs_only_when_accepted():
    spaces = GymMazeEnv("CartPole-v1").action_spaces_dict
    policy = Factory(Policy).instantiate(
        {"_target_": "masked_random_policy", "mask_keys": {"a": "b"}},
        _optional_kwargs={"action_spaces_dict": spaces, "not_an_argument": 1},
    )
    assert isinstance(policy, MaskedRandomPolicy) and policy.mask_keys == {"a": "b"}


def test_factory_errors_name_key_value_and_expectation():
    with pytest.raises(ConfigError, match="no '_target_' key"):
        Factory(Policy).instantiate({"seed": 1})
    spaces = GymMazeEnv("CartPole-v1").action_spaces_dict
    with pytest.raises(ConfigError, match=r"\['bogus'\] are not arguments.*Valid arguments"):
        Factory(Policy).instantiate({"_target_": "random_policy", "action_spaces_dict": spaces, "bogus": 3})
    with pytest.raises(ValueError, match=r"env.name='CartPole-v1': cannot create this gymnasium env with arguments \{'bogus': 3\}"):
        Factory(MazeEnv).instantiate({"_target_": "gym_env", "name": "CartPole-v1", "bogus": 3})
    with pytest.raises(ConfigError, match="requires argument"):
        Factory(Policy).instantiate({"_target_": "random_policy"})
    # a class of the wrong type is refused before it is called
    with pytest.raises(ConfigError, match=r"_target_ = 'collections.OrderedDict' resolves to the class "
                                          r"collections.OrderedDict, expected a subclass of maze.core.agent.policy.Policy$"):
        Factory(Policy).instantiate({"_target_": "collections.OrderedDict"})
    with pytest.raises(ConfigError, match="unknown policy 'nope'.*random_policy"):
        Factory(Policy, kind="policy").instantiate({"_target_": "nope"})
    with pytest.raises(ConfigError, match="got None"):
        Factory(Policy).instantiate(None)


def test_instantiate_collection_keeps_mapping_keys():
    spaces = GymMazeEnv("CartPole-v1").action_spaces_dict
    out = Factory(Policy).instantiate_collection(
        {"a": {"_target_": "random_policy", "action_spaces_dict": spaces}, "b": {"_target_": "masked_random_policy", "action_spaces_dict": spaces}}
    )
    assert isinstance(out["a"], RandomPolicy) and isinstance(out["b"], MaskedRandomPolicy)
    assert list_to_dict(["x", "y"]) == {0: "x", 1: "y"}


def test_make_env_applies_wrappers_in_order_and_rejects_unknown_ones():
    class Tag(Wrapper):
        def __init__(self, env, tag: str):
            super().__init__(env)
            self.tag = tag

    path = f"{__name__}.Tag"
    globals()["Tag"] = Tag
    env = make_env({"_target_": "gym_env", "name": "CartPole-v1"}, {path: {"tag": "inner"}, "Wrapper": {}})
    assert type(env) is Wrapper and type(env.env) is Tag and env.env.tag == "inner"
    with pytest.raises(ConfigError, match="wrappers = 'NoSuchWrapper'.*registered wrapper names"):
        make_env({"_target_": "gym_env", "name": "CartPole-v1"}, {"NoSuchWrapper": {}})
    with pytest.raises(ConfigError, match="rejected its arguments"):
        make_env({"_target_": "gym_env", "name": "CartPole-v1"}, {path: {"wrong": 1}})
    policy = make_policy({"_target_": "random_policy"}, env)
    assert policy.compute_action({}) in env.action_space


def test_masked_random_policy_never_samples_masked_actions():
    import gymnasium as gym

    spaces = {0: gym.spaces.Dict({"piece": gym.spaces.Discrete(5)})}
    policy = MaskedRandomPolicy(spaces, seed=3)
    mask = np.array([0, 1, 0, 1, 0])
    picks = {int(policy.compute_action({"piece_mask": mask})["piece"]) for _ in range(200)}
    assert picks == {1, 3}
    declared = MaskedRandomPolicy(spaces, seed=3, action_mask_keys={"piece": "inventory_mask"})
    assert {int(declared.compute_action({"inventory_mask": mask})["piece"]) for _ in range(100)} == {1, 3}
    explicit = MaskedRandomPolicy(spaces, mask_keys={"piece": "m"}, action_mask_keys={"piece": "inventory_mask"})
    assert explicit.mask_keys == {"piece": "m"}
    with pytest.raises(ValueError, match="3 entries but action 'piece' has 5"):
        policy.compute_action({"piece_mask": np.ones(3)})


def test_maze_seeding_is_reproducible_and_explicit_seeds_win():
    a, b = MazeSeeding(1, 2), MazeSeeding(1, 2)
    assert a.get_explicit_env_seeds(5) == b.get_explicit_env_seeds(5)
    assert a.generate_agent_instance_seed() == b.generate_agent_instance_seed()
    assert MazeSeeding(1, 2).get_explicit_env_seeds(3) != MazeSeeding(9, 2).get_explicit_env_seeds(3)
    c = MazeSeeding.from_config({"env_base_seed": 5, "explicit_env_seeds": [10, 11]})
    assert c.get_explicit_env_seeds(3) == [10, 11, 10] and c.env_base_seed == 5


def test_random_policy_seeding_is_reproducible():
    spaces = GymMazeEnv("CartPole-v1").action_spaces_dict
    p1, p2 = RandomPolicy(spaces, seed=4), RandomPolicy(dict(spaces), seed=4)
    assert [p1.compute_action(None)["action"] for _ in range(20)] == [p2.compute_action(None)["action"] for _ in range(20)]
