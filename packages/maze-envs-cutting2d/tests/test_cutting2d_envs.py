"""Flat, structured and masked structured Cutting-2D MazeEnvs: spaces, masks, checker, recording support."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from maze.core.agent.random_policy import MaskedRandomPolicy, RandomPolicy
from maze.core.env.structured_env import ActorID
from maze.core.trajectory_recording.serialization import TrajectoryDecoder, TrajectoryEncoder
from maze.core.trajectory_recording.writers.trajectory_writer import TrajectoryWriter
from maze.envs.cutting2d.env.events import CuttingEvents, InventoryEvents
from maze.envs.cutting2d.env.maze_action import Cutting2DMazeAction
from maze.envs.cutting2d.env.maze_env import Cutting2DEnvironment, make_cutting2d_env
from maze.envs.cutting2d.env.struct_env import StructuredCutting2DEnvironment, struct_env_factory
from maze.envs.cutting2d.env.struct_env_masked import masked_struct_env_factory

SIMPLE = {"max_pieces_in_inventory": 50, "raw_piece_size": (4, 3),
          "static_demand": [[1, 2], [1, 2], [1, 1], [2, 2], [1, 2], [1, 1]], "max_steps": 180}
INVALID = (CuttingEvents.invalid_cut, CuttingEvents.invalid_piece_selected)


class _KeepWriter(TrajectoryWriter):
    """Keeps recorded episodes in memory."""

    def __init__(self) -> None:
        self.records = []

    def write(self, episode_record) -> None:
        self.records.append(episode_record)


def test_flat_env_passes_gymnasium_env_checker():
    env = make_cutting2d_env(**SIMPLE)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # the checker reports problems as warnings
        check_env(env, skip_render_check=True)
    # Maze envs keep the BaseEnv.seed() method on purpose; any other warning is a problem
    problems = [str(w.message) for w in caught if "`seed` function is dropped" not in str(w.message)]
    assert problems == []
    obs, _ = env.reset(seed=0)
    assert set(obs) == {"inventory", "inventory_size", "ordered_piece"}
    assert obs["inventory"].shape == (50, 2) and obs["inventory"][0].tolist() == [4, 3] and not obs["inventory"][1:].any()
    assert obs["inventory_size"].tolist() == [1.0] and obs["ordered_piece"].tolist() == [1.0, 2.0]


def test_flat_env_from_docs_style_config():
    env = Cutting2DEnvironment(
        core_env={"max_pieces_in_inventory": 7, "raw_piece_size": [10, 10],
                  "demand_generator": {"_target_": "static", "demand": [3, 2]}},
        action_conversion=[{"_target_": "maze.envs.cutting2d.space_interfaces.dict_action_conversion.ActionConversion",
                            "max_pieces_in_inventory": 7}],
        observation_conversion=[{"_target_": "maze.envs.cutting2d.space_interfaces.dict_observation_conversion."
                                              "ObservationConversion", "max_pieces_in_inventory": 7, "raw_piece_size": [10, 10]}])
    assert env.action_space["piece_idx"].n == 7
    obs, _ = env.reset()
    assert obs["ordered_piece"].tolist() == [3.0, 2.0]


def test_observations_are_not_changed_by_later_steps():
    env = masked_struct_env_factory(**SIMPLE)
    obs0, _ = env.reset(seed=0)
    kept = {k: v.copy() for k, v in obs0.items()}
    obs1, *_ = env.step({"piece_idx": 0})
    kept1 = {k: v.copy() for k, v in obs1.items()}
    env.step({"cut_rotation": 0, "cut_order": 0})
    for _ in range(10):
        env.step({"piece_idx": 0})
        env.step({"cut_rotation": 1, "cut_order": 1})
    for k in kept:
        np.testing.assert_array_equal(obs0[k], kept[k])
    for k in kept1:
        np.testing.assert_array_equal(obs1[k], kept1[k])


def test_structured_env_alternates_spaces_and_actors():
    env = struct_env_factory(**SIMPLE)
    assert isinstance(env, StructuredCutting2DEnvironment) and isinstance(env, Cutting2DEnvironment)
    assert env.agent_counts_dict == {0: 1, 1: 1}
    obs, _ = env.reset(seed=1)
    assert env.actor_id() == (0, 0)
    assert set(env.action_space.spaces) == {"piece_idx"}
    assert set(obs) == set(env.observation_space.spaces) == {"inventory", "inventory_size", "ordered_piece"}
    assert env.observation_space.contains(obs)
    obs, reward, terminated, truncated, _ = env.step({"piece_idx": 0})
    assert env.actor_id() == (1, 0) and reward == 0.0 and not (terminated or truncated)
    assert set(env.action_space.spaces) == {"cut_rotation", "cut_order"}
    assert set(obs) == {"selected_piece", "ordered_piece"} and env.observation_space.contains(obs)
    assert obs["selected_piece"].tolist() == [4.0, 3.0] and obs["ordered_piece"].tolist() == [1.0, 2.0]
    assert env.get_env_time() == 0  # the core step is still open
    obs, reward, *_ = env.step({"cut_rotation": 0, "cut_order": 0})
    assert env.actor_id() == (0, 0) and reward == -1.0 and env.get_env_time() == 1
    np.testing.assert_array_equal(env.get_actor_rewards(), [-0.5, -0.5])
    assert obs["inventory_size"].tolist() == [3.0]


def test_structured_episode_is_truncated_after_180_core_steps():
    env = struct_env_factory(**SIMPLE)
    policy = RandomPolicy(env.action_spaces_dict, seed=3)
    env.reset(seed=3)
    flags = []
    for _ in range(360):
        _, _, terminated, truncated, _ = env.step(policy.compute_action(None, actor_id=env.actor_id()))
        flags.append((terminated, truncated))
    assert flags[-1] == (False, True) and not any(t or u for t, u in flags[:-1])
    assert env.get_env_time() == 180


def test_masks_match_hand_computed_values():
    env = masked_struct_env_factory(max_pieces_in_inventory=6, raw_piece_size=(10, 8), static_demand=[[3, 9], [3, 2]])
    obs, _ = env.reset()
    # order 3x9 fits the raw 10x8 piece only rotated
    assert obs["inventory_mask"].tolist() == [1, 0, 0, 0, 0, 0]
    obs, *_ = env.step({"piece_idx": 0})
    assert obs["cutting_mask"].tolist() == [0.0, 1.0]
    obs, *_ = env.step({"cut_rotation": 1, "cut_order": 0})
    # rotated 9x3, x first: residuals (1,8), (9,5); raw replenished; order 3x2
    assert env.get_maze_state().inventory == [(1, 8), (9, 5), (10, 8)]
    assert obs["inventory_mask"].tolist() == [0, 1, 1, 0, 0, 0]
    obs, *_ = env.step({"piece_idx": 0})  # select (1, 8): nothing fits
    assert obs["cutting_mask"].tolist() == [0.0, 0.0] and obs["selected_piece"].tolist() == [1.0, 8.0]
    obs, *_ = env.step({"cut_rotation": 0, "cut_order": 0})
    assert list(env.get_step_events())[0].interface_method is CuttingEvents.invalid_cut
    obs, *_ = env.step({"piece_idx": 5})  # empty slot
    assert obs["selected_piece"].tolist() == [0.0, 0.0] and obs["cutting_mask"].tolist() == [0.0, 0.0]


def test_masked_random_policy_never_triggers_invalid_events():
    env = masked_struct_env_factory(max_pieces_in_inventory=20, raw_piece_size=(10, 8),
                                    demand_generator={"_target_": "mixed_periodic", "n_raw_pieces": 2,
                                                      "m_demanded_pieces": 9, "rotate": True}, max_steps=150)
    policy = MaskedRandomPolicy(env.action_spaces_dict, mask_keys=env.action_mask_keys, seed=7)
    counts = {"valid": 0, "invalid": 0, "discarded": 0}
    for episode in range(3):
        obs, _ = env.reset(seed=episode)
        done = False
        while not done:
            obs, _, terminated, truncated, _ = env.step(policy.compute_action(obs, actor_id=env.actor_id()))
            done = terminated or truncated
            if env.actor_id().step_key == 0:  # a core step just ended
                events = list(env.get_step_events())
                counts["valid"] += sum(e.interface_method is CuttingEvents.valid_cut for e in events)
                counts["invalid"] += sum(e.interface_method in INVALID for e in events)
                counts["discarded"] += sum(e.interface_method is InventoryEvents.piece_discarded for e in events)
    assert counts["invalid"] == 0 and counts["valid"] == 3 * 150
    assert counts["discarded"] > 0  # random cutting fills the inventory: discards are exercised too


def test_structured_get_observation_and_action_dicts():
    env = masked_struct_env_factory(**SIMPLE)
    env.reset()
    env.step({"piece_idx": 0})
    env.step({"cut_rotation": 0, "cut_order": 0})
    state = env.get_maze_state()  # inventory [(3,3), (1,1), (4,3)], order 1x2
    obs, act = env.get_observation_and_action_dicts(state, Cutting2DMazeAction(0, True, True), False)
    assert act == {0: {"piece_idx": 0}, 1: {"cut_rotation": 1, "cut_order": 1}}
    assert obs[0]["inventory_mask"][:4].tolist() == [1, 0, 1, 0] and obs[0]["inventory_size"].tolist() == [3.0]
    assert obs[1]["selected_piece"].tolist() == [3.0, 3.0] and obs[1]["cutting_mask"].tolist() == [1.0, 1.0]
    for key in (0, 1):
        assert env.observation_spaces_dict[key].contains(obs[key])
    with pytest.raises(ValueError, match="needs both the MazeState and the MazeAction"):
        env.get_observation_and_action_dicts(state, None, False)


def test_states_actions_and_demand_generators_survive_the_trajectory_format():
    env = make_cutting2d_env(10, (10, 8), demand_generator={"_target_": "mixed_periodic", "n_raw_pieces": 2,
                                                              "m_demanded_pieces": 6}, max_steps=5)
    env.reset(seed=4)
    env.step({"piece_idx": 0, "cut_rotation": 0, "cut_order": 1})
    payload = {"state": env.get_maze_state(), "action": env.get_maze_action(),
               "components": env.get_serializable_components(), "renderer": env.get_renderer()}
    encoded = json.loads(json.dumps(TrajectoryEncoder().encode(payload)))
    decoded = TrajectoryDecoder().decode(encoded)
    assert decoded["state"] == env.get_maze_state()
    np.testing.assert_array_equal(decoded["state"].inventory_array, env.get_maze_state().inventory_array)
    assert decoded["action"] == Cutting2DMazeAction(0, False, True)
    gen, original = decoded["components"]["demand_generator"], env.core_env.demand_generator
    assert [gen.next_order() for _ in range(8)] == [original.next_order() for _ in range(8)]
    assert type(decoded["renderer"]).__name__ == "Cutting2DRenderer"


def test_renderer_draws_headless(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    env = masked_struct_env_factory(**SIMPLE)
    env.reset()
    env.step({"piece_idx": 0})
    env.step({"cut_rotation": 0, "cut_order": 0})
    renderer = env.get_renderer()
    state = env.get_maze_state()
    image = renderer.render(state, Cutting2DMazeAction(0, False, False), None, render_mode="rgb_array",
                            save_path=tmp_path / "frame.png")
    assert image.ndim == 3 and image.shape[2] == 3 and image.std() > 0
    assert (tmp_path / "frame.png").stat().st_size > 1000
    # invalid piece ids and missing actions render too
    assert renderer.render(state, Cutting2DMazeAction(30, False, False), None) is not None
    assert renderer.render(state, None, None) is not None


def test_recorded_structured_trajectory_holds_one_complete_record_per_core_step():
    """Regression: the piece-selection sub-step keeps the core step open; recording it on its own paired the
    state with the *previous* step's MazeAction, so a quarter of the imitation labels chose masked pieces."""
    from maze.core.trajectory_recording.datasets.in_memory_dataset import InMemoryDataset
    from maze.core.trajectory_recording.trajectory_recording_wrapper import TrajectoryRecordingWrapper
    from maze.envs.cutting2d.policies.greedy_policy import Cutting2DGreedyPolicy

    writer = _KeepWriter()
    env = TrajectoryRecordingWrapper.wrap(masked_struct_env_factory(**{**SIMPLE, "max_steps": 12}), writers=[writer])
    policy = Cutting2DGreedyPolicy(env.action_spaces_dict)
    obs, _ = env.reset(seed=0)
    expected_actions, done, n_sub_steps = [], False, 0
    while not done:
        actor = env.actor_id()
        action = policy.compute_action(obs, maze_state=env.get_maze_state(), env=env, actor_id=actor)
        if actor.step_key == 0:
            expected_actions.append(action["piece_idx"])
        obs, _, terminated, truncated, _ = env.step(action)
        n_sub_steps += 1
        done = terminated or truncated
    (episode,) = writer.records
    steps = [r for r in episode.step_records if r.maze_action is not None]
    assert n_sub_steps == 2 * 12 and len(steps) == 12  # one record per core step, plus the final state
    assert [r.maze_action.piece_id for r in steps] == expected_actions
    assert [r.env_time for r in steps] == list(range(1, 13))
    assert all(r.actor_id.step_key == 0 for r in steps)
    assert sum(len([e for e in r.step_event_log if e.interface_method.__name__ == "valid_cut"]) for r in steps) == 12

    dataset = InMemoryDataset(episode, conversion_env_factory=lambda: masked_struct_env_factory(**SIMPLE))
    for i in range(len(dataset)):
        obs, act, _ = dataset[i]
        assert obs[0]["inventory_mask"][act[0]["piece_idx"]] == 1.0  # every label is a valid choice
        assert act[0]["piece_idx"] == expected_actions[i]


def test_recorded_structured_episode_replays_sub_step_by_sub_step():
    """ReplayRecordedActionsPolicy serves both sub-steps of each recorded core step and reproduces the episode."""
    from maze.core.agent.replay_recorded_actions_policy import ReplayRecordedActionsPolicy
    from maze.core.trajectory_recording.trajectory_recording_wrapper import TrajectoryRecordingWrapper
    from maze.envs.cutting2d.policies.greedy_policy import Cutting2DGreedyPolicy

    def run_episode(env, policy):
        obs, _ = env.reset(seed=0)
        policy.reset()
        states, done = [], False
        while not done:
            states.append(env.get_maze_state())
            action = policy.compute_action(obs, maze_state=env.get_maze_state(), env=env, actor_id=env.actor_id())
            obs, _, terminated, truncated, _ = env.step(action)
            done = terminated or truncated
        return states

    writer = _KeepWriter()
    recording = TrajectoryRecordingWrapper.wrap(masked_struct_env_factory(**{**SIMPLE, "max_steps": 20}), writers=[writer])
    greedy_states = run_episode(recording, Cutting2DGreedyPolicy(recording.action_spaces_dict))
    replay = ReplayRecordedActionsPolicy(writer.records[0], cycle=False)
    replay_states = run_episode(masked_struct_env_factory(**{**SIMPLE, "max_steps": 20}), replay)
    assert replay_states == greedy_states and len(replay_states) == 40
    with pytest.raises(IndexError, match="has only 20 actions"):
        replay.compute_action(None, env=masked_struct_env_factory(**SIMPLE), actor_id=ActorID(0, 0))
