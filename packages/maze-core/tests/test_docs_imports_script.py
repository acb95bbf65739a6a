"""``scripts/docs_imports.py`` extracts the documented import paths (listings, ``_target_`` values, API headings
cut by the PDF extraction) and the committed ``docs_reference_paths.txt`` has its output format.

The script reads the reference docs, which the tests do not need: it runs here on small documents written by the
test, in the layout of the real ones.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SCRIPT = REPO / "scripts" / "docs_imports.py"
DATA = Path(__file__).resolve().parent / "docs_reference_paths.txt"

pytestmark = pytest.mark.skipif(not SCRIPT.is_file(), reason="needs the repository checkout (scripts/docs_imports.py)")

NEWER = '''Tutorial

from maze.core.env.core_env import CoreEnv
from maze.core.annotations import override  # a comment
from maze.perception.blocks.inference import (InferenceBlock,
    InferenceGraph as Graph)
import maze.core.log_stats
>>> from maze.core.wrappers.wrapper import Wrapper
Prose that mentions from maze.not.a.listing import Thing in the middle of a sentence.

wrappers:
  - _target_: maze.core.wrappers.time_limit_wrapper.TimeLimitWrapper
    max_episode_steps: 10
model = {"_target_": "maze.perception.models.built_in.flatten_concat.FlattenConcatPolicyNet"}
'''

OLDER = '''Intro text with a listing:
from maze.utils.log_stats_utils import SimpleStatsLoggingSetup

1.4 API Documentation

maze.core.rendering

Rendering:

KeyboardControlledTrajectoryViewer\tBrowse a trajectory with the keyboard.
SquashedGaussianProbabilityDistribution\tTanh-squashed Gaussian.
PreProcessingWrapper\tPre-processing wrapper.
StepRecord\tOne recorded step.

KeyboardControlledTrajectoryViewer

class maze.core.rendering.keyboard_controlled_trajectory_viewer.KeyboardControlledTrajector

PreProcessingWrapper

class maze.core.wrappers.observation_preprocessing.preprocessing_wrapper.**PreProcessingWrap**

class maze.distributions.squashed_gaussian.SquashedGaussianProbabilityDistri\tbution

class maze.core.trajectory recorder.step record.StepRecord (maze state:

MazeStateType

maze.core.env.maze_state.MazeStateType

  maze.core.agent.policy.Policy, n_episodes: int

The normalization wrapper.

class maze.core.wrappers.observation_normalization.observation_normalization_wrapper.Observ

INDEX

class maze.after.the.index.Ignored
'''


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=60)


def test_extracts_listing_imports_targets_and_repaired_api_headings(tmp_path):
    (tmp_path / "000_newer.txt").write_text(NEWER, encoding="utf-8")
    (tmp_path / "001_older.txt").write_text(OLDER, encoding="utf-8")
    out = tmp_path / "paths.txt"
    proc = _run(tmp_path, str(tmp_path), "-o", str(out), "--report")
    assert proc.returncode == 0, proc.stderr
    paths = [line for line in out.read_text().splitlines() if not line.startswith("#")]
    assert paths == sorted([
        "maze.core.annotations.override",
        "maze.core.env.core_env.CoreEnv",
        "maze.core.env.maze_state.MazeStateType",
        "maze.core.log_stats",
        "maze.core.rendering",  # a module section heading
        "maze.core.rendering.keyboard_controlled_trajectory_viewer.KeyboardControlledTrajectoryViewer",
        "maze.core.trajectory_recorder.step_record.StepRecord",
        "maze.core.wrappers.observation_preprocessing.preprocessing_wrapper.PreProcessingWrapper",
        "maze.core.wrappers.time_limit_wrapper.TimeLimitWrapper",
        "maze.core.wrappers.wrapper.Wrapper",
        "maze.distributions.squashed_gaussian.SquashedGaussianProbabilityDistribution",
        "maze.perception.blocks.inference.InferenceBlock",
        "maze.perception.blocks.inference.InferenceGraph",
        "maze.perception.models.built_in.flatten_concat.FlattenConcatPolicyNet",
        "maze.utils.log_stats_utils.SimpleStatsLoggingSetup",
    ])
    # a heading that no sub-heading, table or other path completes is named, not guessed
    assert "UNREADABLE" in proc.stderr and "observation_normalization_wrapper.Observ" in proc.stderr
    assert "# Not readable (cut by the PDF extraction)" in out.read_text()


def test_names_a_missing_reference_dir(tmp_path):
    proc = _run(tmp_path, str(tmp_path / "nowhere"))
    assert proc.returncode == 2 and "reference dir" in proc.stderr and "does not exist" in proc.stderr
    (tmp_path / "000_a.txt").write_text("x")
    proc = _run(tmp_path, str(tmp_path))
    assert proc.returncode != 0 and "expected exactly one 001_*.txt" in proc.stderr


def test_committed_paths_file_is_sorted_dotted_paths():
    lines = DATA.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# Import paths shown by the reference docs")
    paths = [line for line in lines if line and not line.startswith("#")]
    assert paths == sorted(set(paths)) and len(paths) > 200
    assert all(p.startswith("maze.") and " " not in p and ":" not in p for p in paths)
    assert "maze.core.annotations.override" in paths and "maze.core.env.core_env.CoreEnv" in paths
