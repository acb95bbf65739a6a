"""Bad input on the command line: every case gets one error block (the key, the value, what was expected) on stderr,
exit code 2, no traceback (unless MAZE_DEBUG=1), and training configs are refused before anything is built."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hydra import compose, initialize

from maze.core.cli import maze_run

TRAIN = ["env.name=CartPole-v1", "model=mlp", "algorithm.n_epochs=1", "algorithm.epoch_length=1",
         "algorithm.n_rollout_steps=8", "algorithm.rollout_evaluator.n_episodes=1", "runner.concurrency=1"]
ROLLOUT = ["env.name=CartPole-v1", "runner=sequential", "runner.n_episodes=1"]

CASES = [  # (root config, overrides, what the message must say)
    ("conf_train", ["algorithm.n_epochs=-1"], "algorithm.n_epochs=-1 is invalid: expected an integer >= 0"),
    ("conf_train", ["algorithm.lr=abc"], "algorithm.lr='abc' is invalid: expected a number"),
    ("conf_train", ["algorithm.gamma=2"], "algorithm.gamma=2 is invalid: expected a number in [0.0, 1.0]"),
    ("conf_train", ["+algorithm.lrr=0.1"], "unknown algorithm parameter(s) ['algorithm.lrr']"),
    ("conf_train", ["runner.concurrency=-3"], "runner.concurrency=-3 is invalid: expected an integer >= 0"),
    ("conf_train", ["runner.tensorboard=maybe"], "runner.tensorboard='maybe' is invalid: expected true or false"),
    ("conf_train", ["seeding.env_base_seed=abc"], "seeding.env_base_seed='abc' is invalid: expected an integer"),
    ("conf_train", ["seeding.agent_base_seed=-4"], "seeding.agent_base_seed=-4 is invalid: expected an integer >= 0"),
    ("conf_train", ["input_dir=/nonexistent/run"], "input_dir '/nonexistent/run' does not exist"),
    ("conf_train", ["algorithm._target_=no.such.AlgorithmConfig"], "is not a registered algorithm"),
    ("conf_train", ["env.name=NotAnEnv-v0"], "env.name='NotAnEnv-v0': cannot create this gymnasium env"),
    ("conf_train", ["+wrappers.NotAWrapper={}"], "unknown wrapper 'NotAWrapper'"),
    ("conf_rollout", ["runner=parallel", "runner.n_processes=-2"], "runner.n_processes=-2 is invalid"),
    ("conf_rollout", ["runner.n_episodes=0"], "runner.n_episodes=0 is invalid: expected an integer >= 1"),
    ("conf_rollout", ["runner=parallel", "runner.timeout_s=-1"], "runner.timeout_s=-1 is invalid"),
    ("conf_rollout", ["seeding.env_base_seed=abc"], "seeding.env_base_seed='abc' is invalid"),
    ("conf_rollout", ["env.name=NotAnEnv-v0"], "env.name='NotAnEnv-v0'"),
    ("conf_rollout", ["policy=torch_policy", "input_dir=/nonexistent/run"], "input_dir '/nonexistent/run' does not exist"),
]


def _assert_one_error_block(cfg, expected: str, capsys: pytest.CaptureFixture) -> str:
    """Run ``cfg`` through ``maze_run``: exit code 2 and one error block on stderr that says ``expected``; returns stdout."""
    with pytest.raises(SystemExit) as exit_info:
        maze_run(cfg)
    out, err = capsys.readouterr()
    assert exit_info.value.code == 2
    lines = err.strip().splitlines()
    assert lines[0].startswith("maze-run: error: ") and expected in lines[0], err
    assert lines[1:] == ["(MAZE_DEBUG=1 shows the traceback)"], err  # one block, no traceback
    assert len(lines[0]) < 1000  # the key, the value, what was expected (and the valid names)
    return out


@pytest.mark.parametrize("root, overrides, expected", CASES, ids=[" ".join(c[1]) for c in CASES])
def test_bad_config_gets_one_clear_error_block(root: str, overrides: list[str], expected: str, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MAZE_DEBUG", raising=False)
    monkeypatch.delenv("HYDRA_FULL_ERROR", raising=False)
    base = TRAIN if root == "conf_train" else ROLLOUT
    with initialize(version_base=None, config_path=None):
        cfg = compose(config_name=root, overrides=[*base, *overrides])
    out = _assert_one_error_block(cfg, expected, capsys)
    if root == "conf_train":  # refused before anything was built or the config was printed at length
        assert "seeding:" not in out and not (tmp_path / "spaces_config.json").exists()


BC = ["env.name=CartPole-v1", "model=mlp", "algorithm=bc", "algorithm.n_epochs=1", "seeding.env_base_seed=1"]
BC_CASES = [  # (dataset: "one" trajectory or an "empty" dir, overrides, what the message must say)
    ("one", [], "algorithm.validation_percentage=20 leaves the validation split empty: the dataset"),
    ("one", ["runner.validation_percentage=90"], "algorithm.validation_percentage=90 leaves the training split empty"),
    ("one", ["algorithm.validation_percentage=50"], "holds 1 trajectory ("),  # the counts ...
    ("one", ["algorithm.validation_percentage=30"], "so the split needs at least 2 trajectories"),  # ... what is needed
    ("empty", ["algorithm.validation_percentage=0", "algorithm.n_eval_episodes=1"],
     "runner.dataset: no trajectory files (*.traj.zip) found in"),
]


@pytest.fixture(scope="module")
def one_trajectory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The trajectory dir of a recorded one-episode CartPole rollout."""
    root = tmp_path_factory.mktemp("bc_data")
    proc = subprocess.run([sys.executable, "-c", "import sys; from maze.core.cli import main; sys.exit(main())",
                           "env.name=CartPole-v1", "runner=sequential", "runner.n_episodes=1", "runner.record_trajectory=true",
                           "seeding.env_base_seed=3", f"hydra.run.dir={root / 'demo'}"], cwd=root, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = root / "demo" / "trajectory_data"
    assert len(list(data.glob("*.traj.zip"))) == 1
    return data


@pytest.mark.parametrize("dataset, overrides, expected", BC_CASES, ids=[f"{c[0]} {' '.join(c[1])}" for c in BC_CASES])
def test_bc_with_too_few_trajectories_gets_one_clear_error_block(dataset: str, overrides: list[str], expected: str,
                                                                 one_trajectory: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MAZE_DEBUG", raising=False)
    monkeypatch.delenv("HYDRA_FULL_ERROR", raising=False)
    data = one_trajectory if dataset == "one" else tmp_path / "no_trajectories"
    data.mkdir(exist_ok=True)
    with initialize(version_base=None, config_path=None):
        cfg = compose(config_name="conf_train", overrides=[*BC, f"runner.dataset.input_data={data}", *overrides])
    _assert_one_error_block(cfg, expected, capsys)
    assert not (tmp_path / "state_dict.pt").exists()  # no training started


def test_maze_debug_shows_the_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "MAZE_DEBUG": "1"}
    proc = subprocess.run([sys.executable, "-c", "import sys; from maze.core.cli import main; sys.exit(main())",
                           "-cn", "conf_train", *TRAIN, "runner.concurrency=-3", f"hydra.run.dir={tmp_path / 'run'}"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "Traceback" in proc.stderr and "runner.concurrency=-3 is invalid" in proc.stderr


def test_an_input_dir_of_another_env_is_refused_with_the_reason(tmp_path: Path) -> None:
    run = [sys.executable, "-c", "import sys; from maze.core.cli import main; sys.exit(main())"]
    first = tmp_path / "cartpole"
    proc = subprocess.run([*run, "-cn", "conf_train", *TRAIN, f"hydra.run.dir={first}"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    proc = subprocess.run([*run, "-cn", "conf_train", *TRAIN, "env.name=Acrobot-v1", f"input_dir={first}",
                           f"hydra.run.dir={tmp_path / 'acrobot'}"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 2
    assert "holds a model incompatible with this config" in proc.stderr and "Traceback" not in proc.stderr


def test_the_docs_runner_level_aliases_set_the_algorithm_parameters() -> None:
    from maze.train.trainers.common.training_runner import TrainingRunnerOptions
    from maze.train.trainers.imitation.bc_algorithm_config import BCAlgorithmConfig
    from maze.train.trainers.ppo.ppo_algorithm_config import PPOAlgorithmConfig

    options = TrainingRunnerOptions(eval_repeats=7, critic_burn_in_epochs=3)
    ppo = options.algorithm_config(PPOAlgorithmConfig, {"rollout_evaluator": {"n_episodes": 2}, "critic_burn_in_epochs": 0})
    assert ppo.rollout_evaluator["n_episodes"] == 7 and ppo.critic_burn_in_epochs == 3
    bc = TrainingRunnerOptions(eval_repeats=5, validation_percentage=40.0).algorithm_config(BCAlgorithmConfig, {})
    assert bc.n_eval_episodes == 5 and bc.validation_percentage == 40.0
    with pytest.raises(Exception, match=r"runner.validation_percentage=40.0 is invalid: PPOAlgorithmConfig has no"):
        TrainingRunnerOptions(validation_percentage=40.0).algorithm_config(PPOAlgorithmConfig, {})
