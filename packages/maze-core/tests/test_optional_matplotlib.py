"""matplotlib is maze-core's ``render`` extra: rollouts never import it, rendering without it fails clearly.

Each check runs in a fresh interpreter; "not installed" is simulated there with ``sys.modules[name] = None``
(a real core-only install is tested in test_third_party_plugin.py's fresh virtual env).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

BLOCK = textwrap.dedent("""\
    import sys
    for _name in BLOCKED:
        sys.modules[_name] = None  # "not installed": import fails, importlib.util.find_spec gives None
""")


def run_python(code: str, cwd, blocked=()) -> subprocess.CompletedProcess:
    script = BLOCK.replace("BLOCKED", repr(set(blocked))) + textwrap.dedent(code)
    env = {**os.environ, "MPLBACKEND": "Agg"}
    return subprocess.run([sys.executable, "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=240)


ROLLOUT = """\
    from maze.core.cli import main
    main(["env=gym_env", "env.name=CartPole-v1", "runner.n_episodes=2", "seeding.env_base_seed=1"{extra}])
    import sys
    print("MATPLOTLIB_IMPORTED", any(sys.modules[m] is not None for m in list(sys.modules)
                                     if m == "matplotlib" or m.startswith("matplotlib.")))
"""


def test_cartpole_rollout_without_the_extras_imports_no_matplotlib(tmp_path):
    """A core install (no tensorboard, no render extra): the CLI rollout runs and never imports matplotlib.

    matplotlib itself stays importable here, so the check would catch any module-level import."""
    res = run_python(ROLLOUT.format(extra=""), tmp_path, blocked=("tensorboard",))
    assert res.returncode == 0, res.stderr[-3000:]
    assert "episode 2/2" in res.stdout
    assert "MATPLOTLIB_IMPORTED False" in res.stdout


def test_rendering_is_what_imports_matplotlib(tmp_path):
    """The control: the same rollout with runner.render=true draws frames, so matplotlib is imported."""
    pytest.importorskip("matplotlib")
    res = run_python(ROLLOUT.format(extra=', "runner.render=true", "runner.n_episodes=1", "runner.max_episode_steps=2"'),
                     tmp_path, blocked=("tensorboard",))
    assert res.returncode == 0, res.stderr[-3000:]
    assert "MATPLOTLIB_IMPORTED True" in res.stdout
    assert list(tmp_path.rglob("rendering/*.png"))


def test_rendering_without_matplotlib_names_the_extra(tmp_path):
    code = """\
        import numpy as np
        from maze.core.rendering.step_rendering_wrapper import StepRenderingWrapper
        from maze.core.rendering.render_utils import rgb_to_png
        from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
        from maze.core.wrappers.observation_visualization_wrapper import ObservationVisualizationWrapper
        from maze.core.log_events.log_create_figure_functions import create_histogram
        env = GymMazeEnv("CartPole-v1")
        for name, call in [("StepRenderingWrapper", lambda: StepRenderingWrapper.wrap(env, output_dir=".")),
                           ("rgb_to_png", lambda: rgb_to_png(np.zeros((2, 2, 3), np.uint8))),
                           ("ObservationVisualizationWrapper", lambda: ObservationVisualizationWrapper.wrap(env)),
                           ("create_histogram", lambda: create_histogram([1.0, 2.0])),
                           ("renderer", lambda: env.get_renderer().render(env.reset(seed=0)[0]["observation"], None))]:
            try:
                call()
                print(name, "NO ERROR")
            except ModuleNotFoundError as exc:
                print(name, "->", exc)
    """
    res = run_python(code, tmp_path, blocked=("matplotlib",))
    assert res.returncode == 0, res.stderr[-3000:]
    lines = res.stdout.splitlines()
    assert len(lines) == 5, res.stdout
    for line in lines:
        assert "needs matplotlib: pip install maze-core[render]" in line, line
    assert any(line.startswith("StepRenderingWrapper -> rendering needs matplotlib: pip install maze-core[render]")
               for line in lines)


def test_tensorboard_statistics_without_matplotlib_skip_only_the_figures(tmp_path):
    """With tensorboard but without matplotlib a rollout still writes its statistics (no figure images)."""
    pytest.importorskip("tensorboard")
    res = run_python(ROLLOUT.format(extra=""), tmp_path, blocked=("matplotlib",))
    assert res.returncode == 0, res.stderr[-3000:]
    assert "MATPLOTLIB_IMPORTED False" in res.stdout
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    run_dir = next((tmp_path / "outputs").glob("*/*"))
    acc = EventAccumulator(str(run_dir), size_guidance={"images": 0, "histograms": 0, "scalars": 0})
    acc.Reload()
    tags = acc.Tags()
    assert any("reward" in t for t in tags["scalars"]) and tags["histograms"]
    assert tags["images"] == []
