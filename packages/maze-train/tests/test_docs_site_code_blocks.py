"""The documentation site's own pages (``docs/index.md``, ``docs/guide/**/*.md``) stay true.

* Every fenced ``python`` block runs as a script in a fresh interpreter, in an empty temporary directory
  (``python no-run`` blocks are skipped; at most :data:`MAX_NO_RUN` of them on the whole site).
* A ``bash`` block directly preceded by ``<!-- test: run [override ...] -->`` runs each of its ``maze-run`` lines
  with the marker's overrides appended (small epoch/episode budgets). The marked blocks of one page run in order
  in one temporary directory, so a rollout may load the run directory of a training command above it.
* The plugin guide names every hook of the hookspec modules and includes those modules through autodoc.
* The API reference has a page for every installed package of the ``maze`` namespace.

Blocks that mention Cutting-2D are skipped where maze-envs-cutting2d is not installed (``needs_cutting2d``).
The site itself is built by ``nox -s docs``.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DOCS = ROOT / "docs"
#: the site's own pages; the other Markdown files in docs/ are design notes included as they are
PAGES = sorted([DOCS / "index.md", *(DOCS / "guide").rglob("*.md")]) if (DOCS / "guide").is_dir() else []
MAX_NO_RUN = 3
PYTHON_TIMEOUT_S = 180
MAZE_RUN_TIMEOUT_S = 300

_FENCE = re.compile(r"^(`{3,})(.*)$")
_MARKER = re.compile(r"^<!--\s*test:\s*(.*?)\s*-->$")

pytestmark = pytest.mark.skipif(not PAGES, reason="no docs/guide next to the package (not a repository checkout)")


@dataclass(frozen=True)
class CodeBlock:
    """A fenced code block of a page.

    :param page: the Markdown file.
    :param line: 1-based line of the opening fence.
    :param language: the first word of the fence's info string.
    :param flags: the other words of the info string (``no-run``).
    :param code: the block's text.
    :param marker: the words of a ``<!-- test: ... -->`` comment right before the block (``None``: no marker).
    """

    page: Path
    line: int
    language: str
    flags: tuple[str, ...]
    code: str
    marker: tuple[str, ...] | None

    @property
    def where(self) -> str:
        page = self.page.relative_to(DOCS) if self.page.is_relative_to(DOCS) else self.page
        return f"{page}:{self.line}"


def parse_blocks(page: Path) -> list[CodeBlock]:
    """Every fenced block of ``page`` with the test marker that precedes it (blank lines in between allowed).

    :raises ValueError: for an unclosed fence or a test marker that is not ``run`` or not followed by a block.
    """
    lines = page.read_text(encoding="utf-8").splitlines()
    blocks: list[CodeBlock] = []
    marker: tuple[tuple[str, ...], int] | None = None
    i = 0
    while i < len(lines):
        text = lines[i].strip()
        found = _MARKER.match(text)
        if found:
            words = tuple(found.group(1).split())
            if not words or words[0] != "run":
                raise ValueError(f"{page}:{i + 1}: test marker must be '<!-- test: run [override ...] -->', got {text!r}")
            marker = (words[1:], i + 1)
            i += 1
            continue
        fence = _FENCE.match(lines[i])
        if fence:
            ticks, info = fence.group(1), fence.group(2).split()
            end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == ticks), None)
            if end is None:
                raise ValueError(f"{page}:{i + 1}: code fence {ticks} is never closed")
            blocks.append(CodeBlock(page, i + 1, info[0] if info else "", tuple(info[1:]),
                                    "\n".join(lines[i + 1:end]) + "\n", marker[0] if marker else None))
            marker = None
            i = end + 1
            continue
        if text and marker is not None:
            raise ValueError(f"{page}:{marker[1]}: a test marker must be followed directly by a code block")
        i += 1
    if marker is not None:
        raise ValueError(f"{page}:{marker[1]}: a test marker must be followed directly by a code block")
    return blocks


ALL_BLOCKS = [block for page in PAGES for block in parse_blocks(page)]
PYTHON_BLOCKS = [b for b in ALL_BLOCKS if b.language == "python" and "no-run" not in b.flags]
MARKED_PAGES = sorted({b.page for b in ALL_BLOCKS if b.marker is not None})


def _subprocess_env() -> dict[str, str]:
    """The test's environment without Maze's plugin switches (a page must not depend on the caller's)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAZE_")}
    env["MPLBACKEND"] = "Agg"
    return env


def _marks(text: str) -> list[pytest.MarkDecorator]:
    return [pytest.mark.needs_cutting2d] if "cutting2d" in text.lower() else []


def maze_run_lines(block: CodeBlock) -> list[list[str]]:
    """The ``maze-run`` command lines of a marked block as argument lists (comments removed).

    :raises ValueError: for a marked block that is not ``bash`` or holds another command.
    """
    if block.language != "bash":
        raise ValueError(f"{block.where}: only bash blocks can carry a 'test: run' marker, this one is {block.language!r}")
    commands = []
    for raw in block.code.splitlines():
        words = shlex.split(raw, comments=True)
        if not words:
            continue
        if words[0] != "maze-run":
            raise ValueError(f"{block.where}: a block marked 'test: run' may only hold maze-run lines, got {raw!r}")
        commands.append(words[1:])
    if not commands:
        raise ValueError(f"{block.where}: block marked 'test: run' holds no maze-run line")
    return commands


def test_the_pages_have_code_that_runs() -> None:
    """The parser finds the site's blocks (an empty result would make the tests below pass vacuously)."""
    assert len(PYTHON_BLOCKS) >= 15, [b.where for b in PYTHON_BLOCKS]
    marked = [b for b in ALL_BLOCKS if b.marker is not None]
    assert sum(len(maze_run_lines(b)) for b in marked) >= 8
    no_run = [b.where for b in ALL_BLOCKS if b.language == "python" and "no-run" in b.flags]
    assert len(no_run) <= MAX_NO_RUN, f"keep 'python no-run' blocks rare (at most {MAX_NO_RUN}): {no_run}"


def test_parser_rejects_bad_markers(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("<!-- test: skip -->\n```bash\nmaze-run --help\n```\n")
    with pytest.raises(ValueError, match="must be '<!-- test: run"):
        parse_blocks(page)
    page.write_text("<!-- test: run -->\nsome text\n```bash\nmaze-run --help\n```\n")
    with pytest.raises(ValueError, match="followed directly by a code block"):
        parse_blocks(page)
    page.write_text("<!-- test: run a=1 -->\n\n```bash\nmaze-run --help   # comment\n```\n")
    (block,) = parse_blocks(page)
    assert block.marker == ("a=1",) and maze_run_lines(block) == [["--help"]]
    page.write_text("<!-- test: run -->\n```bash\npip install maze-core\n```\n")
    with pytest.raises(ValueError, match="may only hold maze-run lines"):
        maze_run_lines(parse_blocks(page)[0])


@pytest.mark.parametrize("block", [pytest.param(b, id=b.where, marks=_marks(b.code)) for b in PYTHON_BLOCKS])
def test_python_block_runs(block: CodeBlock, tmp_path: Path) -> None:
    script = tmp_path / f"{block.page.stem}_line{block.line}.py"
    script.write_text(block.code, encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=PYTHON_TIMEOUT_S, env=_subprocess_env())
    assert proc.returncode == 0, f"python block at docs/{block.where} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"


@pytest.mark.parametrize("page", [pytest.param(p, id=str(p.relative_to(DOCS)),
                                               marks=_marks(" ".join(b.code for b in ALL_BLOCKS if b.page == p and b.marker is not None)))
                                  for p in MARKED_PAGES])
def test_marked_maze_run_lines_run(page: Path, tmp_path: Path) -> None:
    for block in (b for b in ALL_BLOCKS if b.page == page and b.marker is not None):
        for args in maze_run_lines(block):
            command = [*args, *block.marker]
            proc = subprocess.run([sys.executable, "-m", "maze.core.cli", *command], cwd=tmp_path, capture_output=True,
                                  text=True, timeout=MAZE_RUN_TIMEOUT_S, env=_subprocess_env())
            assert proc.returncode == 0, (f"docs/{block.where}: maze-run {' '.join(command)} failed:\n"
                                          f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
            assert "Traceback" not in proc.stderr, f"docs/{block.where}: maze-run {' '.join(command)}:\n{proc.stderr[-3000:]}"


def _hook_names(module_name: str) -> list[str]:
    module = importlib.import_module(module_name)
    return sorted(name for name, obj in vars(module).items() if name.startswith("maze_") and hasattr(obj, "maze_spec"))


def test_plugin_guide_covers_every_hook() -> None:
    page = (DOCS / "guide" / "writing_a_plugin.md").read_text(encoding="utf-8")
    modules = ["maze.core.plugins.hookspecs", "maze.perception.hookspecs"]
    hooks = [name for module in modules for name in _hook_names(module)]
    assert len(hooks) >= 15, hooks  # the marker attribute is found (19 hooks when this was written)
    missing = [name for name in hooks if f"`{name}`" not in page]
    assert not missing, f"docs/guide/writing_a_plugin.md does not explain the hooks {missing}"
    for module in modules:
        assert f".. automodule:: {module}" in page, f"the plugin guide must include {module} through autodoc"


def _maze_packages() -> list[str]:
    """The installed packages of the ``maze`` namespace; namespace levels (``maze.envs``) are descended into."""
    import maze

    found, todo = [], [("maze", list(maze.__path__))]
    while todo:
        prefix, path = todo.pop()
        for info in pkgutil.iter_modules(path, prefix + "."):
            if not info.ispkg:
                continue
            module = importlib.import_module(info.name)
            if getattr(module, "__file__", None) is None:  # a PEP 420 namespace level
                todo.append((info.name, list(module.__path__)))
            else:
                found.append(info.name)
    return sorted(found)


def test_api_reference_has_a_page_per_package() -> None:
    packages = _maze_packages()
    assert {"maze.core", "maze.perception", "maze.distributions", "maze.train"} <= set(packages), packages
    index = (DOCS / "api" / "index.rst").read_text(encoding="utf-8")
    for package in packages:
        page = DOCS / "api" / f"{package}.rst"
        assert page.is_file(), f"the API reference has no page for {package}: add docs/api/{package}.rst"
        assert f".. maze-api-modules:: {package}" in page.read_text(encoding="utf-8")
        assert f"\n   {package}\n" in index, f"docs/api/index.rst does not list {package}"
