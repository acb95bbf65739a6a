"""The optimizer step: FusedAdam (the same updates and checkpoints as torch's fused Adam, without importing
torch._dynamo) and clip_grad_norm (bit-for-bit torch's clip_grad_norm_)."""

from __future__ import annotations

import copy
import subprocess
import sys
import textwrap

import pytest
import torch

from maze.train.utils.adam import FusedAdam, make_adam
from maze.train.utils.train_utils import clip_grad_norm, compute_gradient_norm


def _net(seed: int) -> torch.nn.Module:
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.Tanh(), torch.nn.Linear(16, 3))


def _twins(seed: int = 0) -> tuple[torch.nn.Module, torch.nn.Module]:
    a, b = _net(seed), _net(seed + 1)
    b.load_state_dict(a.state_dict())
    return a, b


def _train_step(net: torch.nn.Module, opt, x: torch.Tensor, only_first_layer: bool = False) -> None:
    opt.zero_grad(set_to_none=True)
    out = net[0](x).pow(2).sum() if only_first_layer else net(x).pow(2).sum()
    out.backward()
    opt.step()


def _max_diff(a: torch.nn.Module, b: torch.nn.Module) -> float:
    return max((p - q).abs().max().item() for p, q in zip(a.parameters(), b.parameters()))


def test_updates_are_bitwise_those_of_torch_fused_adam() -> None:
    """Two param groups with their own lr and weight decay, an lr changed between steps, steps in which some
    parameters get no gradient (their state must stay untouched, as in torch)."""
    a, b = _twins()
    groups = lambda net: [{"params": list(net[0].parameters()), "lr": 3e-2, "weight_decay": 1e-3},  # noqa: E731
                          {"params": list(net[2].parameters())}]
    torch_opt = torch.optim.Adam(groups(a), lr=1e-2, betas=(0.8, 0.99), eps=1e-5, fused=True)
    ours = FusedAdam(groups(b), lr=1e-2, betas=(0.8, 0.99), eps=1e-5)
    gen = torch.Generator().manual_seed(1)
    for i in range(30):
        x = torch.randn(32, 4, generator=gen)
        for net, opt in ((a, torch_opt), (b, ours)):
            if i == 10:
                for g in opt.param_groups:
                    g["lr"] *= 0.5
            _train_step(net, opt, x, only_first_layer=i % 7 == 3)
        assert _max_diff(a, b) == 0.0, f"step {i}"
    # the updates moved the parameters at all (a check that cannot pass on two frozen nets)
    assert (a[0].weight - _net(0)[0].weight).abs().max() > 1e-2
    for p, q in zip(a.parameters(), b.parameters()):
        assert torch.equal(torch_opt.state[p]["exp_avg_sq"], ours.state[q]["exp_avg_sq"])
        assert float(torch_opt.state[p]["step"]) == float(ours.state[q]["step"])
    assert float(ours.state[b[2].weight]["step"]) < 30  # skipped in the steps without its gradient


@pytest.mark.parametrize("direction", ["fused->torch", "torch->fused"])
def test_state_dicts_load_into_either_optimizer_and_training_continues_identically(direction: str) -> None:
    a, b = _twins()
    first = FusedAdam(list(a.parameters()), lr=1e-2) if direction == "fused->torch" else \
        torch.optim.Adam(a.parameters(), lr=1e-2, fused=True)
    gen = torch.Generator().manual_seed(2)
    for _ in range(5):
        _train_step(a, first, torch.randn(8, 4, generator=gen))
    b.load_state_dict(a.state_dict())
    second = torch.optim.Adam(b.parameters(), lr=1.0, fused=True) if direction == "fused->torch" else \
        FusedAdam(list(b.parameters()), lr=1.0)
    second.load_state_dict(copy.deepcopy(first.state_dict()))  # as from a checkpoint file (no shared tensors)
    assert second.param_groups[0]["lr"] == 1e-2  # the options come from the checkpoint
    for _ in range(5):
        x = torch.randn(8, 4, generator=gen)
        _train_step(a, first, x)
        _train_step(b, second, x)
    assert _max_diff(a, b) == 0.0


def test_checkpoint_through_torch_save_round_trip(tmp_path) -> None:
    a, b = _twins()
    opt = FusedAdam(list(a.parameters()), lr=1e-2)
    _train_step(a, opt, torch.randn(8, 4))
    torch.save(opt.state_dict(), tmp_path / "opt.pt")
    other = FusedAdam(list(b.parameters()), lr=5.0)
    other.load_state_dict(torch.load(tmp_path / "opt.pt", weights_only=True))
    assert other.param_groups[0]["lr"] == 1e-2
    assert torch.equal(other.state[b[0].weight]["exp_avg"], opt.state[a[0].weight]["exp_avg"])


def test_bad_state_dicts_and_options_name_what_is_wrong() -> None:
    net = _net(0)
    opt = FusedAdam(list(net.parameters()))
    amsgrad = torch.optim.Adam(_net(0).parameters(), amsgrad=True).state_dict()
    with pytest.raises(ValueError, match="amsgrad=True.*does not implement"):
        opt.load_state_dict(amsgrad)
    smaller = FusedAdam(list(net[0].parameters())).state_dict()
    with pytest.raises(ValueError, match="2 parameters in the state dict, 4 here"):
        opt.load_state_dict(smaller)
    with pytest.raises(ValueError, match="expected 1 param group"):
        opt.load_state_dict({"state": {}, "param_groups": []})
    other_shape = torch.nn.Sequential(torch.nn.Linear(5, 16), torch.nn.Tanh(), torch.nn.Linear(16, 3))
    o2 = FusedAdam(list(other_shape.parameters()))
    _train_step(other_shape, o2, torch.randn(2, 5))
    with pytest.raises(ValueError, match=r"exp_avg has shape \(16, 5\), the parameter \(16, 4\)"):
        opt.load_state_dict(o2.state_dict())
    with pytest.raises(ValueError, match="invalid lr"):
        FusedAdam(list(net.parameters()), lr=-1.0)
    with pytest.raises(ValueError, match="empty parameter list"):
        FusedAdam([])
    with pytest.raises(ValueError, match="more than one parameter group"):
        FusedAdam([{"params": [net[0].weight]}, {"params": [net[0].weight]}])
    with pytest.raises(ValueError, match=r"unknown param-group options \['momentum'\]"):
        FusedAdam([{"params": [net[0].weight], "momentum": 0.9}])
    with pytest.raises(ValueError, match="on meta"):
        FusedAdam([torch.nn.Parameter(torch.zeros(2, device="meta"))])


def test_make_adam_falls_back_to_torch_adam_where_the_fused_kernel_cannot_run(monkeypatch) -> None:
    assert isinstance(make_adam(list(_net(0).parameters()), lr=1e-3), FusedAdam)
    meta = [torch.nn.Parameter(torch.zeros(2, device="meta"))]
    fallback = make_adam(meta, lr=1e-3)
    assert isinstance(fallback, torch.optim.Adam) and fallback.param_groups[0]["eps"] == 1e-5

    # a torch whose kernel does not run on the CPU (torch < 2.4): found by the probe, torch's Adam is used
    def cuda_only(*args, **kwargs):
        raise NotImplementedError("_fused_adam_ is not implemented for CPU")

    from maze.train.utils import adam

    monkeypatch.setattr(torch, "_fused_adam_", cuda_only)
    adam._kernel_runs_on.cache_clear()
    try:
        assert isinstance(make_adam(list(_net(0).parameters()), lr=1e-3), torch.optim.Adam)
        with pytest.raises(ValueError, match="fused Adam kernel does not run there"):
            FusedAdam(list(_net(0).parameters()))
    finally:
        adam._kernel_runs_on.cache_clear()  # the real kernel again for the other tests


def test_a_ppo_training_process_never_imports_torch_dynamo() -> None:
    """torch.optim's optimizers import torch._dynamo (about 70 MiB and seconds of start-up); a Maze training does
    not. Checked in a fresh interpreter: a short PPO training, a checkpoint save and load."""
    code = textwrap.dedent("""
        import sys
        from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
        from maze.train.agent.mlp_model_composer import MLPModelComposer
        from maze.train.agent.model_building import build_critic, build_policy
        from maze.train.agent.torch_actor_critic import TorchActorCritic
        from maze.train.parallelization.vector_env.sequential_vector_env import SequentialVectorEnv
        from maze.train.trainers.common.trainer import TrainingRun
        from maze.train.trainers.ppo.ppo_algorithm_config import PPOAlgorithmConfig
        from maze.train.trainers.ppo.ppo_trainer import PPO

        env = SequentialVectorEnv([lambda: GymMazeEnv("CartPole-v1")] * 2)
        composer = MLPModelComposer(env.action_spaces_dict, env.observation_spaces_dict, hidden_units=(16,))
        model = TorchActorCritic(build_policy(composer), build_critic(composer))
        cfg = PPOAlgorithmConfig(n_epochs=2, epoch_length=2, patience=0, n_rollout_steps=16, batch_size=16,
                                 n_optimization_epochs=2, rollout_evaluator=None)
        trainer = PPO(cfg, env, model, seed=0, run=TrainingRun(progress_bar=False))
        trainer.train(2)
        trainer.load_state_dict(trainer.state_dict())
        assert trainer.env_steps == 2 * 2 * 2 * 16, trainer.env_steps
        print("DYNAMO", "torch._dynamo" in sys.modules, type(trainer.optimizer).__name__)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "DYNAMO False FusedAdam" in out.stdout, out.stdout + out.stderr[-2000:]


@pytest.mark.parametrize("scale", [1e-3, 1.0, 1e3])
@pytest.mark.parametrize("max_norm", [0.5, 2.0, float("inf")])
def test_clip_grad_norm_is_bitwise_torch_clip_grad_norm(scale: float, max_norm: float) -> None:
    gen = torch.Generator().manual_seed(3)
    shapes = [(64, 4), (64,), (64, 64), (64,), (2, 64), (2,)]
    ours = [torch.randn(s, generator=gen) * scale for s in shapes]
    params = [torch.nn.Parameter(torch.zeros(s)) for s in shapes]
    for p, g in zip(params, ours):
        p.grad = g.clone()
    unclipped = compute_gradient_norm(params + [torch.nn.Parameter(torch.zeros(2))])  # one without a gradient
    expected = torch.nn.utils.clip_grad_norm_(params, max_norm)
    assert unclipped == float(expected)
    norm = clip_grad_norm(ours, max_norm)
    assert torch.equal(norm, expected)
    assert all(torch.equal(g, p.grad) for g, p in zip(ours, params))
    if max_norm < float(expected):  # clipped: the new norm is the bound
        assert float(torch.linalg.vector_norm(torch.stack([g.norm() for g in ours]))) == pytest.approx(max_norm, 1e-4)


def test_clip_grad_norm_leaves_non_finite_gradients_for_the_trainer_to_refuse() -> None:
    grads = [torch.tensor([1.0, float("nan")]), torch.ones(3)]
    norm = clip_grad_norm(grads, 0.5)
    assert torch.isnan(norm)
    assert torch.isnan(grads[0][1]) and torch.equal(grads[1], torch.ones(3))  # untouched
    assert float(clip_grad_norm([], 0.5)) == 0.0


@pytest.mark.parametrize("dtype", [torch.float64, torch.bfloat16, torch.float16])
def test_other_floating_dtypes_match_torch_fused_adam(dtype: torch.dtype) -> None:
    gen = torch.Generator().manual_seed(4)
    p = torch.nn.Parameter(torch.randn(7, 3, generator=gen).to(dtype))
    q = torch.nn.Parameter(p.detach().clone())
    ours, theirs = FusedAdam([p], lr=0.05), torch.optim.Adam([q], lr=0.05, fused=True)
    for _ in range(4):
        grad = torch.randn(7, 3, generator=gen).to(dtype)
        p.grad, q.grad = grad.clone(), grad.clone()
        ours.step()
        theirs.step()
    assert p.dtype == dtype and torch.equal(p, q) and not torch.equal(p, q.new_zeros(q.shape))
