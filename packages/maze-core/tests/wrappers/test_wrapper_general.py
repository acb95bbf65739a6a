"""TimeLimit, RandomReset, reward wrappers, isinstance through stacks, WrapperFactory configs."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from wrapper_test_env import TwoStepCoreEnv, TwoStepMazeEnv, step_both

from maze.core.env.maze_env import MazeEnv
from maze.core.env.structured_env import StructuredEnv
from maze.core.utils.factory import ConfigError
from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
from maze.core.wrappers.random_reset_wrapper import RandomResetWrapper
from maze.core.wrappers.return_normalization_reward_wrapper import ReturnNormalizationRewardWrapper
from maze.core.wrappers.reward_clipping_wrapper import RewardClippingWrapper
from maze.core.wrappers.reward_scaling_wrapper import RewardScalingWrapper
from maze.core.wrappers.time_limit_wrapper import TimeLimitWrapper
from maze.core.wrappers.wrapper import ObservationWrapper, RewardWrapper
from maze.core.wrappers.wrapper_factory import WrapperFactory


def test_time_limit_truncates_flat_env_without_touching_terminated():
    env = TimeLimitWrapper.wrap(GymMazeEnv("CartPole-v1"), max_episode_steps=3)
    env.reset(seed=3)
    flags = [env.step({"action": 0})[2:4] for _ in range(3)]
    # pushing left three times from a near-upright pole does not terminate CartPole
    assert flags == [(False, False), (False, False), (False, True)]
    assert env.elapsed_steps == 3
    env.reset()
    assert env.elapsed_steps == 0
    assert env.step({"action": 1})[3] is False


def test_time_limit_keeps_terminated_and_sets_truncated():
    env = TimeLimitWrapper.wrap(GymMazeEnv("CartPole-v1"), max_episode_steps=500)
    env.reset(seed=0)
    terminated = truncated = False
    steps = 0
    while not (terminated or truncated):
        _, _, terminated, truncated, _ = env.step({"action": 0})
        steps += 1
    assert terminated and not truncated and steps < 500
    env.set_max_episode_steps(steps)
    env.reset(seed=0)
    for _ in range(steps):
        _, _, terminated, truncated, _ = env.step({"action": 0})
    assert terminated and truncated  # both flags: terminated unchanged, truncated set at the limit


def test_time_limit_counts_core_steps_of_structured_envs():
    env = TimeLimitWrapper.wrap(TwoStepMazeEnv(max_steps=100), max_episode_steps=2)
    env.reset()
    assert env.step({"direction": 0})[3] is False
    assert env.step({"magnitude": np.zeros(2, np.float32)})[3] is False  # core step 1 complete
    assert env.step({"direction": 0})[3] is False  # sub-step of core step 2: no truncation yet
    assert env.step({"magnitude": np.zeros(2, np.float32)})[3] is True
    with pytest.raises(ValueError, match="max_episode_steps"):
        TimeLimitWrapper.wrap(TwoStepMazeEnv(), max_episode_steps=-1)


def test_time_limit_disabled_and_plain_gym_env():
    env = TimeLimitWrapper.wrap(TwoStepMazeEnv(max_steps=3), max_episode_steps=0)
    env.reset()
    results = [step_both(env) for _ in range(3)]
    assert [r[3] for r in results] == [False, False, True]  # only the env's own truncation
    plain = TimeLimitWrapper.wrap(gym.make("CartPole-v1"), max_episode_steps=2)
    plain.reset(seed=1)
    assert plain.step(0)[3] is False and plain.step(1)[3] is True


def test_random_reset_skips_between_min_and_max_steps():
    env = RandomResetWrapper.wrap(TwoStepMazeEnv(max_steps=1000), min_skip_steps=3, max_skip_steps=7)
    skipped = set()
    for seed in range(30):
        env.reset(seed=seed)
        n = env.last_skipped_steps
        skipped.add(n)
        assert 3 <= n <= 7
        # each skipped step is one sub-step: the actor is the one after n sub-steps
        assert env.actor_id().step_key == ("move" if n % 2 == 0 else "scale")
        assert env.get_env_time() == n // 2
    assert len(skipped) > 1
    env.reset(seed=5)
    first = (env.last_skipped_steps, env.get_maze_state()["position"].tolist())
    env.reset(seed=5)
    assert (env.last_skipped_steps, env.get_maze_state()["position"].tolist()) == first
    with pytest.raises(ValueError, match="min_skip_steps"):
        RandomResetWrapper.wrap(TwoStepMazeEnv(), min_skip_steps=5, max_skip_steps=2)


def test_random_reset_resets_again_when_episode_ends_while_skipping():
    env = RandomResetWrapper.wrap(TwoStepMazeEnv(max_steps=1), min_skip_steps=4, max_skip_steps=4)
    obs, _ = env.reset(seed=0)
    assert env.last_skipped_steps == 2  # the episode ended after one core step (2 sub-steps)
    assert env.get_env_time() == 0 and env.actor_id().step_key == "move"
    assert np.allclose(obs["position"], [1.0, 2.0])


def test_reward_scaling_clipping():
    env = RewardScalingWrapper.wrap(TwoStepMazeEnv(), scale=0.5)
    env.reset()
    assert step_both(env, 0, (0.0, 0.0))[1] == pytest.approx(-0.5 * (2 + 2))
    env = RewardClippingWrapper.wrap(TwoStepMazeEnv(), min_val=-1.5, max_val=0.0)
    env.reset()
    assert step_both(env, 0)[1] == -1.5
    assert env.reward(np.asarray([-3.0, 2.0, -1.0])).tolist() == [-1.5, 0.0, -1.0]
    with pytest.raises(ValueError, match="min_val"):
        RewardClippingWrapper.wrap(TwoStepMazeEnv(), min_val=1, max_val=0)


def test_return_normalization_matches_hand_computation():
    env = ReturnNormalizationRewardWrapper.wrap(TwoStepMazeEnv(max_steps=10), gamma=0.5, epsilon=1e-8)
    env.reset()
    returns = []
    g = 0.0
    for _ in range(4):
        env.step({"direction": 1})  # reward 0 sub-step also counts as a step of the return
        g = 0.5 * g
        returns.append(g)
        r = env.step({"magnitude": np.zeros(2, np.float32)})[1]
        raw = -float(np.abs(env.get_maze_state()["position"]).sum())
        g = 0.5 * g + raw
        returns.append(g)
        var = np.var(returns)  # population variance of all returns so far (Welford)
        assert r == pytest.approx(raw / np.sqrt(var + 1e-8), rel=1e-5)


def test_isinstance_through_wrapper_stacks():
    env = TwoStepMazeEnv()
    stack = RewardScalingWrapper.wrap(TimeLimitWrapper.wrap(RandomResetWrapper.wrap(env, min_skip_steps=0, max_skip_steps=1),
                                                             max_episode_steps=5), scale=2)
    for cls in (TwoStepMazeEnv, MazeEnv, StructuredEnv, gym.Env, RewardScalingWrapper, TimeLimitWrapper,
                RandomResetWrapper, RewardWrapper):
        assert isinstance(stack, cls), cls
    assert not isinstance(stack, ObservationWrapper)
    assert not isinstance(stack, TwoStepCoreEnv)
    assert stack.maze_env is env
    assert stack.max_episode_steps == 5  # attribute of an inner wrapper is forwarded


def test_wrapper_factory_from_docs_mapping():
    config = {
        "RandomResetWrapper": {"min_skip_steps": 0, "max_skip_steps": 0},
        "maze.core.wrappers.time_limit_wrapper.TimeLimitWrapper": {"max_episode_steps": 2},
        "RewardScalingWrapper": {"scale": 0.1},
    }
    env = WrapperFactory.wrap_from_config(TwoStepMazeEnv(max_steps=100), config)
    assert type(env) is RewardScalingWrapper
    assert type(env.env) is TimeLimitWrapper and type(env.env.env) is RandomResetWrapper
    env.reset()
    env.step({"direction": 0})
    _, reward, _, truncated, _ = env.step({"magnitude": np.zeros(2, np.float32)})
    assert reward == pytest.approx(-0.4) and not truncated


def test_wrapper_factory_unknown_class_lists_valid_names():
    with pytest.raises(ConfigError) as info:
        WrapperFactory.wrap_from_config(TwoStepMazeEnv(), {"TimeLimitWraper": {"max_episode_steps": 3}})
    message = str(info.value)
    assert "TimeLimitWraper" in message
    for name in ("TimeLimitWrapper", "ObservationNormalizationWrapper", "PreProcessingWrapper", "NoDictSpacesWrapper"):
        assert name in message
    with pytest.raises(ConfigError, match="max_steps"):
        WrapperFactory.wrap_from_config(TwoStepMazeEnv(), {"TimeLimitWrapper": {"max_steps": 3}})


def test_wrapper_stack_pickles_and_deep_copies():
    import copy
    import pickle

    config = {
        "TimeLimitWrapper": {"max_episode_steps": 4},
        "DiscretizeActionsWrapper": {"discretization_config": {"magnitude": {"num_bins": 3}}},
        "RewardScalingWrapper": {"scale": 2.0},
    }
    env = WrapperFactory.wrap_from_config(TwoStepMazeEnv(max_steps=100), config)
    env.reset()
    env.step({"direction": 2})
    for clone in (pickle.loads(pickle.dumps(env)), copy.deepcopy(env)):
        assert type(clone) is RewardScalingWrapper and clone.maze_env is not env.maze_env
        _, reward, _, _, _ = clone.step({"magnitude": np.asarray([2, 0])})  # (1, 3) + (1, -1) = (2, 2)
        assert reward == pytest.approx(-8.0)
        assert clone.env.env.elapsed_steps == 1  # the time limit follows the clone's own env time
    assert env.env.env.elapsed_steps == 0
