"""Sessions of the Maze monorepo.

    nox -s tests        all packages in one venv, all tests (the README's test command)
    nox -s core         maze-core alone: no torch may be importable, core tests pass
    nox -s package      per package: core + that package only, smoke import + its tests
    nox -s lint         ruff + the import-layering check (scripts/check_layers.py)
    nox -s bench        benchmarks/ (ratios against baselines measured in the same run)
    nox -s docs         the documentation site (Sphinx, warnings are errors)
    nox -s demo         the main job: short PPO training on masked structured Cutting-2D + rollout

Every session that installs torch uses constraints.txt, which pins the local CPU wheel torch==2.13.0
(any other version would download several GB of CUDA packages).
"""

from __future__ import annotations

import os
from pathlib import Path

import nox

ROOT = Path(__file__).parent
CONSTRAINTS = str(ROOT / "constraints.txt")
PACKAGES = {
    "maze-core": ("packages/maze-core", "maze.core"),
    "maze-perception": ("packages/maze-perception", "maze.perception"),
    "maze-envs-cutting2d": ("packages/maze-envs-cutting2d", "maze.envs.cutting2d"),
    "maze-train": ("packages/maze-train", "maze.train"),
    "maze-rllib-bridge": ("packages/maze-rllib-bridge", "maze.rllib"),
}
# install order respects the dependency direction core <- perception <- train <- rllib-bridge
ORDER = ["maze-core", "maze-perception", "maze-envs-cutting2d", "maze-train", "maze-rllib-bridge"]
DEPENDS = {
    "maze-core": [],
    "maze-perception": ["maze-core"],
    "maze-envs-cutting2d": ["maze-core"],
    "maze-train": ["maze-core", "maze-perception"],
    "maze-rllib-bridge": ["maze-core", "maze-perception", "maze-train"],
}
NEEDS_TORCH = {"maze-perception", "maze-train", "maze-rllib-bridge"}
# box2d + pygame: LunarLander-v3 of the docs commands (wheels on PyPI)
TEST_DEPS = ["pytest>=7", "pytest-xdist>=3", "tensorboard>=2.12", "hatchling>=1.18", "box2d>=2.3.10", "pygame>=2.1",
             "matplotlib>=3.7"]
# the SB3 interop tests (torch via the constraints file; not in the torch-free core session)
SB3 = "stable-baselines3>=2.3"

nox.options.sessions = ["lint", "core", "tests"]
nox.options.reuse_existing_virtualenvs = True
nox.options.default_venv_backend = "venv"


def _install(session: nox.Session, names: list[str], editable: bool = False, extra: list[str] | None = None) -> None:
    if any(n in NEEDS_TORCH for n in names):
        session.install("-c", CONSTRAINTS, "torch==2.13.0")
    args: list[str] = []
    for name in ORDER:
        if name in names:
            path = str(ROOT / PACKAGES[name][0])
            args += ["-e", path] if editable else [path]
    session.install("-c", CONSTRAINTS, *args, *TEST_DEPS, *(extra or []))


def _pytest(session: nox.Session, paths: list[str]) -> None:
    workers = os.environ.get("MAZE_TEST_WORKERS", "2")
    session.run("pytest", "-p", "no:cacheprovider", "-n", workers, "--dist", "loadfile", *paths, *session.posargs,
                env={"MPLBACKEND": "Agg"})


@nox.session
def tests(session: nox.Session) -> None:
    """All packages installed together; all test suites."""
    _install(session, ORDER, extra=[SB3])
    _pytest(session, [f"{PACKAGES[n][0]}/tests" for n in ORDER])


@nox.session
def core(session: nox.Session) -> None:
    """maze-core alone works without torch."""
    _install(session, ["maze-core"])
    session.run("python", "-c", "import importlib.util, sys; sys.exit(importlib.util.find_spec('torch') is not None)",
                success_codes=[0])
    session.run("python", "-c", "import maze.core.cli, maze.core.plugins; print('maze-core imports without torch')")
    session.run("maze-run", "--plugins")
    _pytest(session, ["packages/maze-core/tests"])


@nox.session
@nox.parametrize("package", ORDER)
def package(session: nox.Session, package: str) -> None:
    """One package with only its Maze dependencies: its entry point loads and its tests pass."""
    _install(session, [*DEPENDS[package], package])
    module = PACKAGES[package][1]
    session.run("python", "-c", f"import {module}, {module}.plugin; print('{module} ok')")
    session.run("maze-run", "--plugins")
    _pytest(session, [f"{PACKAGES[package][0]}/tests"])


@nox.session
def lint(session: nox.Session) -> None:
    """Static checks."""
    session.install("ruff>=0.5")
    paths = [p for p in ("packages", "examples", "benchmarks", "scripts", "noxfile.py") if (ROOT / p).exists()]
    session.run("ruff", "check", *paths)
    # import layering: core <- perception <- train <- rllib-bridge, the layers inside maze-core, no cycles
    session.run("python", "scripts/check_layers.py")


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks: each prints ratios against a baseline measured in the same run."""
    _install(session, ORDER)
    session.install("-c", CONSTRAINTS, "stable-baselines3>=2.3")
    for script in sorted((ROOT / "benchmarks").glob("*.py")):
        session.log(f"--- {script.name}")
        session.run("python", str(script), *session.posargs, env={"MPLBACKEND": "Agg"})


@nox.session
def demo(session: nox.Session) -> None:
    """The main job: train PPO on the masked structured Cutting-2D env briefly, then roll the policy out."""
    _install(session, ORDER)
    session.run("python", str(ROOT / "scripts" / "demo.py"), *session.posargs, env={"MPLBACKEND": "Agg"})


@nox.session
def docs(session: nox.Session) -> None:
    """The documentation site (docs/): Sphinx + autodoc + MyST, every warning is an error."""
    _install(session, ORDER)
    session.install("-c", CONSTRAINTS, "sphinx>=8", "myst-parser>=4", "furo>=2024.1")
    session.run("sphinx-build", "-W", "--keep-going", "-b", "html", str(ROOT / "docs"), str(ROOT / "docs" / "_build" / "html"),
                *session.posargs, env={"MPLBACKEND": "Agg"})
