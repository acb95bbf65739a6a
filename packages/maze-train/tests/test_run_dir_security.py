"""Loading a training run dir never executes code from it: its ``.hydra/config.yaml`` is untrusted.

A real run dir is trained once through the CLI; copies of it get a tampered config (``model: {_target_: os.system,
command: touch <tmp>/pwned}`` and variants) and are rolled out (``policy=torch_policy input_dir=RUN``), deployed
(``SerializedTorchPolicy``) and resumed (``-cn conf_train input_dir=RUN``). The file is never created, and every refusal
is one line naming the file, the config key and the value.
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest
import torch
import yaml

from maze.core.utils.factory import ConfigError
from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
from maze.perception.models.built_in.flatten_concat import FlattenConcatPolicyNet
from maze.train.agent.serialized_torch_policy import SerializedTorchPolicy

MAZE_RUN = [sys.executable, "-c", "import sys; from maze.core.cli import main; sys.exit(main())"]
TRAIN = ["-cn", "conf_train", "env.name=CartPole-v1", "algorithm=ppo", "algorithm.n_epochs=1", "algorithm.epoch_length=1",
         "algorithm.n_rollout_steps=10", "algorithm.rollout_evaluator.n_episodes=1", "runner.concurrency=1",
         "seeding.env_base_seed=1", "seeding.agent_base_seed=2"]
ROLLOUT = ["env.name=CartPole-v1", "policy=torch_policy", "runner=sequential", "runner.n_episodes=1"]


class CustomPolicyNet(FlattenConcatPolicyNet):
    """A user's own (unregistered) network class with the layout of the trained one."""


def maze_run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*MAZE_RUN, *args], cwd=cwd, capture_output=True, text=True, timeout=180,
                          env={**os.environ, "MPLBACKEND": "Agg"})


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output dir of a real (tiny) PPO training run."""
    base = tmp_path_factory.mktemp("trained")
    proc = maze_run([*TRAIN, f"hydra.run.dir={base / 'run'}"], base)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return base / "run"


def tampered_copy(run: Path, target: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of ``run`` whose saved config was edited by ``change``."""
    shutil.copytree(run, target)
    path = target / ".hydra" / "config.yaml"
    config = yaml.safe_load(path.read_text())
    change(config)
    path.write_text(yaml.safe_dump(config))
    return target


def error_line(proc: subprocess.CompletedProcess, needle: str) -> str:
    lines = [line for line in (proc.stdout + proc.stderr).splitlines() if needle in line]
    assert len(lines) == 1, proc.stdout[-2000:] + proc.stderr[-3000:]
    return lines[0]


def test_rolling_out_a_run_dir_with_a_malicious_model_config_runs_nothing(trained_run: Path, tmp_path: Path) -> None:
    pwned = tmp_path / "pwned"
    run = tampered_copy(trained_run, tmp_path / "run", lambda c: c.update(
        model={"_target_": "os.system", "command": f"touch {pwned}"}))
    proc = maze_run([*ROLLOUT, f"input_dir={run}", f"hydra.run.dir={tmp_path / 'rollout'}"], tmp_path)
    assert proc.returncode != 0
    line = error_line(proc, "model._target_ = 'os.system'")
    assert f"{run / '.hydra' / 'config.yaml'}: model._target_ = 'os.system' is not a registered model (expected a " \
           f"subclass of maze.perception.models.model_composer.BaseModelComposer" in line
    assert "(model=<option>)" in line
    assert not pwned.exists()


def test_a_trusted_model_on_the_command_line_replaces_the_tampered_one(trained_run: Path, tmp_path: Path) -> None:
    """``model=...`` is the current command's config; the run dir's model, env and wrappers are never used."""
    pwned = tmp_path / "pwned"

    def change(config: dict[str, Any]) -> None:
        config["model"] = {"_target_": "subprocess.Popen", "args": ["touch", str(pwned)]}
        config["env"] = {"_target_": "os.system", "command": f"touch {pwned}"}
        config["wrappers"] = {"subprocess.Popen": {"args": ["touch", str(pwned)]}}

    run = tampered_copy(trained_run, tmp_path / "run", change)
    proc = maze_run([*ROLLOUT, f"input_dir={run}", "model=flatten_concat", f"hydra.run.dir={tmp_path / 'rollout'}"],
                    tmp_path)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "episode 1/1" in proc.stdout
    assert not pwned.exists()


@pytest.mark.parametrize("mode", ["resume", "fine_tune"])
def test_resume_and_fine_tune_from_a_tampered_run_dir_use_only_its_weights(trained_run: Path, tmp_path: Path,
                                                                         mode: str) -> None:
    pwned = tmp_path / "pwned"

    def change(config: dict[str, Any]) -> None:
        config["model"] = {"_target_": "os.system", "command": f"touch {pwned}"}
        config["algorithm"]["rollout_evaluator"] = {"_target_": "builtins.exec",
                                                    "source": f"open({str(pwned)!r}, 'w')"}
        config["wrappers"] = {"subprocess.Popen": {"args": ["touch", str(pwned)]}}

    run = tampered_copy(trained_run, tmp_path / "run", change)
    if mode == "fine_tune":
        (run / "checkpoint.pt").unlink()  # only the best weights: fine-tuning
    out = tmp_path / "resumed"
    proc = maze_run([*TRAIN, f"input_dir={run}", f"hydra.run.dir={out}"], tmp_path)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    started_from = run / ("checkpoint.pt" if mode == "resume" else "state_dict.pt")
    assert f"Initializing from {started_from}" in proc.stdout
    assert (out / "state_dict.pt").is_file()
    assert not pwned.exists()


def test_run_dir_files_get_the_permissions_of_a_plain_open(trained_run: Path, tmp_path: Path) -> None:
    """The trainer's atomic writes create files like ``open()`` does under the umask the run had (inherited)."""
    mask = os.umask(0)
    os.umask(mask)
    plain = tmp_path / "plain"
    plain.write_text("x")
    expected = plain.stat().st_mode & 0o777
    for name in ("state_dict.pt", "checkpoint.pt", "spaces_config.json"):
        assert (trained_run / name).stat().st_mode & 0o777 == expected == 0o666 & ~mask, name
    assert not [n for n in os.listdir(trained_run) if ".tmp-" in n]


def _set(config: dict[str, Any], path: list[Any], value: Any) -> None:
    node = config
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


TEMPLATE_MODEL = {
    "_target_": "TemplateModelComposer", "distribution_mapper_config": [],
    "model_builder": {"_target_": "ConcatModelBuilder", "observation_modality_mapping": {"observation": "feature"},
                      "modality_config": {"feature": {"block_type": "DenseBlock", "block_params": {"hidden_units": [8]}},
                                          "hidden": {}, "recurrence": {}}},
    "policy": {"_target_": "ProbabilisticPolicyComposer"}, "critic": None,
}


def _template_with(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(config: dict[str, Any]) -> None:
        config["model"] = copy.deepcopy(TEMPLATE_MODEL)
        _set(config["model"], path, value)
    return change


# (how the run config is tampered, the key and value the one-line error names)
VARIANTS = {
    "popen": (lambda c, p: c.update(model={"_target_": "subprocess.Popen", "args": ["touch", p]}),
              "model._target_ = 'subprocess.Popen' is not a registered model"),
    "eval": (lambda c, p: c.update(model={"_target_": "builtins.eval", "source": f"open({p!r}, 'w')"}),
             "model._target_ = 'builtins.eval' is not a registered model"),
    "nested_network": (lambda c, p: _set(c, ["model", "policy", "networks", 0], {"_target_": "os.system", "command": f"touch {p}"}),
                       "model.policy.networks[0]._target_ = 'os.system' is not a registered Maze component"),
    "unregistered_subclass": (lambda c, p: _set(c, ["model", "policy", "networks", 0, "_target_"], f"{__name__}.CustomPolicyNet"),
                              f"model.policy.networks[0]._target_ = '{__name__}.CustomPolicyNet' is not a registered"),
    "non_lin": (lambda c, p: _set(c, ["model", "policy", "networks", 0, "non_lin"], "os.system"),
                "non_lin = 'os.system' is not a registered activation"),
    "distribution_target": (lambda c, p: _set(c, ["model", "distribution_mapper_config"], [
        {"action_space": "Discrete", "distribution": {"_target_": "os.system", "command": f"touch {p}"}}]),
        "model.distribution_mapper_config[0].distribution._target_ = 'os.system' is not a registered Maze component"),
    "distribution_name": (lambda c, p: _set(c, ["model", "distribution_mapper_config"], [
        {"action_space": "Discrete", "distribution": "subprocess.Popen"}]),
        "distribution_mapper_config[0].distribution = 'subprocess.Popen' is not a registered distribution"),
    "block_type": (lambda c, p: _template_with(["model_builder", "modality_config", "feature", "block_type"],
                                               "subprocess.Popen")(c),
                   "modality_config['feature'].block_type = 'subprocess.Popen' is not a registered block"),
    "model_builder": (lambda c, p: _template_with(["model_builder"], {"_target_": "builtins.exec", "source": f"open({p!r}, 'w')"})(c),
                      "model.model_builder._target_ = 'builtins.exec' is not a registered Maze component"),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_deploying_a_tampered_run_dir_is_refused_with_one_line(trained_run: Path, tmp_path: Path, variant: str) -> None:
    pwned = tmp_path / "pwned"
    change, expected = VARIANTS[variant]
    run = tampered_copy(trained_run, tmp_path / "run", lambda c: change(c, str(pwned)))
    with pytest.raises(ConfigError) as exc_info:
        SerializedTorchPolicy(str(run))
    message = str(exc_info.value)
    assert "\n" not in message
    assert f"{run / '.hydra' / 'config.yaml'}: " in message and expected in message
    assert not pwned.exists()


def test_a_trusted_model_may_name_any_import_path_of_the_right_type(trained_run: Path, tmp_path: Path) -> None:
    saved = yaml.safe_load((trained_run / ".hydra" / "config.yaml").read_text())["model"]
    custom = copy.deepcopy(saved)
    custom["policy"]["networks"][0]["_target_"] = f"{__name__}.CustomPolicyNet"
    # given by the current command (trusted): the unregistered class is used and the trained weights load into it
    policy = SerializedTorchPolicy(str(trained_run), model=custom, deterministic=True)
    assert type(policy.networks[0]).__name__ == "CustomPolicyNet"
    reference = SerializedTorchPolicy(str(trained_run), deterministic=True)  # the run's own (registered) config
    for a, b in zip(policy.networks[0].state_dict().values(), reference.networks[0].state_dict().values()):
        assert torch.equal(a, b)
    env = GymMazeEnv("CartPole-v1")
    obs, _ = env.reset(seed=3)
    action = policy.compute_action(obs)
    assert int(action["action"]) == int(reference.compute_action(obs)["action"])
    assert env.action_space.contains(action)
    # the same config read from the run dir is refused (see VARIANTS["unregistered_subclass"])
    run = tampered_copy(trained_run, tmp_path / "run", lambda c: c.update(model=custom))
    with pytest.raises(ConfigError, match="is not a registered Maze component"):
        SerializedTorchPolicy(str(run))
