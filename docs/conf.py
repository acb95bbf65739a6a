"""Sphinx configuration of the Maze documentation site.

Build it with ``nox -s docs`` (warnings are errors), or in a venv holding every Maze distribution plus
sphinx, myst-parser and furo::

    sphinx-build -W --keep-going -b html docs docs/_build/html

Two directives are defined here because their content must come from the installed code at build time:

* ``maze-api-modules PACKAGE``: one section with an ``automodule`` per module of ``PACKAGE`` (walked with
  :mod:`pkgutil`), so a new module appears in the API reference without editing a page.
* ``maze-cli-groups``: the root configs and the config groups with the options of all installed plugins,
  read through the same Hydra config loader that ``maze-run --help`` uses.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

DOCS = Path(__file__).resolve().parent
os.environ.setdefault("MPLBACKEND", "Agg")

project = "Maze"
author = "the Maze authors"
copyright = "the Maze authors, MIT License"  # noqa: A001  (Sphinx's name)

extensions = ["sphinx.ext.autodoc", "sphinx.ext.viewcode", "myst_parser"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]
templates_path: list[str] = []
html_theme = "furo"
html_title = "Maze"

# ---------------------------------------------------------------- MyST (the Markdown pages)
myst_heading_anchors = 3  # `[...](architecture.md#layers-enforced)` links resolve
myst_enable_extensions = ["colon_fence", "deflist"]

# ---------------------------------------------------------------- autodoc (reST docstrings with :param: fields)
autodoc_default_options = {"members": True, "show-inheritance": True, "ignore-module-all": True}
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autoclass_content = "both"  # class docstring + __init__ docstring
python_use_unqualified_type_names = True
nitpicky = False

logger = logging.getLogger(__name__)


def _module_names(package: str, exclude: tuple[str, ...] = ()) -> tuple[list[str], list[tuple[str, str]]]:
    """Every importable module of ``package`` (itself first) and ``(module, reason)`` for those that are not."""
    root = importlib.import_module(package)
    names = [package]
    names += sorted(info.name for info in pkgutil.walk_packages(root.__path__, package + ".")
                    if not any(info.name == e or info.name.startswith(e + ".") for e in exclude))
    found: list[str] = []
    skipped: list[tuple[str, str]] = []
    for name in names:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:  # an optional dependency that this build does not have
            skipped.append((name, f"needs {exc.name}, which is not installed"))
            continue
        found.append(name)
    return found, skipped


class MazeApiModules(SphinxDirective):
    """``.. maze-api-modules:: maze.core`` — an ``automodule`` section for every module of the package."""

    required_arguments = 1
    option_spec = {"exclude": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        package = self.arguments[0]
        exclude = tuple(e.strip() for e in self.options.get("exclude", "").split(",") if e.strip())
        modules, skipped = _module_names(package, exclude)
        lines: list[str] = []
        for name in modules:
            lines += [name, "-" * len(name), "", f".. automodule:: {name}", ""]
        if skipped:
            lines += ["Not documented in this build", "-" * 28, ""]
            lines += [f"* ``{name}``: {reason}" for name, reason in skipped] + [""]
            for name, reason in skipped:
                logger.info("maze-api-modules: skipped %s (%s)", name, reason)
        self.state_machine.insert_input(lines, f"<maze-api-modules {package}>")
        return []


def _drop_foreign_inherited_docstring(app, what, name, obj, options, lines) -> None:  # noqa: ANN001
    """Drop a member's docstring that autodoc inherited from a class outside Maze.

    Maze's wrappers override gymnasium's ``step``/``reset``/``metadata`` without docstrings of their own; autodoc
    would show gymnasium's Google-style docstrings there, which are not reST (and would not describe Maze).
    """
    if what not in ("method", "property") or not lines or "." not in name:
        return
    if (getattr(obj, "__doc__", None) or "").strip():
        return  # a docstring of its own
    owner_path, _, attr = name.rpartition(".")
    owner = _import_path(owner_path)
    if not isinstance(owner, type):
        return
    for base in owner.__mro__[1:]:
        member = base.__dict__.get(attr)
        if member is not None and (getattr(member, "__doc__", None) or "").strip():
            if not base.__module__.startswith("maze."):
                lines.clear()
            return


def _import_path(path: str):  # noqa: ANN202
    """The object at dotted ``path`` (module attributes included), or ``None``."""
    parts = path.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        try:
            for attr in parts[i:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return obj
    return None


def _table(title: str, header: tuple[str, str], rows: list[list[list[str]]]) -> nodes.table:
    """A two-column docutils table; each body cell is a list of words shown as inline code, comma-separated."""
    table = nodes.table()
    table += nodes.title(text=title)
    group = nodes.tgroup(cols=2)
    table += group
    for width in (1, 4):
        group += nodes.colspec(colwidth=width)

    def row(cells: list[list[str]] | tuple[str, str], literal: bool) -> nodes.row:
        out = nodes.row()
        for cell in cells:
            para = nodes.paragraph()
            words = cell if isinstance(cell, list) else [cell]
            for i, word in enumerate(words):
                if i:
                    para += nodes.Text(", ")
                para += nodes.literal(text=word) if literal else nodes.Text(word)
            out += nodes.entry("", para)
        return out

    head = nodes.thead()
    head += row(header, literal=False)
    body = nodes.tbody()
    for cells in rows:
        body += row(cells, literal=True)
    group += head
    group += body
    return table


class MazeCliGroups(SphinxDirective):
    """``maze-cli-groups`` — root configs and config groups with their options, from the installed plugins.

    Uses the same sources as ``maze-run --help``: :func:`maze.core.cli.root_configs` and Hydra's config loader
    over the Maze search path (:func:`maze.core.utils.config_utils.maze_hydra`).
    """

    def run(self) -> list[nodes.Node]:
        from maze.core import cli
        from maze.core.utils.config_utils import maze_hydra

        available = cli.root_configs()
        with maze_hydra() as loader:
            groups = cli._config_groups(loader)
        roots = []
        for name in list(cli.KNOWN_ROOT_CONFIGS) + sorted(set(available) - set(cli.KNOWN_ROOT_CONFIGS)):
            known = cli.KNOWN_ROOT_CONFIGS.get(name)
            shipped = available[name][0] if name in available else f"none in this build (planned: {known.distribution})"
            roots.append([[name], [shipped]])
        options = [[[group], sorted(opts)] for group, opts in sorted(groups.items())]
        return [_table("Root configs (-cn NAME)", ("root config", "shipped by"), roots),
                _table("Config groups (group=option)", ("group", "options"), options)]


def setup(app):  # noqa: ANN001, ANN201  (Sphinx's extension entry point)
    sys.path.insert(0, str(DOCS))
    app.add_directive("maze-api-modules", MazeApiModules)
    app.add_directive("maze-cli-groups", MazeCliGroups)
    app.connect("autodoc-process-docstring", _drop_foreign_inherited_docstring)
    return {"parallel_read_safe": True}
