"""Structured vector envs without lock-step: envs at different sub-steps (hierarchical) or acting agents
(multi-agent) are batched per actor, trained with N parallel envs, and each agent learns from its own rewards."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from turn_taking_envs import DetourEnv, SelfishTurnsEnv

from maze.core.env.structured_env import ActorID
from maze.core.utils.factory import Factory
from maze.train.agent.mlp_model_composer import MLPModelComposer
from maze.train.agent.model_building import build_critic, build_policy
from maze.train.agent.torch_actor_critic import TorchActorCritic
from maze.train.parallelization.vector_env.sequential_vector_env import SequentialVectorEnv
from maze.train.parallelization.vector_env.subproc_vector_env import SubprocVectorEnv
from maze.train.parallelization.vector_env.vector_env import VectorEnvError
from maze.train.trainers.common.actor_critic.rollout import compute_gae, gae_over_sequences, link_actor_sequences
from maze.train.trainers.ppo.ppo_algorithm_config import PPOAlgorithmConfig
from maze.train.trainers.ppo.ppo_trainer import PPO


def _random_actions(groups, spaces, rng):
    return {g.actor_id: {k: rng.integers(0, sp.n, len(g)) for k, sp in spaces[g.actor_id.step_key].spaces.items()}
            for g in groups}


def _trajectory(env, n_steps: int, seed: int = 3):
    rng = np.random.default_rng(seed)
    env.seed(11)
    groups = env.reset_groups()
    out = []
    for _ in range(n_steps):
        actions = _random_actions(groups, env.action_spaces_dict, rng)
        record = [(g.actor_id, g.env_indices.tolist(), {k: v.copy() for k, v in g.observations.items()}) for g in groups]
        groups, rewards, terminated, truncated, _ = env.step_groups(actions)
        out.append((record, rewards.copy(), terminated.copy(), truncated.copy()))
    return out


def test_vector_envs_batch_envs_at_different_sub_steps_per_actor() -> None:
    """Sequential and subprocess vector envs (shared memory or pickled) hand out the same groups, observations and
    rewards for envs whose sub-step sequences diverge."""
    envs = [SequentialVectorEnv([DetourEnv] * 4), SubprocVectorEnv([DetourEnv] * 4),
            SubprocVectorEnv([DetourEnv] * 4, shared_memory=False)]
    try:
        runs = [_trajectory(env, 30) for env in envs]
        reference = runs[0]
        assert any(len(record) > 1 for record, *_ in reference), "the envs never left lock-step"
        for run in runs[1:]:
            for (rec_a, *rest_a), (rec_b, *rest_b) in zip(reference, run):
                assert [(a, idx) for a, idx, _ in rec_a] == [(a, idx) for a, idx, _ in rec_b]
                for (aid, _, obs_a), (_, _, obs_b) in zip(rec_a, rec_b):
                    assert set(obs_a) == set(envs[0].observation_spaces_dict[aid.step_key].spaces)
                    for key in obs_a:
                        np.testing.assert_array_equal(obs_a[key], obs_b[key].astype(obs_a[key].dtype))
                for x, y in zip(rest_a, rest_b):
                    np.testing.assert_array_equal(x, y)
    finally:
        for env in envs:
            env.close()


def test_lock_step_view_and_bad_grouped_actions_are_named() -> None:
    env = SequentialVectorEnv([DetourEnv] * 3)
    try:
        env.seed(0)
        groups = env.reset_groups()
        assert [g.actor_id for g in groups] == [ActorID("choose", 0)]
        groups, *_ = env.step_groups({ActorID("choose", 0): {"choose": np.array([1, 0, 0])}})
        assert [(g.actor_id.step_key, g.env_indices.tolist()) for g in groups] == [("detail", [0]), ("choose", [1, 2])]
        with pytest.raises(VectorEnvError, match=r"env 0 for ActorID\(step_key='detail'.*env 1 for .*'choose'"):
            env.step({"choose": np.zeros(3, dtype=np.int64)})
        with pytest.raises(ValueError, match=r"missing: \[ActorID\(step_key='choose'"):
            env.step_groups({ActorID("detail", 0): {"detail": np.array([2])}})
        with pytest.raises(ValueError, match=r"'detail' for ActorID\(step_key='detail', agent_id=0\) must have a "
                                             r"leading axis of size 1 \(the envs acting for it\), got shape \(2,\)"):
            env.step_groups({ActorID("detail", 0): {"detail": np.array([2, 2])},
                             ActorID("choose", 0): {"choose": np.array([0, 0])}})
    finally:
        env.close()


def test_agent_sequences_are_linked_per_env_agent_and_episode() -> None:
    # env 0: agents 0,1,1,0 | episode ends after t=2; env 1: single agent
    agents = np.array([[0, 0], [1, 0], [1, 0], [0, 0], [1, 0]])
    done = np.zeros((5, 2), dtype=bool)
    done[2, 0] = True
    next_index, end_step = link_actor_sequences(agents, done)
    assert next_index[:, 0].tolist() == [-1, 2, -1, -1, -1]  # agent 0's t=0 cell has no successor in its episode
    assert end_step[[0, 2], 0].tolist() == [2, 2] and end_step[[3, 4], 0].tolist() == [5, 5]
    # one agent everywhere: the fast path links consecutive steps and reproduces compute_gae
    single, _ = link_actor_sequences(np.zeros((5, 2), dtype=np.int64), done)
    assert single[:, 1].tolist() == [1, 2, 3, 4, -1] and single[:, 0].tolist() == [1, 2, -1, 4, -1]
    rng = np.random.default_rng(0)
    rewards, values, next_values = rng.normal(size=(3, 5, 2))
    gae = gae_over_sequences(rewards, values, next_values, done, single, 0.9, 0.8)
    expected = compute_gae(rewards, values, next_values, done, np.zeros_like(done), 0.9, 0.8)
    np.testing.assert_allclose(gae[0], expected[0])


def _separate_agent_nets_model(env) -> TorchActorCritic:
    composer = Factory(object).instantiate(
        {"_target_": "maze.perception.models.custom_model_composer.CustomModelComposer",
         "distribution_mapper_config": [],
         "policy": {"_target_": "maze.perception.models.policies.ProbabilisticPolicyComposer",
                    "networks": [{"_target_": "maze.perception.models.built_in.flatten_concat.FlattenConcatPolicyNet",
                                  "non_lin": "torch.nn.Tanh", "hidden_units": [16]}],
                    "substeps_with_separate_agent_nets": [0]},
         "critic": {"_target_": "maze.perception.models.critics.StepStateCriticComposer",
                    "networks": [{"_target_": "maze.perception.models.built_in.flatten_concat.FlattenConcatStateValueNet",
                                  "non_lin": "torch.nn.Tanh", "hidden_units": [16]}]}},
        action_spaces_dict=env.action_spaces_dict, observation_spaces_dict=env.observation_spaces_dict,
        agent_counts_dict=env.agent_counts_dict)
    return TorchActorCritic(build_policy(composer), build_critic(composer))


def _own_discounted_returns(batch, gamma: float) -> dict[tuple[int, int], float]:
    """``{(t, env): return}`` from each agent's own rewards, per env and episode (all episodes complete)."""
    agents, rewards, done = batch.agent_ids(), np.stack(batch.rewards), np.stack(batch.terminated)
    out = {}
    for i in range(agents.shape[1]):
        running = {0: 0.0, 1: 0.0}
        for t in range(agents.shape[0] - 1, -1, -1):
            if done[t, i]:
                running = {0: 0.0, 1: 0.0}
            agent = int(agents[t, i])
            running[agent] = rewards[t, i] + gamma * running[agent]
            out[(t, i)] = running[agent]
    return out


def test_each_agent_is_credited_with_its_own_rewards() -> None:
    torch.manual_seed(0)
    env = SequentialVectorEnv([SelfishTurnsEnv] * 3)
    model = _separate_agent_nets_model(env)
    cfg = PPOAlgorithmConfig(n_rollout_steps=16, gamma=0.9, gae_lambda=1.0, normalize_advantages=False,
                             rollout_evaluator=None)
    trainer = PPO(cfg, env, model, seed=4)
    batch = trainer.collect()  # 16 steps = two complete episodes of 8 turns per env
    assert any(len(step) == 2 for step in batch.steps), "agents never acted in different envs at once"
    groups = trainer.prepare_batch(batch)
    assert set(groups) == {ActorID(0, 0), ActorID(0, 1)}
    assert np.stack(batch.rewards).min() < 0  # penalties were handed out
    for (t, i), expected in _own_discounted_returns(batch, cfg.gamma).items():
        assert batch.returns[t, i] == pytest.approx(expected, abs=1e-9), (t, i)
    # the tensors per agent hold exactly that agent's cells
    for aid, data in groups.items():
        assert len(data) == int((batch.agent_ids() == aid.agent_id).sum())
        assert torch.all(data.observations["observation"][:, aid.agent_id] == 1.0)
    env.close()


def test_actors_sharing_a_network_get_one_forward_pass_per_step() -> None:
    env = SequentialVectorEnv([SelfishTurnsEnv] * 4)
    composer = MLPModelComposer(env.action_spaces_dict, env.observation_spaces_dict, hidden_units=(8,))
    model = TorchActorCritic(build_policy(composer), build_critic(composer))
    calls = []
    (net,) = model.policy.networks.values()
    net.register_forward_hook(lambda module, inputs, output: calls.append(next(iter(inputs[0].values())).shape[0]))
    trainer = PPO(PPOAlgorithmConfig(n_rollout_steps=12, rollout_evaluator=None), env, model, seed=1)
    batch = trainer.collect()
    assert any(len(step) == 2 for step in batch.steps)
    assert calls == [4] * 12  # both agents' envs in one batch per step
    env.close()


def _play(env, model, seeds):
    """Deterministic play of ``model`` on ``env``: ``(actor, action, reward, info)`` of every (sub-)step."""
    for seed in seeds:
        obs, _ = env.reset(seed=seed)
        done = False
        while not done:
            aid = env.actor_id()
            action = model.policy.compute_action(obs, actor_id=aid, deterministic=True)
            obs, reward, terminated, truncated, info = env.step(action)
            done = terminated or truncated
            yield aid, action, reward, info


def _choice_rates(model, n_episodes: int = 8) -> dict[int, float]:
    chosen = {0: [], 1: []}
    for _, _, _, info in _play(SelfishTurnsEnv(), model, range(100, 100 + n_episodes)):
        chosen[info["agent"]].append(info["choice"])
    return {agent: float(np.mean(c)) for agent, c in chosen.items()}


@pytest.mark.parametrize("vector_env", [SequentialVectorEnv, SubprocVectorEnv])
def test_selfish_agents_learn_their_own_optimum_with_parallel_envs(vector_env) -> None:
    """Choosing 1 pays the chooser +1 and costs the other agent 2: credited with its own rewards, each agent learns
    to choose 1 (credited with the other's penalties, it would learn 0)."""
    torch.manual_seed(0)
    env = vector_env([SelfishTurnsEnv] * 4)
    model = _separate_agent_nets_model(env)
    before = _choice_rates(model)
    cfg = PPOAlgorithmConfig(n_epochs=6, epoch_length=4, n_rollout_steps=32, batch_size=64, n_optimization_epochs=4,
                             lr=3e-3, gamma=0.95, gae_lambda=0.95, entropy_coef=0.0, rollout_evaluator=None)
    try:
        PPO(cfg, env, model, seed=0).train()
    finally:
        env.close()
    after = _choice_rates(model)
    assert min(before.values()) < 1.0 and min(after.values()) == 1.0, (before, after)


def _detour_rates(model, n_episodes: int = 10) -> tuple[float, float]:
    """Deterministic play: share of core steps that take the detour, and share of detours that hit the target."""
    detours, hits, core_steps = 0, 0, 0
    for aid, action, reward, _ in _play(DetourEnv(), model, range(200, 200 + n_episodes)):
        if aid.step_key == "choose":
            core_steps += 1
            detours += int(action["choose"]) == 1
        else:
            hits += reward == 1.0
    return detours / core_steps, hits / max(detours, 1)


@pytest.mark.parametrize("critic", ["step", "shared", "delta"])
def test_hierarchical_env_out_of_lock_step_learns_with_each_critic(critic) -> None:
    """Sub-step sequences that differ per env train in one vector env with step, shared (merged inputs of both
    sub-steps) and delta critics: the policy learns to take the detour and hit the target."""
    torch.manual_seed(0)
    env = SubprocVectorEnv([DetourEnv] * 4)
    composer = MLPModelComposer(env.action_spaces_dict, env.observation_spaces_dict, hidden_units=(16,), critic=critic)
    model = TorchActorCritic(build_policy(composer), build_critic(composer))
    before = _detour_rates(model)
    cfg = PPOAlgorithmConfig(n_epochs=5, epoch_length=4, n_rollout_steps=24, batch_size=32, n_optimization_epochs=4,
                             lr=3e-3, gamma=0.9, gae_lambda=0.95, entropy_coef=0.0, rollout_evaluator=None)
    try:
        trainer = PPO(cfg, env, model, seed=0)
        if critic == "shared":
            assert trainer._merger is not None  # the sub-steps have different observation keys
        trainer.train()
    finally:
        env.close()
    detour_rate, hit_rate = _detour_rates(model)
    assert before != (1.0, 1.0) and detour_rate == 1.0 and hit_rate == 1.0, (before, detour_rate, hit_rate)
