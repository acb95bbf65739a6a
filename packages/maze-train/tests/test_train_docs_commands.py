"""The reference docs' ``maze-run -cn conf_train ... algorithm=a2c|ppo|bc`` commands run, with env names updated
where gymnasium forces it (CartPole-v0 → v1, LunarLander-v2 → v3, Pendulum-v0 → v1) and small epoch overrides.

Docs commands for algorithms Maze does not ship (es, impala, sac, sacfd) and the nevergrad sweep are not listed.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

MAZE_RUN = [sys.executable, "-c", "import sys; from maze.core.cli import main; sys.exit(main())"]
SMALL_AC = ["algorithm.n_epochs=1", "algorithm.epoch_length=1", "algorithm.n_rollout_steps=8",
            "algorithm.rollout_evaluator.n_episodes=1", "runner.concurrency=2", "seeding.env_base_seed=1",
            "seeding.agent_base_seed=1"]
HAS_BOX2D = importlib.util.find_spec("Box2D") is not None

DOCS_COMMANDS = [
    "env.name=CartPole-v1 algorithm=a2c",
    "env.name=CartPole-v1 algorithm=a2c algorithm.n_epochs=5",
    "env.name=CartPole-v1 algorithm=a2c model=vector_obs critic=template_state",
    "env.name=CartPole-v1 algorithm=a2c model=vector_obs critic=default_state",
    "env.name=CartPole-v1 algorithm=ppo algorithm.lr=0.0001",
    "env.name=CartPole-v1 algorithm=ppo model=vector_obs critic=template_state",
    "env=gym_env env.name=CartPole-v1",
    "+experiment=cartpole_ppo_wrappers",
    "env.name=Pendulum-v1",
]
CUTTING2D_COMMANDS = [
    "env=tutorial_cutting_2d_basic wrappers=tutorial_cutting_2d_basic model=tutorial_cutting_2d_basic algorithm=ppo",
    "env=tutorial_cutting_2d_events wrappers=tutorial_cutting_2d_events model=tutorial_cutting_2d_events algorithm=ppo",
    "env=tutorial_cutting_2d_struct wrappers=tutorial_cutting_2d model=tutorial_cutting_2d_struct algorithm=ppo",
    "env=tutorial_cutting_2d_struct_masked",
    "env=tutorial_cutting_2d_struct_masked wrappers=tutorial_cutting_2d model=tutorial_cutting_2d_struct_masked algorithm=ppo",
    "algorithm=ppo env=tutorial_cutting_2d_struct_masked wrappers=tutorial_cutting_2d model=tutorial_cutting_2d_struct_masked",
]
LUNAR_COMMANDS = [
    "env=gym_env env.name=LunarLander-v3",
    "env=gym_env env.name=LunarLander-v3 algorithm=ppo",
    "env=gym_env env.name=LunarLander-v3 wrappers=vector_obs model=vector_obs",
]


def maze_run(args: list[str], cwd: Path) -> str:
    proc = subprocess.run([*MAZE_RUN, *args], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "MPLBACKEND": "Agg"})
    assert proc.returncode == 0, f"maze-run {' '.join(args)}\n" + proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout


def _assert_trained(out: Path, stdout: str) -> None:
    assert "-> new overall best model" in stdout or "Epoch" in stdout
    assert (out / "state_dict.pt").is_file() and (out / "checkpoint.pt").is_file()


@pytest.mark.parametrize("command", DOCS_COMMANDS)
def test_docs_training_command(command: str, tmp_path: Path) -> None:
    out = tmp_path / "run"
    stdout = maze_run(["-cn", "conf_train", *command.split(), *SMALL_AC, f"hydra.run.dir={out}"], tmp_path)
    _assert_trained(out, stdout)


@pytest.mark.needs_cutting2d
@pytest.mark.parametrize("command", CUTTING2D_COMMANDS)
def test_docs_cutting2d_training_command(command: str, tmp_path: Path) -> None:
    out = tmp_path / "run"
    stdout = maze_run(["-cn", "conf_train", *command.split(), *SMALL_AC, f"hydra.run.dir={out}"], tmp_path)
    _assert_trained(out, stdout)


@pytest.mark.skipif(not HAS_BOX2D, reason="LunarLander needs Box2D (pip install box2d pygame)")
@pytest.mark.parametrize("command", LUNAR_COMMANDS)
def test_docs_lunar_lander_command(command: str, tmp_path: Path) -> None:
    out = tmp_path / "run"
    stdout = maze_run(["-cn", "conf_train", *command.split(), *SMALL_AC, f"hydra.run.dir={out}"], tmp_path)
    _assert_trained(out, stdout)


@pytest.mark.skipif(not HAS_BOX2D, reason="LunarLander needs Box2D (pip install box2d pygame)")
def test_docs_imitation_then_fine_tuning_on_lunar_lander(tmp_path: Path) -> None:
    """Docs: record rollouts, behavioural cloning (algorithm=bc), then PPO fine-tuning from the BC output."""
    rollouts = tmp_path / "rollouts"
    maze_run(["env=gym_env", "env.name=LunarLander-v3", "runner=sequential", "runner.n_episodes=2",
              "runner.max_episode_steps=60", "runner.record_trajectory=true", f"hydra.run.dir={rollouts}"], tmp_path)
    bc = tmp_path / "bc"
    stdout = maze_run(["-cn", "conf_train", "env.name=LunarLander-v3", "model=vector_obs", "wrappers=vector_obs", "algorithm=bc",
                       "runner.validation_percentage=50", "algorithm.n_epochs=2",  # the docs' runner-level keys
                       f"runner.dataset.trajectory_data_dir={rollouts / 'trajectory_data'}", f"hydra.run.dir={bc}"], tmp_path)
    assert "ImitationEvents" in stdout and (bc / "state_dict.pt").is_file()
    ft = tmp_path / "ppo"
    stdout = maze_run(["-cn", "conf_train", "env.name=LunarLander-v3", "model=vector_obs", "critic=template_state",
                       "wrappers=vector_obs", "algorithm=ppo", "runner.eval_repeats=2", "runner.critic_burn_in_epochs=1",
                       f"input_dir={bc}", *SMALL_AC, f"hydra.run.dir={ft}"], tmp_path)
    assert "Initializing from" in stdout
    _assert_trained(ft, stdout)
