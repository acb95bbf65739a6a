"""The import layering of the repository (``scripts/check_layers.py``) holds, and breaking it is reported.

The checker reads source files only, so these tests need the repository checkout; they are skipped when the
tests run against installed packages without it.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[3]
SCRIPT = REPO / "scripts" / "check_layers.py"

pytestmark = pytest.mark.skipif(not (REPO / "packages").is_dir() or not SCRIPT.is_file(),
                                reason="needs the repository checkout (packages/ and scripts/check_layers.py)")


@pytest.fixture(scope="module")
def checker() -> ModuleType:
    """``scripts/check_layers.py`` loaded as a module (its ``check(root)`` returns the violations)."""
    spec = importlib.util.spec_from_file_location("maze_check_layers", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module through sys.modules
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def _copy_sources(dst: Path) -> None:
    for src in sorted((REPO / "packages").glob("*/src")):
        shutil.copytree(src, dst / src.relative_to(REPO),
                        ignore=lambda d, names: [n for n in names if n == "__pycache__"
                                                 or not (n.endswith(".py") or (Path(d) / n).is_dir())])


@pytest.fixture(scope="module")
def baseline(checker: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The violations of an unmodified copy (empty when the tree passes); tests look at what they add."""
    root = tmp_path_factory.mktemp("pristine")
    _copy_sources(root)
    return {str(v) for v in checker.check(root)}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the repository's ``packages/*/src`` Python sources (the checker's whole input)."""
    root = tmp_path / "repo"
    _copy_sources(root)
    return root


def _append(path: Path, code: str) -> int:
    """Append ``code`` to a source file; returns the line number of its first line."""
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    path.write_text(text + code, encoding="utf-8")
    return text.count("\n") + 1


def _new(checker: ModuleType, root: Path, baseline: set[str]) -> list[str]:
    return sorted(str(v) for v in checker.check(root) if str(v) not in baseline)


def _core(root: Path, rel: str) -> Path:
    return root / "packages" / "maze-core" / "src" / "maze" / "core" / rel


def test_repository_tree_passes() -> None:
    result = subprocess.run([sys.executable, str(SCRIPT), str(REPO)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "layering holds" in result.stdout


def test_layer_table_of_the_docstring_is_core_layers(checker: ModuleType) -> None:
    doc = checker.__doc__
    table = doc[doc.index("``[core-layers]``"):doc.index("A module belongs to the layer")]
    rows: list[list[str]] = []
    for line in table.splitlines():
        match = re.match(r"\s+(\d+) (\w+)\s+(.*)", line)
        if match:
            rows.append([match[2], match[3]])
        elif rows and line.strip():
            rows[-1][1] += " " + line.strip()
    documented = [(name, sorted(re.sub(r"\([^)]*\)", "", text).replace(",", " ").split())) for name, text in rows]
    assert documented == [(name, sorted(entries)) for name, entries, _ in checker.CORE_LAYERS]


def test_upward_distribution_import_in_core_is_reported(
        checker: ModuleType, tree: Path, baseline: set[str]) -> None:
    seeding = _core(tree, "utils/seeding.py")
    line = _append(seeding, "\n\ndef _policy_class():\n    from maze.train.agent.torch_policy import TorchPolicy\n\n"
                            "    return TorchPolicy\n")
    new = _new(checker, tree, baseline)
    assert new == [f"packages/maze-core/src/maze/core/utils/seeding.py:{line + 3}: imports maze.train.agent.torch_policy: "
                   "[distributions] maze-core must not import maze-train (function import; maze-core may import "
                   "no other distribution)"]


def test_upward_import_between_perception_and_train_is_reported_even_under_type_checking(
        checker: ModuleType, tree: Path, baseline: set[str]) -> None:
    module = tree / "packages" / "maze-perception" / "src" / "maze" / "perception" / "perception_utils.py"
    line = _append(module, "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
                           "    from maze.train.agent.torch_policy import TorchPolicy\n")
    new = _new(checker, tree, baseline)
    assert len(new) == 1
    assert new[0].startswith(f"packages/maze-perception/src/maze/perception/perception_utils.py:{line + 3}: "
                             "imports maze.train.agent.torch_policy: [distributions] maze-perception must not import "
                             "maze-train (type_checking import")


def test_hidden_upward_import_inside_core_is_reported_with_its_cycle(
        checker: ModuleType, tree: Path, baseline: set[str]) -> None:
    """The log_stats -> wrappers dependency this checker was written against, hidden in a function."""
    line = _append(_core(tree, "log_stats/log_stats.py"),
                   "\n\ndef _wrap(env):\n    from maze.core.wrappers.log_stats_wrapper import LogStatsWrapper\n\n"
                   "    return LogStatsWrapper.wrap(env)\n")
    new = _new(checker, tree, baseline)
    where = f"packages/maze-core/src/maze/core/log_stats/log_stats.py:{line + 3}: imports maze.core.wrappers.log_stats_wrapper: "
    assert where + ("[core-layers] layer 'log_stats' (maze.core.log_stats.log_stats) must not import the higher layer "
                    "'wrappers' (function import)") in new
    cycle = [v for v in new if "[cycle]" in v]
    assert any(v.startswith(where + "[cycle] import cycle inside maze-core: maze.core.log_stats.log_stats -> "
                                    "maze.core.wrappers.log_stats_wrapper -> maze.core.log_stats.log_stats") for v in cycle)
    # the other half of the cycle: the wrapper's own (legal) module-level import of log_stats
    assert any(v.startswith("packages/maze-core/src/maze/core/wrappers/log_stats_wrapper.py:") for v in cycle)


def test_core_module_outside_every_layer_is_reported(
        checker: ModuleType, tree: Path, baseline: set[str]) -> None:
    new_pkg = _core(tree, "scheduling")
    new_pkg.mkdir()
    (new_pkg / "__init__.py").write_text('"""A new subpackage nobody placed in a layer."""\n', encoding="utf-8")
    assert _new(checker, tree, baseline) == [
        "packages/maze-core/src/maze/core/scheduling/__init__.py:1: module: [core-layers] maze.core.scheduling belongs "
        "to no layer; add it to CORE_LAYERS in scripts/check_layers.py"]


def test_cycle_inside_a_distribution_is_reported_but_type_checking_back_edges_are_not(
        checker: ModuleType, tree: Path, baseline: set[str]) -> None:
    pkg = tree / "packages" / "maze-train" / "src" / "maze" / "train"
    (pkg / "cycle_a.py").write_text("from maze.train import cycle_b\n\nVALUE = 1\n", encoding="utf-8")
    (pkg / "cycle_b.py").write_text("def value():\n    from maze.train.cycle_a import VALUE\n\n    return VALUE\n",
                                    encoding="utf-8")
    (pkg / "typed_a.py").write_text("from maze.train.typed_b import helper\n", encoding="utf-8")
    (pkg / "typed_b.py").write_text("from __future__ import annotations\n\nfrom typing import TYPE_CHECKING\n\n"
                                    "if TYPE_CHECKING:\n    import maze.train.typed_a\n\n\ndef helper() -> None:\n"
                                    "    pass\n", encoding="utf-8")
    shown = "import cycle inside maze-train: maze.train.cycle_a -> maze.train.cycle_b -> maze.train.cycle_a"
    assert _new(checker, tree, baseline) == [
        f"packages/maze-train/src/maze/train/cycle_a.py:1: imports maze.train.cycle_b: [cycle] {shown} (module import)",
        f"packages/maze-train/src/maze/train/cycle_b.py:2: imports maze.train.cycle_a: [cycle] {shown} (function import)",
    ]


def test_optional_distributions_of_cutting2d_only_lazily_or_in_its_models_extra(
        checker: ModuleType, tree: Path, baseline: set[str]) -> None:
    base = tree / "packages" / "maze-envs-cutting2d" / "src" / "maze" / "envs" / "cutting2d"
    optimum = base / "optimum.py"
    lazy = _append(optimum, "\n\ndef _blocks():\n    from maze.perception.blocks.base import resolve_non_lin\n\n"
                            "    return resolve_non_lin\n")
    assert _new(checker, tree, baseline) == []  # function-local import of an optional distribution: fine
    eager = _append(optimum, "from maze.perception.blocks.base import check_int_list\n"
                             "from maze.envs.cutting2d.models.actor import Cutting2DActorNet\n")
    new = _new(checker, tree, baseline)
    path = "packages/maze-envs-cutting2d/src/maze/envs/cutting2d/optimum.py"
    assert new == sorted([
        f"{path}:{eager}: imports maze.perception.blocks.base: [distributions] maze-envs-cutting2d depends on "
        "maze-perception only optionally: import it inside a function or in maze.envs.cutting2d.models",
        f"{path}:{eager + 1}: imports maze.envs.cutting2d.models.actor: [distributions] module-level import of the "
        "optional subpackage of maze-envs-cutting2d (it needs maze-perception, maze-train); import it inside a function",
    ])
    assert lazy < eager


def test_violations_exit_1_and_missing_packages_dir_exits_2(tree: Path, tmp_path: Path) -> None:
    _append(_core(tree, "events/pubsub.py"), "import maze.rllib\n")
    result = subprocess.run([sys.executable, str(SCRIPT), str(tree)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "packages/maze-core/src/maze/core/events/pubsub.py:" in result.stdout
    assert "[distributions] maze-core must not import maze-rllib-bridge (module import" in result.stdout
    empty = tmp_path / "not_a_repo"
    empty.mkdir()
    result = subprocess.run([sys.executable, str(SCRIPT), str(empty)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "has no packages/ directory" in result.stderr
