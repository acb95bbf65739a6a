"""A third-party algorithm through the documented contract only: ``examples/maze-example-cem`` (the cross-entropy
method, with its own statistics topic) is built and installed into a fresh virtual env beside Maze, then
``maze-run -cn conf_train algorithm=cem`` trains, shows its statistics in the console table and in TensorBoard,
writes a ``state_dict.pt`` that ``policy=torch_policy`` rolls out, and resumes from ``input_dir``.

"Beside Maze": the fresh venv sees the Maze distributions (and torch) of the test environment through a ``.pth``
file, so the plugin is the only thing installed into it, by pip from its own directory (a real wheel build).
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest
import torch
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "examples" / "maze-example-cem"

pytestmark = pytest.mark.skipif(not EXAMPLE.is_dir(), reason="needs the repository checkout (examples/)")

FAST = ["env.name=CartPole-v1", "model=mlp", "model.hidden_units=[4]", "model.critic=none", "algorithm=cem",
        "algorithm.population_size=6", "algorithm.n_eval_episodes=2", "runner.eval_concurrency=1",
        "seeding.env_base_seed=1", "seeding.agent_base_seed=2"]


def _sh(cmd: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["MPLBACKEND"] = "Agg"
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def cem_venv(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("cem_venv")
    venv.EnvBuilder(with_pip=True).create(root / "env")
    bin_dir = root / "env" / ("Scripts" if sys.platform == "win32" else "bin")
    python = bin_dir / "python"
    site = _sh([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], root).stdout.strip()
    # Maze and its dependencies of the test environment are visible beside the fresh env's own site-packages
    Path(site, "maze_test_env.pth").write_text(f"import site; site.addsitedir({sysconfig.get_paths()['purelib']!r})\n")
    res = _sh([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", str(EXAMPLE)], root)
    assert res.returncode == 0, res.stdout + res.stderr
    return bin_dir


def _maze_run(bin_dir: Path, args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    proc = _sh([str(bin_dir / "python"), "-c", "import sys; from maze.core.cli import main; sys.exit(main())", *args], cwd)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def test_plugin_is_installed_in_the_fresh_env_only(cem_venv: Path, tmp_path: Path) -> None:
    listing = _maze_run(cem_venv, ["--plugins"], tmp_path)
    assert "example_cem: maze-example-cem 0.1.0" in listing.stdout
    assert "cem — cross-entropy method" in listing.stdout
    here = subprocess.run([sys.executable, "-c", "import maze_example_cem"], capture_output=True, text=True)
    assert here.returncode != 0, "the example must not be installed in the test environment itself"


def test_cem_trains_rolls_out_and_resumes(cem_venv: Path, tmp_path: Path) -> None:
    first = tmp_path / "first"
    proc = _maze_run(cem_venv, ["-cn", "conf_train", *FAST, "algorithm.n_epochs=2", f"hydra.run.dir={first}"], tmp_path)
    # its own statistics topic in the console table, in the docs' format, next to Maze's sections
    assert "train  CEMEvents  candidate_return  max" in proc.stdout, proc.stdout[-3000:]
    assert "train  CEMEvents  noise_std" in proc.stdout
    assert "eval  BaseEnvEvents  reward" in proc.stdout
    acc = EventAccumulator(str(first), size_guidance={"scalars": 0})
    acc.Reload()
    tags = acc.Tags()["scalars"]
    assert {"train_CEMEvents/candidate_return/mean", "train_CEMEvents/elite_return",
            "eval_BaseEnvEvents/reward/mean"} <= set(tags), tags
    assert [e.step for e in acc.Scalars("train_CEMEvents/candidate_return/max")] == [1, 2]
    best = torch.load(first / "state_dict.pt", weights_only=True)
    assert set(best) == {"policy"} and "0" in best["policy"]
    checkpoint = torch.load(first / "checkpoint.pt", weights_only=True)
    assert checkpoint["epoch"] == 2 and checkpoint["trainer_kind"] == "cem" and "cem_mean" in checkpoint

    rollout = _maze_run(cem_venv, ["env.name=CartPole-v1", "policy=torch_policy", f"input_dir={first}",
                                   "runner=sequential", "runner.n_episodes=2", f"hydra.run.dir={tmp_path / 'rollout'}"],
                        tmp_path)
    assert "episode 2/2" in rollout.stdout

    resumed = tmp_path / "resumed"
    proc = _maze_run(cem_venv, ["-cn", "conf_train", *FAST, "algorithm.n_epochs=3", f"input_dir={first}",
                                f"hydra.run.dir={resumed}"], tmp_path)
    assert "Resuming at epoch 2" in proc.stdout
    checkpoint = torch.load(resumed / "checkpoint.pt", weights_only=True)
    assert checkpoint["epoch"] == 3  # one more epoch on top of the two it resumed from
    assert (resumed / "state_dict.pt").is_file()  # the best model is carried over or improved, never missing
