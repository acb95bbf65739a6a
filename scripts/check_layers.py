#!/usr/bin/env python3
"""Check the import layering of the Maze monorepo (standard library only: ``ast``, no imports of Maze).

Usage::

    python scripts/check_layers.py [ROOT]     # ROOT: the repository root (default: the parent of scripts/)

It reads every ``*.py`` file under ``ROOT/packages/<distribution>/src`` and prints one line per violation,
``<file>:<line>: imports <module>: [<rule>] <what is wrong>``, then exits 1 (0 without violations, 2 when
``ROOT`` holds no ``packages/`` directory). Every ``import`` statement counts: module-level ones, those
inside functions and methods (function-local), and those under ``if TYPE_CHECKING:``. Imports through
strings (``importlib.import_module``, ``_target_`` paths, entry points) are not imports here; they are how
plugins and configs reach code lazily.

Rules
=====

``[distributions]`` -- the dependency direction between distributions (see :data:`DISTRIBUTIONS`)::

    maze-core <- maze-perception <- maze-train <- maze-rllib-bridge
    maze-core <- maze-envs-cutting2d            (its ``models`` extra: <- maze-perception, maze-train)

A module may import its own distribution and the distributions it ``requires``, anywhere. An import of any
other distribution is an upward (or sideways) import and is forbidden everywhere, function-local and
``TYPE_CHECKING`` imports included; ``try``/``except ImportError`` around it does not make it legal (the
plugin hooks and ``_target_`` strings are the way to reach a higher layer). An *optional* distribution
(the distribution's pyproject extra) may be imported lazily -- inside a function or under
``TYPE_CHECKING`` -- or anywhere inside the distribution's *extra subpackages*, which only the extra's
users import; a module outside those subpackages must not import them at module level.

``[core-layers]`` -- the layer order inside maze-core (see :data:`CORE_LAYERS`, lowest first)::

     1 base          maze.core (the package, version only), maze.core.plugins
     2 utils         maze.core.utils (but not config_utils), maze.core.annotations
     3 runners       maze.core.runners
     4 events        maze.core.events
     5 log_stats     maze.core.log_stats
     6 log_events    maze.core.log_events
     7 env           maze.core.env, maze.core.rendering.renderer
     8 records       maze.core.trajectory_recording
     9 rendering     maze.core.rendering
    10 agent         maze.core.agent
    11 wrappers      maze.core.wrappers, maze.core.rendering.step_rendering_wrapper,
                     maze.core.trajectory_recording.trajectory_recording_wrapper,
                     maze.core.trajectory_recording.utils
    12 assembly      maze.core.utils.config_utils
    13 applications  maze.core.rollout, maze.core.agent_deployment, maze.core.testing, maze.utils
    14 entry_points  maze.core.cli, maze.core.plugin, maze.core.conf, hydra_plugins.maze_core_searchpath,
                     maze.core.testing.maze_run_batch

A module belongs to the layer of its longest matching entry (an entry names a module or package and
everything below it; the ``maze.core`` entry names the package's ``__init__`` only). A module may import
modules of its own layer and of lower layers. Every maze-core module must belong to a layer, and every
entry must match a module. Exceptions would be listed in :data:`CORE_LAYER_EXCEPTIONS` with their reason
(there are none); an exception that matches no import is reported as stale.

``[cycle]`` -- no import cycle inside any distribution: the module graph of each distribution has no
strongly connected component with more than one module. The graph holds every import that is executed,
module-level and function-local; ``TYPE_CHECKING`` imports are never executed and are left out of this
rule (they still count for the two rules above). One shortest cycle per component is printed, one line
per import in it.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# --------------------------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class DistributionRule:
    """What the modules of one distribution may import.

    :param requires: distributions its modules may import anywhere.
    :param optional: distributions of its pyproject extras: imported only lazily (inside a function or under
        ``TYPE_CHECKING``) or anywhere inside ``extra_packages``.
    :param extra_packages: subpackages that need the optional distributions at import time; the rest of the
        distribution must not import them at module level.
    """

    requires: frozenset[str] = frozenset()
    optional: frozenset[str] = frozenset()
    extra_packages: tuple[str, ...] = ()


#: The distribution layering core <- perception <- train <- rllib-bridge; cutting2d depends on core and its
#: ``models`` subpackage (the ``models`` extra) on perception/train.
DISTRIBUTIONS: dict[str, DistributionRule] = {
    "maze-core": DistributionRule(),
    "maze-perception": DistributionRule(requires=frozenset({"maze-core"})),
    "maze-train": DistributionRule(requires=frozenset({"maze-core", "maze-perception"})),
    "maze-rllib-bridge": DistributionRule(requires=frozenset({"maze-core", "maze-perception", "maze-train"})),
    "maze-envs-cutting2d": DistributionRule(
        requires=frozenset({"maze-core"}),
        optional=frozenset({"maze-perception", "maze-train"}),
        extra_packages=("maze.envs.cutting2d.models",),
    ),
}

CORE_DISTRIBUTION = "maze-core"
CORE_PACKAGE = "maze.core"

#: Layers of maze-core, lowest first: ``(name, entries, what lives there)``.
CORE_LAYERS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("base", ("maze.core", "maze.core.plugins"),
     "the package itself (version only); plugin manager, hookspecs and component registry"),
    ("utils", ("maze.core.utils", "maze.core.annotations"),
     "Factory (registered names, import paths, type checks), seeding, load limits, atomic writes; the "
     "override/unused annotations (import nothing, used by every layer)"),
    ("runners", ("maze.core.runners",),
     "the Runner interface (setup/run) and the output dir of the current run"),
    ("events", ("maze.core.events",),
     "pub-sub, event records and collections"),
    ("log_stats", ("maze.core.log_stats",),
     "statistics definitions (event decorators, reducers), aggregation, statistics writers"),
    ("log_events", ("maze.core.log_events",),
     "episode/step event logs, KPI calculator, event-log writers, figure functions, monitoring event topics"),
    ("env", ("maze.core.env", "maze.core.rendering.renderer"),
     "CoreEnv/MazeEnv interfaces, base env events, spaces conversion; the Renderer interface CoreEnv returns"),
    ("records", ("maze.core.trajectory_recording",),
     "trajectory records, their safe serialization, trajectory writers and datasets"),
    ("rendering", ("maze.core.rendering",),
     "renderers and trajectory viewers"),
    ("agent", ("maze.core.agent",),
     "the Policy interface and the built-in policies (random, replay of recorded actions)"),
    ("wrappers", ("maze.core.wrappers", "maze.core.rendering.step_rendering_wrapper",
                  "maze.core.trajectory_recording.trajectory_recording_wrapper",
                  "maze.core.trajectory_recording.utils"),
     "Wrapper and all wrappers (also the rendering and recording wrappers and the monitoring set-up)"),
    ("assembly", ("maze.core.utils.config_utils",),
     "building envs (with wrappers) and policies from (Hydra) configs and calling their plugin lifecycle "
     "hooks; the module keeps its documented path under utils"),
    ("applications", ("maze.core.rollout", "maze.core.agent_deployment", "maze.core.testing", "maze.utils"),
     "rollout runners and rollout statistics, agent deployment, conformance suites for plugins; maze.utils "
     "(script/test helpers that set up statistics writers and global state)"),
    ("entry_points", ("maze.core.cli", "maze.core.plugin", "maze.core.conf", "hydra_plugins.maze_core_searchpath",
                      "maze.core.testing.maze_run_batch"),
     "maze-run, the built-in plugin module, the packaged configs, Hydra's search-path plugin, and the test helper "
     "that drives maze-run's main() for batches of command lines"),
)

#: Upward imports inside maze-core that are allowed anyway: ``(importing module, imported module, reason)``.
#: Empty on purpose; an entry needs a reason a reviewer accepts, and a stale entry is reported.
CORE_LAYER_EXCEPTIONS: tuple[tuple[str, str, str], ...] = ()

# ------------------------------------------------------------------------------------------ model


@dataclass(frozen=True)
class Module:
    """A module found under ``packages/<distribution>/src``."""

    name: str
    distribution: str
    path: Path
    is_package: bool


@dataclass(frozen=True)
class Import:
    """One imported module of one import statement.

    :param context: ``"module"`` (executed on import), ``"function"`` (inside a function body) or
        ``"type_checking"`` (under ``if TYPE_CHECKING:``).
    """

    importer: Module
    target: str
    line: int
    context: str


@dataclass(frozen=True)
class Violation:
    """One broken rule, printed as ``<file>:<line>: imports <module>: [<rule>] <message>``."""

    path: str
    line: int
    imported: str
    rule: str
    message: str

    def __str__(self) -> str:
        what = f"imports {self.imported}" if self.imported else "module"
        return f"{self.path}:{self.line}: {what}: [{self.rule}] {self.message}"


@dataclass
class Tree:
    """All modules of a repository tree and their imports."""

    root: Path
    modules: dict[str, Module] = field(default_factory=dict)
    imports: list[Import] = field(default_factory=list)
    unknown_distributions: list[Path] = field(default_factory=list)

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()


# ------------------------------------------------------------------------------------------ parsing


def _module_name(src: Path, path: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(src).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    return ".".join(parts), is_package


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports_of(module: Module, tree: ast.Module, known: dict[str, Module]) -> Iterable[Import]:
    """Every imported module of ``tree`` with its context."""

    def resolve_from(node: ast.ImportFrom) -> str:
        if not node.level:
            return node.module or ""
        base = module.name.split(".") if module.is_package else module.name.split(".")[:-1]
        if node.level > 1:
            base = base[: len(base) - (node.level - 1)]
        return ".".join(base + ([node.module] if node.module else []))

    def visit(statements: Iterable[ast.AST], context: str) -> Iterable[Import]:
        # imports are statements: walk statement bodies only (expressions cannot hold an import statement)
        for node in statements:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield Import(module, alias.name, node.lineno, context)
            elif isinstance(node, ast.ImportFrom):
                base = resolve_from(node)
                targets = []
                for alias in node.names:
                    sub = f"{base}.{alias.name}" if base else alias.name
                    # ``from package import submodule`` imports the submodule
                    targets.append(sub if sub in known else base)
                for target in dict.fromkeys(targets):
                    yield Import(module, target, node.lineno, context)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield from visit(node.body, "function")
            elif isinstance(node, ast.If) and _is_type_checking(node.test):
                yield from visit(node.body, "function" if context == "function" else "type_checking")
                yield from visit(node.orelse, context)
            else:
                for attr in ("body", "orelse", "finalbody", "handlers", "cases"):
                    yield from visit(getattr(node, attr, ()), context)

    yield from visit(tree.body, "module")


def scan(root: Path) -> Tree:
    """Parse every module under ``root/packages/*/src``."""
    tree = Tree(root=root)
    sources: list[tuple[Module, Path]] = []
    for dist_dir in sorted(p for p in (root / "packages").iterdir() if p.is_dir()):
        src = dist_dir / "src"
        if not src.is_dir():
            continue
        if dist_dir.name not in DISTRIBUTIONS:
            tree.unknown_distributions.append(dist_dir)
        for path in sorted(src.rglob("*.py")):
            name, is_package = _module_name(src, path)
            if not name:
                continue
            module = Module(name, dist_dir.name, path, is_package)
            tree.modules[name] = module
            sources.append((module, path))
    for module, path in sources:
        try:
            parsed = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except SyntaxError as exc:
            raise SystemExit(f"{tree.rel(path)}:{exc.lineno}: cannot parse: {exc.msg}") from exc
        tree.imports.extend(_imports_of(module, parsed, tree.modules))
    return tree


# ------------------------------------------------------------------------------------------ checks


def _known_target(tree: Tree, target: str) -> str | None:
    """The deepest known module that ``import target`` executes (``None``: not a module of this tree)."""
    parts = target.split(".")
    for n in range(len(parts), 0, -1):
        name = ".".join(parts[:n])
        if name in tree.modules:
            return name
    return None


def _distribution_roots(tree: Tree) -> dict[str, str]:
    """Top-level regular packages (``maze.core``, ``maze.envs.cutting2d``...) → their distribution."""
    roots: dict[str, str] = {}
    for name, module in tree.modules.items():
        parts = name.split(".")
        for n in range(1, len(parts) + 1):
            prefix = ".".join(parts[:n])
            if prefix in tree.modules:
                roots.setdefault(prefix, module.distribution)
                break
    return roots


def _distribution_of(tree: Tree, roots: dict[str, str], target: str) -> str | None:
    known = _known_target(tree, target)
    if known is not None:
        return tree.modules[known].distribution
    for root, dist in roots.items():
        if target == root or target.startswith(root + "."):
            return dist
    return None


def _in(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def check_distributions(tree: Tree) -> list[Violation]:
    """``[distributions]``: imports between distributions follow :data:`DISTRIBUTIONS`."""
    out = [Violation(tree.rel(d), 1, "", "distributions",
                     f"distribution '{d.name}' is not in DISTRIBUTIONS of scripts/check_layers.py; add its rule")
           for d in tree.unknown_distributions]
    roots = _distribution_roots(tree)
    for imp in tree.imports:
        src = imp.importer.distribution
        rule = DISTRIBUTIONS.get(src)
        if rule is None:
            continue
        target_dist = _distribution_of(tree, roots, imp.target)
        where = tree.rel(imp.importer.path)
        if target_dist is None:
            if imp.target.split(".")[0] == "maze":
                out.append(Violation(where, imp.line, imp.target, "distributions",
                                     "no distribution of this tree provides this Maze module"))
            continue
        in_extra = any(_in(imp.importer.name, p) for p in rule.extra_packages)
        if target_dist == src:
            target = _known_target(tree, imp.target) or imp.target
            if (not in_extra and imp.context == "module"
                    and any(_in(target, p) for p in rule.extra_packages)):
                out.append(Violation(where, imp.line, imp.target, "distributions",
                                     f"module-level import of the optional subpackage of {src} (it needs "
                                     f"{', '.join(sorted(rule.optional))}); import it inside a function"))
            continue
        if target_dist in rule.requires:
            continue
        if target_dist in rule.optional:
            if in_extra or imp.context != "module":
                continue
            out.append(Violation(where, imp.line, imp.target, "distributions",
                                 f"{src} depends on {target_dist} only optionally: import it inside a function or "
                                 f"in {', '.join(rule.extra_packages)}"))
            continue
        allowed = ", ".join(sorted(rule.requires)) or "no other distribution"
        out.append(Violation(where, imp.line, imp.target, "distributions",
                             f"{src} must not import {target_dist} ({imp.context} import; {src} may import {allowed})"))
    return out


def core_layer_of(name: str) -> tuple[int, str] | None:
    """``(index, layer name)`` of a maze-core module (``None``: not assigned)."""
    best: tuple[int, int, str] | None = None
    for index, (layer, entries, _) in enumerate(CORE_LAYERS):
        for entry in entries:
            matches = name == entry if entry == CORE_PACKAGE else _in(name, entry)
            if matches and (best is None or len(entry) > best[0]):
                best = (len(entry), index, layer)
    return None if best is None else (best[1], best[2])


def check_core_layers(tree: Tree) -> list[Violation]:
    """``[core-layers]``: maze-core modules import only their own and lower layers."""
    out: list[Violation] = []
    core = {n: m for n, m in tree.modules.items() if m.distribution == CORE_DISTRIBUTION}
    if not core:
        return out
    for name, module in sorted(core.items()):
        if core_layer_of(name) is None:
            out.append(Violation(tree.rel(module.path), 1, "", "core-layers",
                                 f"{name} belongs to no layer; add it to CORE_LAYERS in scripts/check_layers.py"))
    for layer, entries, _ in CORE_LAYERS:
        for entry in entries:
            if not any((n == entry) if entry == CORE_PACKAGE else _in(n, entry) for n in core):
                out.append(Violation("scripts/check_layers.py", 1, "", "core-layers",
                                     f"CORE_LAYERS entry {entry} (layer '{layer}') matches no maze-core module"))
    exceptions = {(a, b): reason for a, b, reason in CORE_LAYER_EXCEPTIONS}
    used: set[tuple[str, str]] = set()
    for imp in tree.imports:
        if imp.importer.distribution != CORE_DISTRIBUTION:
            continue
        target = _known_target(tree, imp.target)
        if target is None or tree.modules[target].distribution != CORE_DISTRIBUTION:
            continue
        src_layer, dst_layer = core_layer_of(imp.importer.name), core_layer_of(target)
        if src_layer is None or dst_layer is None or dst_layer[0] <= src_layer[0]:
            continue
        if (imp.importer.name, target) in exceptions:
            used.add((imp.importer.name, target))
            continue
        out.append(Violation(tree.rel(imp.importer.path), imp.line, target, "core-layers",
                             f"layer '{src_layer[1]}' ({imp.importer.name}) must not import the higher layer "
                             f"'{dst_layer[1]}' ({imp.context} import)"))
    for key in sorted(set(exceptions) - used):
        out.append(Violation("scripts/check_layers.py", 1, key[1], "core-layers",
                             f"stale CORE_LAYER_EXCEPTIONS entry: {key[0]} no longer imports {key[1]}; remove it"))
    return out


def _strongly_connected(nodes: Sequence[str], edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm (iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for start in nodes:
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    components.append(sorted(component))
    return components


def _shortest_cycle(start: str, members: set[str], edges: dict[str, set[str]]) -> list[str]:
    previous: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for child in sorted(edges.get(node, ())):
            if child not in members:
                continue
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return list(reversed(path)) + [start]
            if child not in previous:
                previous[child] = node
                queue.append(child)
    return [start, start]


def check_cycles(tree: Tree) -> list[Violation]:
    """``[cycle]``: no import cycle between the modules of one distribution."""
    out: list[Violation] = []
    first_import: dict[tuple[str, str], Import] = {}
    edges: dict[str, set[str]] = defaultdict(set)
    for imp in tree.imports:
        if imp.context == "type_checking":
            continue
        target = _known_target(tree, imp.target)
        if target is None or target == imp.importer.name:
            continue
        if tree.modules[target].distribution != imp.importer.distribution:
            continue
        key = (imp.importer.name, target)
        if key not in first_import or imp.line < first_import[key].line:
            first_import[key] = imp
        edges[imp.importer.name].add(target)
    for component in _strongly_connected(sorted(tree.modules), edges):
        if len(component) < 2:
            continue
        cycle = _shortest_cycle(component[0], set(component), edges)
        shown = " -> ".join(cycle)
        dist = tree.modules[component[0]].distribution
        extra = f" ({len(component)} modules are entangled: {', '.join(component)})" if len(component) > len(cycle) - 1 \
            else ""
        for a, b in zip(cycle, cycle[1:]):
            imp = first_import[(a, b)]
            out.append(Violation(tree.rel(imp.importer.path), imp.line, b, "cycle",
                                 f"import cycle inside {dist}: {shown} ({imp.context} import){extra}"))
    return out


def check_tree(tree: Tree) -> list[Violation]:
    """All violations of a scanned tree."""
    return check_distributions(tree) + check_core_layers(tree) + check_cycles(tree)


def check(root: Path) -> list[Violation]:
    """All violations of the tree at ``root``."""
    return check_tree(scan(root))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", nargs="?", default=str(Path(__file__).resolve().parent.parent),
                        help="repository root holding packages/<distribution>/src (default: this script's repo)")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    if not (root / "packages").is_dir():
        print(f"check_layers: {root} has no packages/ directory; expected the Maze repository root", file=sys.stderr)
        return 2
    tree = scan(root)
    violations = check_tree(tree)
    for violation in violations:
        print(violation)
    if violations:
        print(f"check_layers: {len(violations)} violation(s)", file=sys.stderr)
        return 1
    print(f"check_layers: {len(tree.modules)} modules, {len(tree.imports)} imports, layering holds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
