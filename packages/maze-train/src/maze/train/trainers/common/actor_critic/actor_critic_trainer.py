"""Synchronous multi-step actor-critic training loop shared by A2C and PPO.

One *update* = collect a rollout of ``n_rollout_steps`` (sub-)steps from every env of the vector env
(:func:`~maze.train.trainers.common.actor_critic.rollout.collect_rollout`), compute values, advantages and
returns (:meth:`MultiStepActorCritic.prepare_batch`), then optimize (:meth:`MultiStepActorCritic.update`,
implemented by A2C/PPO). An *epoch* = ``epoch_length`` updates followed by evaluation, best-model
selection, a checkpoint and early stopping.

Structured envs: every actor (sub-step key, agent) has its own policy network or shares one
(:class:`~maze.train.agent.torch_policy.TorchPolicy` decides), and the critic is per sub-step, shared or
delta. The envs of the vector env need not act in lock-step: each rollout step is batched per acting actor (one
forward pass per policy network), so hierarchical envs at different sub-steps and multi-agent envs whose acting
agent differs per env train with N parallel envs. Advantages are computed per agent sequence (an agent's sub-steps
in an env, discounting per sub-step), so each agent learns from the rewards it receives.
"""

from __future__ import annotations

import time
from abc import abstractmethod
from typing import Any

import numpy as np
import torch

from maze.core.env.base_env_events import ContinuousActionEvents, DiscreteActionEvents
from maze.core.env.structured_env import ActorID
from maze.train.agent.torch_actor_critic import TorchActorCritic
from maze.train.agent.torch_state_critic import TorchSharedStateCritic
from maze.train.parallelization.vector_env.vector_env import ActorBatch
from maze.train.trainers.common.actor_critic.actor_critic_algorithm_config import ActorCriticAlgorithmConfig
from maze.train.trainers.common.actor_critic.actor_critic_events import MultiStepActorCriticEvents
from maze.train.trainers.common.actor_critic.rollout import (
    ActorStep,
    CriticObservationMerger,
    EpisodeTracker,
    RolloutBatch,
    collect_rollout,
    gae_over_sequences,
    link_actor_sequences,
)
from maze.train.trainers.common.evaluators.evaluator import Evaluator
from maze.train.trainers.common.model_selection.best_model_selection import BestModelSelection
from maze.train.trainers.common.trainer import Trainer, TrainingRun
from maze.train.utils.adam import make_adam
from maze.train.utils.train_utils import to_tensor_dict


class GroupData:
    """Training tensors of one actor (all rollout steps in which it acted, flattened over time and envs)."""

    def __init__(self, actor_id: ActorID, observations: dict[str, torch.Tensor], actions: dict[str, torch.Tensor],
                 log_probs: torch.Tensor, advantages: torch.Tensor, returns: torch.Tensor,
                 prev_values: torch.Tensor | None, critic_observations: dict[str, torch.Tensor] | None = None) -> None:
        self.actor_id = actor_id
        self.critic_observations = critic_observations
        self.observations = observations
        self.actions = actions
        self.log_probs = log_probs
        self.advantages = advantages
        self.returns = returns
        self.prev_values = prev_values

    def __len__(self) -> int:
        return int(self.log_probs.shape[0])

    def subset(self, idx: torch.Tensor) -> GroupData:
        return GroupData(
            self.actor_id,
            {k: v[idx] for k, v in self.observations.items()},
            {k: v[idx] for k, v in self.actions.items()},
            self.log_probs[idx], self.advantages[idx], self.returns[idx],
            None if self.prev_values is None else self.prev_values[idx],
            None if self.critic_observations is None else {k: v[idx] for k, v in self.critic_observations.items()},
        )


class MultiStepActorCritic(Trainer):
    """Base class of the multi-step actor-critic trainers (A2C, PPO).

    :param algorithm_config: the algorithm parameters.
    :param env: the training vector env (:class:`~maze.train.parallelization.vector_env.vector_env.StructuredVectorEnv`).
    :param model: policy and critic.
    :param evaluator: evaluator run after every epoch (None: the epoch's training reward is used for model selection).
    :param model_selection: best-model selection notified with the training reward when there is no evaluator
        (an evaluator carries its own model selection).
    :param run: where statistics, checkpoints and the best model go (default: statistics only, nothing on disk).
    :param seed: seed for torch (sampling, minibatch shuffling) and the env seeds.
    """

    trainer_kind = "actor_critic"

    def __init__(self, algorithm_config: ActorCriticAlgorithmConfig, env: Any, model: TorchActorCritic,
                 evaluator: Evaluator | None = None, model_selection: BestModelSelection | None = None,
                 run: TrainingRun | None = None, seed: int | None = None) -> None:
        super().__init__(model.policy, n_epochs=algorithm_config.n_epochs, patience=algorithm_config.patience,
                         evaluator=evaluator, model_selection=model_selection, run=run)
        self.algorithm_config = algorithm_config
        self.env = env
        self.model = model
        self.device = algorithm_config.device
        self.model.to(self.device)
        self._params = list(self.model.parameters())
        self.optimizer = make_adam(self._params, algorithm_config.lr)
        self.n_updates = 0
        self.env_steps = 0
        self.seed = seed
        if seed is not None:
            torch.manual_seed(int(seed))
            env.seed(int(seed))
        #: statistics of the training section (``train_MultiStepActorCriticEvents``)
        self.events = self.stats.topic("train", MultiStepActorCriticEvents)
        self._groups: list[ActorBatch] | None = None  # the observations to continue from, per acting actor
        self._tracker = EpisodeTracker(env.n_envs, self.stats.aggregator("train"))
        self._first_step_key = next(iter(env.action_spaces_dict))
        self._prev_value_carry: np.ndarray | None = None
        self._merger = self._make_merger()

    @property
    def critic(self) -> Any:
        return self.model.critic

    def training_env(self) -> Any:
        """The training vector env (:attr:`env`)."""
        return self.env

    @property
    def env_steps(self) -> int:
        """Env steps collected so far, summed over the envs of the vector env (sub-steps of structured envs count
        one each); kept in the checkpoint, so a resumed run continues counting."""
        return self._env_steps

    @env_steps.setter
    def env_steps(self, value: int) -> None:
        self._env_steps = int(value)

    def _make_merger(self) -> CriticObservationMerger | None:
        """A shared critic of a structured env whose sub-steps have different observation keys sees their union."""
        spaces = self.env.observation_spaces_dict
        if not isinstance(self.model.critic, TorchSharedStateCritic) or len(spaces) < 2:
            return None
        union: dict[str, Any] = {}
        for space in spaces.values():
            union.update(space.spaces)
        if all(set(space.spaces) == set(union) for space in spaces.values()):
            return None
        return CriticObservationMerger(self.env.n_envs, union)

    # ------------------------------------------------------------------ state
    def state_dict(self) -> dict[str, Any]:
        state = super().state_dict()
        state.update(optimizer=self.optimizer.state_dict(), n_updates=self.n_updates, env_steps=self.env_steps)
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a checkpoint (model, optimizer, counters) or a best-model dict (weights only)."""
        super().load_state_dict(state_dict)
        if "model" in state_dict:
            if "optimizer" in state_dict:
                self.optimizer.load_state_dict(state_dict["optimizer"])
            self.n_updates = int(state_dict.get("n_updates", 0))
            self.env_steps = int(state_dict.get("env_steps", 0))

    # ------------------------------------------------------------------ schedules
    def _progress_remaining(self) -> float:
        cfg = self.algorithm_config
        total = cfg.n_epochs * cfg.epoch_length
        return max(0.0, 1.0 - self.n_updates / total) if total > 0 else 1.0

    def _apply_lr_schedule(self) -> float:
        cfg = self.algorithm_config
        lr = cfg.lr * (self._progress_remaining() if cfg.lr_schedule == "linear" else 1.0)
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        return lr

    # ------------------------------------------------------------------ rollout + preparation
    def collect(self) -> RolloutBatch:
        """Collect one rollout with the current policy."""
        if self._groups is None:
            self._groups = self.env.reset_groups()
        batch = collect_rollout(self.env, self.model.policy, self.algorithm_config.n_rollout_steps, self._groups,
                                self._tracker, self.device, self._merger)
        self._groups = batch.last_groups
        self.env_steps += batch.n_env_steps
        return batch

    def _predict_values(self, observations: dict[str, np.ndarray], actor_id: ActorID,
                        prev_values: np.ndarray | None) -> np.ndarray:
        critic = self.model.critic
        prev = None if prev_values is None else torch.as_tensor(prev_values, dtype=torch.float32, device=self.device)
        pred = critic.predict_value(to_tensor_dict(observations, self.device), actor_id.step_key, prev)
        return critic.to_value(pred).detach().cpu().numpy().astype(np.float64)

    def _needs_prev(self, actor_id: ActorID) -> bool:
        return bool(self.model.critic.is_delta) and actor_id.step_key != self._first_step_key

    def prepare_batch(self, batch: RolloutBatch) -> dict[ActorID, GroupData]:
        """Compute values (batched per actor), bootstrap values and GAE per agent sequence; return training tensors
        per actor.

        Each agent's sub-steps in an env form one sequence (:func:`link_actor_sequences`): its advantages and returns
        come from the rewards it receives. Where a sequence is cut (end of the rollout, truncation) the bootstrap
        value is the critic's value of the state the agent acts in next, when that state is known (the env's next
        actor is the same agent), else the value of the agent's own last state.
        """
        cfg = self.algorithm_config
        T, n_envs = len(batch), batch.n_envs
        rewards = np.stack(batch.rewards).astype(np.float64)
        terminated = np.stack(batch.terminated)
        truncated = np.stack(batch.truncated)
        values = np.zeros((T, n_envs))
        groups = batch.groups()
        shared_input = batch.last_critic_observations is not None

        def critic_input(part: ActorStep) -> dict[str, np.ndarray]:
            return part.critic_observations if part.critic_observations is not None else part.observations

        # the values of the step before this rollout (delta critics)
        carry = self._prev_value_carry if self._prev_value_carry is not None else np.zeros(n_envs)
        with torch.no_grad():
            if self.model.critic.is_delta:
                for t, step in enumerate(batch.steps):  # sequential: each sub-step's value depends on the previous one
                    for part in step:
                        prev = None
                        if self._needs_prev(part.actor_id):
                            prev = (values[t - 1] if t > 0 else carry)[part.env_indices]
                        values[t, part.env_indices] = self._predict_values(critic_input(part), part.actor_id, prev)
                self._prev_value_carry = values[T - 1].copy()
            else:
                for aid, parts in groups.items():
                    obs = _concat([critic_input(part) for _, part in parts])
                    flat = self._predict_values(obs, aid, None)
                    start = 0
                    for t, part in parts:
                        values[t, part.env_indices] = flat[start:start + len(part.env_indices)]
                        start += len(part.env_indices)

            agent_ids = batch.agent_ids()
            next_index, end_step = link_actor_sequences(agent_ids, terminated | truncated)
            cols = np.broadcast_to(np.arange(n_envs), (T, n_envs))
            linked = next_index >= 0
            # own last value where nothing better is known (set below for the next actor's agent)
            next_values = np.where(linked, values[np.where(linked, next_index, 0), cols], values)
            terminal = ~linked & (end_step < T) & terminated[np.minimum(end_step, T - 1), cols]
            open_cells = ~linked & (end_step == T)
            last_values = np.zeros(n_envs)
            last_agents = np.zeros(n_envs, dtype=np.int64)
            for g, group in enumerate(batch.last_groups):
                prev = values[T - 1, group.env_indices] if self._needs_prev(group.actor_id) else None
                obs = batch.last_critic_observations[g] if shared_input else group.observations
                last_values[group.env_indices] = self._predict_values(obs, group.actor_id, prev)
                last_agents[group.env_indices] = group.actor_id.agent_id
            bootstrap = open_cells & (agent_ids == last_agents[None, :])
            next_values[bootstrap] = np.broadcast_to(last_values, (T, n_envs))[bootstrap]
            for j, (t, i, final_obs, final_aid) in enumerate(batch.final_observations):
                # the cell of the final observation's agent whose sequence this truncation cut
                cells = np.flatnonzero(~linked[: t + 1, i] & (end_step[: t + 1, i] == t)
                                       & (agent_ids[: t + 1, i] == final_aid.agent_id))
                if not len(cells):
                    continue
                prev = values[t, i:i + 1] if self._needs_prev(final_aid) else None
                if batch.final_critic_observations is not None:
                    final_obs = batch.final_critic_observations[j]
                obs = {k: np.asarray(v)[None] for k, v in final_obs.items()}
                next_values[cells[-1], i] = self._predict_values(obs, final_aid, prev)[0]
        advantages, returns = gae_over_sequences(rewards, values, next_values, terminal, next_index, cfg.gamma,
                                                 cfg.gae_lambda)
        batch.values, batch.advantages, batch.returns = values, advantages, returns

        out: dict[ActorID, GroupData] = {}
        for aid, parts in groups.items():
            obs = _concat([part.observations for _, part in parts])
            critic_tensors = None
            if shared_input:
                critic_tensors = to_tensor_dict(_concat([critic_input(part) for _, part in parts]), self.device)
            act = _concat([part.actions for _, part in parts])
            adv = np.concatenate([advantages[t, part.env_indices] for t, part in parts])
            if cfg.normalize_advantages and adv.size > 1:
                adv = (adv - adv.mean()) / (adv.std() + 1e-8)
            ret = np.concatenate([returns[t, part.env_indices] for t, part in parts])
            log_probs = np.concatenate([part.log_probs for _, part in parts])
            prev_values = None
            if self._needs_prev(aid):
                prev = np.concatenate([(values[t - 1] if t > 0 else carry)[part.env_indices] for t, part in parts])
                prev_values = torch.as_tensor(prev, dtype=torch.float32, device=self.device)
            out[aid] = GroupData(
                aid,
                to_tensor_dict(obs, self.device),
                to_tensor_dict(act, self.device),
                torch.as_tensor(log_probs, dtype=torch.float32, device=self.device),
                torch.as_tensor(adv, dtype=torch.float32, device=self.device),
                torch.as_tensor(ret, dtype=torch.float32, device=self.device),
                prev_values,
                critic_tensors,
            )
        return out

    # ------------------------------------------------------------------ losses shared by A2C and PPO
    def evaluate_group(self, data: GroupData, entropy_grad: bool = True) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Log-probs of the taken actions, entropies and value predictions (in prediction space) for ``data``.

        :param entropy_grad: compute the entropy with gradients (``False`` when it is only a statistic).
        """
        out = self.model.policy.compute_substep_policy_output(data.observations, data.actor_id)
        log_probs = out.log_probs_for_actions(data.actions)
        with torch.set_grad_enabled(entropy_grad and torch.is_grad_enabled()):
            entropy = out.entropy
        critic_obs = data.critic_observations if data.critic_observations is not None else data.observations
        value_pred = self.model.critic.predict_value(critic_obs, data.actor_id.step_key, data.prev_values)
        return log_probs, entropy, value_pred

    def add_actor_loss(self, loss: torch.Tensor | None, policy_loss: torch.Tensor, entropy: torch.Tensor,
                       value_loss: torch.Tensor, train_policy: bool) -> tuple[torch.Tensor, torch.Tensor]:
        """Add one actor's weighted terms to the running ``loss``: the policy term and the entropy bonus while the
        policy trains (no entropy term when ``entropy_coef`` is 0), then the value term.

        :return: the new loss and the actor's mean entropy (the statistic; without gradient when not in the loss).
        """
        cfg = self.algorithm_config
        entropy_in_loss = train_policy and cfg.entropy_coef != 0.0
        if train_policy:
            term = cfg.policy_loss_coef * policy_loss
            loss = term if loss is None else loss + term
            if entropy_in_loss:
                entropy_mean = entropy.mean()
                loss = loss - cfg.entropy_coef * entropy_mean
        term = cfg.value_loss_coef * value_loss
        loss = term if loss is None else loss + term
        if not entropy_in_loss:
            with torch.no_grad():
                entropy_mean = entropy.mean()
        return loss, entropy_mean

    def value_loss(self, value_pred: torch.Tensor, returns: torch.Tensor) -> torch.Tensor:
        """Mean squared error between predictions and (transformed) returns."""
        target = self.model.critic.to_prediction_target(returns)
        return torch.nn.functional.mse_loss(value_pred, target)

    def optimizer_step(self, loss: torch.Tensor) -> float:
        """Backward pass, NaN guard, gradient clipping and optimizer step; returns the gradient norm."""
        return self._optimizer_step(self.optimizer, loss, self._params, self.algorithm_config.max_grad_norm)

    @abstractmethod
    def update(self, groups: dict[ActorID, GroupData], train_policy: bool) -> None:
        """Optimize policy and critic on a prepared batch; records its statistics into :attr:`events`."""

    @staticmethod
    def actor_label(actor_id: ActorID) -> str:
        """Statistics group of an actor: the sub-step key, plus the agent id for agents other than 0."""
        return str(actor_id.step_key) if actor_id.agent_id == 0 else f"{actor_id.step_key}_{actor_id.agent_id}"

    # ------------------------------------------------------------------ training loop
    def train_epoch(self) -> None:
        """One epoch: ``epoch_length`` updates (rollout, GAE, optimization); records the epoch's statistics."""
        cfg = self.algorithm_config
        t_epoch = time.perf_counter()
        t_rollout = t_update = 0.0
        steps_before = self.env_steps
        train_policy = self.epoch >= cfg.critic_burn_in_epochs
        lr = cfg.lr
        sampled_actions: dict[tuple[str, str], list[np.ndarray]] = {}
        for i in range(cfg.epoch_length):
            lr = self._apply_lr_schedule()
            t0 = time.perf_counter()
            batch = self.collect()
            t1 = time.perf_counter()
            for step in batch.steps:  # action histograms (cheap: array refs)
                for part in step:
                    for head, value in part.actions.items():
                        sampled_actions.setdefault((f"substep_{part.actor_id.step_key}", head), []).append(value)
            groups = self.prepare_batch(batch)
            self.update(groups, train_policy)
            t2 = time.perf_counter()
            t_rollout += t1 - t0
            t_update += t2 - t1
            self.n_updates += 1
            self.report_epoch_progress(i + 1, cfg.epoch_length)
        elapsed = time.perf_counter() - t_epoch
        events = self.events
        events.learning_rate(value=lr)
        events.time_rollout(value=t_rollout)
        events.time_update(value=t_update)
        events.time_epoch(value=elapsed)
        events.env_steps_per_second(value=(self.env_steps - steps_before) / max(elapsed, 1e-9))
        events.total_env_steps(value=float(self.env_steps))
        train_stats = self.stats.aggregator("train")
        for group, values in sampled_actions.items():  # TensorBoard histograms, console "[len:N, μ:mean]"
            flat = np.concatenate(values).reshape(-1)
            topic = DiscreteActionEvents if np.issubdtype(flat.dtype, np.integer) else ContinuousActionEvents
            train_stats.add_value(topic.action, flat.tolist(), group=group)
        returns, _ = self._tracker.pop()
        if self.evaluator is None and self.model_selection is not None and returns:
            self.model_selection.update(float(np.mean(returns)))


def _concat(dicts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Concatenate batched dicts with the same keys along the batch axis."""
    if len(dicts) == 1:
        return dicts[0]
    return {k: np.concatenate([d[k] for d in dicts]) for k in dicts[0]}
