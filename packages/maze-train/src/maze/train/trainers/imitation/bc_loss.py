"""Behavioural-cloning loss: negative log-likelihood of the demonstrated actions, per action head."""

from __future__ import annotations

from typing import Any, Mapping

import gymnasium as gym
import torch

from maze.core.env.structured_env import ActorID, StepKeyType


class BCLoss:
    """Loss of behavioural cloning for discrete, continuous and masked action heads.

    The loss of a head is the negative log-likelihood of the demonstrated action under the policy's
    distribution: cross-entropy for ``Discrete`` heads (masked logits are excluded by the distribution),
    binary cross-entropy for ``MultiBinary``, Gaussian NLL for ``Box``. Metrics per head: accuracy
    (discrete, multi-binary) or mean absolute deviation of the deterministic action (``Box``).

    :param action_spaces_dict: action spaces by sub-step key.
    :param entropy_coef: weight of an entropy bonus (0: none).
    """

    def __init__(self, action_spaces_dict: Mapping[StepKeyType, gym.spaces.Dict], entropy_coef: float = 0.0) -> None:
        self.action_spaces_dict = dict(action_spaces_dict)
        self.entropy_coef = float(entropy_coef)

    def calculate_loss(self, policy: Any, observation_dict: Mapping[StepKeyType, Mapping[str, torch.Tensor]],
                       action_dict: Mapping[StepKeyType, Mapping[str, torch.Tensor]],
                       events: Any = None) -> torch.Tensor:
        """Total loss over the sub-steps of a batch; records its statistics into ``events``.

        :param policy: the TorchPolicy.
        :param observation_dict: batched observation tensors by sub-step key.
        :param action_dict: batched demonstrated actions by sub-step key.
        :param events: an :class:`~maze.train.trainers.imitation.imitation_events.ImitationEvents` topic (e.g.
            ``stats.topic("train", ImitationEvents)``) receiving loss, entropy and per-head accuracies (None: none).
        """
        total = torch.zeros(())
        for step_key, obs in observation_dict.items():
            actions = action_dict[step_key]
            out = policy.compute_substep_policy_output(obs, ActorID(step_key, 0))
            log_probs = out.prob_dist.log_prob(actions)
            loss = torch.zeros(())
            for lp in log_probs.values():
                lp = lp.reshape(lp.shape[0], -1).sum(-1) if lp.dim() > 1 else lp
                loss = loss - lp.clamp_min(-1e4).mean()
            entropy = out.entropy.mean()
            loss = loss - self.entropy_coef * entropy
            total = total + loss
            if events is not None:
                events.policy_loss(step_id=str(step_key), value=float(loss.detach()))
                events.policy_entropy(step_id=str(step_key), value=float(entropy.detach()))
                self._head_metrics(step_key, out, actions, events)
        return total

    def _head_metrics(self, step_key: StepKeyType, out: Any, actions: Mapping[str, torch.Tensor], events: Any) -> None:
        with torch.no_grad():
            best = out.prob_dist.deterministic_sample()
            for head, space in self.action_spaces_dict[step_key].spaces.items():
                if head not in best:
                    continue
                target = actions[head]
                if isinstance(space, gym.spaces.Discrete):
                    events.discrete_accuracy(step_id=str(step_key), subspace_name=head,
                                             value=float((best[head].long() == target.long()).float().mean()))
                elif isinstance(space, gym.spaces.MultiBinary):
                    events.multi_binary_accuracy(step_id=str(step_key), subspace_name=head,
                                                 value=float((best[head] == target).float().mean()))
                elif isinstance(space, gym.spaces.Box):
                    events.box_mean_abs_deviation(step_id=str(step_key), subspace_name=head,
                                                  value=float((best[head] - target).abs().mean()))
