"""Every distribution builds a wheel and an sdist that carry the MIT LICENSE and complete index-page metadata.

The builds run hatchling's PEP 517 hooks (what ``pip wheel`` / ``python -m build`` call) in a subprocess per
distribution; the archives are then read back with ``zipfile`` / ``tarfile`` and parsed with ``email``.
"""

from __future__ import annotations

import email
import email.policy
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
DISTRIBUTIONS = ["maze-core", "maze-perception", "maze-train", "maze-envs-cutting2d", "maze-rllib-bridge"]

pytest.importorskip("hatchling", reason="building distributions needs hatchling")


def _build(dist: str, out: Path) -> tuple[Path, Path]:
    code = ("import sys, hatchling.build as b; d = sys.argv[1]; "
            "print(b.build_wheel(d)); print(b.build_sdist(d))")
    res = subprocess.run([sys.executable, "-c", code, str(out)], cwd=REPO / "packages" / dist, capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    wheel_name, sdist_name = res.stdout.split()
    return out / wheel_name, out / sdist_name


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    return {dist: _build(dist, out) for dist in DISTRIBUTIONS}


def _metadata(text: str) -> email.message.Message:
    return email.message_from_string(text, policy=email.policy.compat32)


def _check_metadata(meta: email.message.Message, dist: str) -> None:
    assert meta["Name"] == dist
    assert meta["License-Expression"] == "MIT"
    assert meta.get_all("License-File") == ["LICENSE"]
    assert meta["Author"] == "The Maze developers"
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL"))
    assert set(urls) >= {"Homepage", "Repository", "Documentation", "Issues"}
    assert len({u.split("/tree/")[0].removesuffix("/issues") for u in urls.values()}) == 1, urls  # one repo
    classifiers = meta.get_all("Classifier")
    assert "Programming Language :: Python :: 3" in classifiers and "Typing :: Typed" in classifiers
    assert not any(c.startswith("License ::") for c in classifiers)  # the SPDX expression says it
    assert meta["Requires-Python"] == ">=3.10"
    # the README is the index page: what it is, how to install, an example
    readme = meta.get_payload()
    assert meta["Description-Content-Type"] == "text/markdown"
    assert readme.startswith(f"# {dist}") and len(readme.splitlines()) >= 25
    for heading in ("## Install", "## Example", "## Documentation"):
        assert heading in readme, (dist, heading)
    assert re.search(r"pip install -c constraints\.txt \./packages/", readme)


@pytest.mark.parametrize("dist", DISTRIBUTIONS)
def test_wheel_carries_license_and_metadata(built, dist):
    wheel, _ = built[dist]
    license_text = (REPO / "LICENSE").read_text()
    assert license_text.startswith("MIT License") and "Copyright (c) 2026 The Maze developers" in license_text
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
        assert zf.read(f"{info}/licenses/LICENSE").decode() == license_text
        _check_metadata(_metadata(zf.read(f"{info}/METADATA").decode()), dist)
        assert any(n.endswith("/py.typed") for n in names)
        assert "maze/__init__.py" not in names  # PEP 420 namespace


@pytest.mark.parametrize("dist", DISTRIBUTIONS)
def test_sdist_carries_license_readme_and_metadata(built, dist):
    _, sdist = built[dist]
    with tarfile.open(sdist) as tf:
        root = tf.getnames()[0].split("/")[0]
        members = set(tf.getnames())
        for name in ("LICENSE", "README.md", "pyproject.toml", "PKG-INFO"):
            assert f"{root}/{name}" in members, (dist, name)
        assert tf.extractfile(f"{root}/LICENSE").read().decode() == (REPO / "LICENSE").read_text()
        _check_metadata(_metadata(tf.extractfile(f"{root}/PKG-INFO").read().decode()), dist)


def test_maze_core_needs_matplotlib_only_for_rendering(built):
    wheel, _ = built["maze-core"]
    with zipfile.ZipFile(wheel) as zf:
        info = next(n.split("/")[0] for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        meta = _metadata(zf.read(f"{info}/METADATA").decode())
    requires = meta.get_all("Requires-Dist")
    unconditional = [r for r in requires if ";" not in r]
    assert not any(r.startswith(("matplotlib", "torch")) for r in unconditional), unconditional
    assert "render" in meta.get_all("Provides-Extra")
    assert "matplotlib>=3.7; extra == 'render'" in requires
    # the distributions that draw pull matplotlib through maze-core's extra
    with zipfile.ZipFile(built["maze-perception"][0]) as zf:
        info = next(n.split("/")[0] for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        perception = _metadata(zf.read(f"{info}/METADATA").decode()).get_all("Requires-Dist")
    assert "maze-core[render]>=0.1.0" in perception


def test_maze_core_readme_example_runs(tmp_path):
    """The 5-line example of maze-core's index page works as printed."""
    readme = (REPO / "packages" / "maze-core" / "README.md").read_text()
    example = re.search(r"## Example\n\n```python\n(.*?)```", readme, re.S).group(1)
    assert 4 <= len(example.strip().splitlines()) <= 8
    script = tmp_path / "example.py"
    script.write_text(example + "\nprint('obs', sorted(obs), 'reward', reward)\n")
    res = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "obs ['observation'] reward 1.0" in res.stdout
