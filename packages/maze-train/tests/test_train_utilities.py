"""Small training utilities: value rescaling, evaluator composition, the progress bar."""

from __future__ import annotations

import pytest
import torch

from maze.core.env.base_env_events import BaseEnvEvents
from maze.core.log_stats.log_stats import LogStatsKey
from maze.core.utils.progress import Progress
from maze.train.agent.torch_state_critic import ReduceScaleValueTransform
from maze.train.trainers.common.evaluators.evaluator import Evaluator, MultiEvaluator


def test_reduce_scale_value_transform_is_invertible_and_compresses_large_values():
    t = ReduceScaleValueTransform(epsilon=1e-3)
    x = torch.tensor([-1e4, -37.5, -1.0, 0.0, 0.5, 3.0, 250.0, 1e5], dtype=torch.float64)
    h = t.transform_value(x)
    assert h[5].item() == pytest.approx(1.0 + 3e-3)  # sign(3) * (sqrt(4) - 1) + eps * 3
    assert h[0].item() == pytest.approx(-(100.005 - 1) - 10.0, rel=1e-4)
    torch.testing.assert_close(t.transform_value_inv(h), x, rtol=1e-9, atol=1e-7)
    assert abs(h[-1]) < abs(x[-1]) / 100  # large returns are squashed
    with pytest.raises(ValueError, match="epsilon must be > 0"):
        ReduceScaleValueTransform(epsilon=0)


class _Constant(Evaluator):
    def __init__(self, stats):
        self.stats, self.calls = stats, 0

    def evaluate(self, policy):
        self.calls += 1
        return dict(self.stats)


def test_multi_evaluator_runs_all_in_order_and_merges_their_statistics():
    a, b, shared = (LogStatsKey(BaseEnvEvents.kpi, "mean", (name,)) for name in ("a", "b", "shared"))
    first = _Constant({a: 1.0, shared: 1.0})
    second = _Constant({b: 2.0, shared: 2.0})
    stats = MultiEvaluator([first, second]).evaluate(policy=None)
    assert stats == {a: 1.0, b: 2.0, shared: 2.0}  # later evaluators win on clashes
    assert first.calls == second.calls == 1
    with pytest.raises(ValueError, match="at least one evaluator"):
        MultiEvaluator([])


def test_progress_bar_draws_on_stderr_only_when_enabled(capsys):
    bar = Progress(4, unit="epoch", bar=True)  # the trainers' progress (maze.core.utils.progress)
    bar.update_to(4)
    bar.close()
    err = capsys.readouterr().err
    assert "epoch 4/4" in err and "100%" in err and err.endswith("\n")
    quiet = Progress(4, unit="epoch", bar=False)  # log lines instead of a bar
    quiet.update_to(4)
    quiet.close()
    assert capsys.readouterr().err == ""


def test_rollout_generator_records_torch_policy_logits():
    from train_helpers import make_actor_critic

    from maze.core.rollout.rollout_generator import RolloutGenerator
    from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
    from maze.train.parallelization.vector_env.sequential_vector_env import SequentialVectorEnv

    policy = make_actor_critic(SequentialVectorEnv([lambda: GymMazeEnv("CartPole-v1")]), hidden=(8,)).policy
    generator = RolloutGenerator(GymMazeEnv("CartPole-v1"), record_logits=True)
    trajectory = generator.rollout(policy, n_steps=12)
    assert len(trajectory.step_records) == 12
    for record in trajectory.step_records:
        sub = record.substep_records[0]
        logits = sub.logits["action"]
        assert tuple(logits.shape) == (2,) and torch.isfinite(torch.as_tensor(logits)).all()
        assert int(sub.action["action"]) in (0, 1)
