#!/usr/bin/env python3
"""List every Maze import path that the reference docs show (standard library only; imports nothing).

Usage::

    python scripts/docs_imports.py [REFERENCE_DIR] [-o OUTPUT] [--report]

``REFERENCE_DIR`` holds the two reference documents, ``000_*.txt`` (the newer web docs) and ``001_*.txt``
(the older PDF docs with the API reference); it defaults to ``../shared/reference`` next to the repository
root. The list is written to ``OUTPUT`` (default: stdout); ``--report`` prints to stderr how each entry was
found and which API reference headings could not be read.

What is collected
=================

* ``from maze... import a, b as c`` and ``import maze...`` statements at the start of a line, in both
  documents (parenthesised multi-line imports included);
* ``_target_: maze...`` values of YAML listings (and ``"_target_": "maze..."`` in Python dicts);
* the headings of the API reference (the 001 document from its "1.4 API Documentation" section up to
  its index): ``class maze.core.env.core_env.CoreEnv(...)`` lines -- functions are printed with a ``class``
  prefix there as well -- and lines that hold only a dotted ``maze.`` path (type aliases, module sections).

The newer document's API overview names its classes without their modules, so it gives no import paths
and is not read here.

Output format
=============

One dotted path per line, sorted and without duplicates: ``maze.core.env.core_env.CoreEnv`` for a name
imported from a module, ``maze.core.env`` for a module. The split between module and attribute is left to
the reader of the list (the longest prefix that is a module is the module), because ``_target_`` paths and
API headings do not mark it either. Lines starting with ``#`` are comments.

The API reference is a PDF text extraction: long headings are cut at the page width (``...Trajector``),
words are split by stray spaces (``...Distri bution``), ``_`` is sometimes a space and markup
(``**Name**``, ``<pre>``) is interleaved. A heading is repaired with what the document itself says: the
short-name sub-heading that precedes it (``KeyboardControlledTrajectoryViewer``), the summary tables of
the section, and other (complete) dotted paths of the same prefix in either document. A heading that still
cannot be read is left out and named by ``--report``.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_REFERENCE_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "reference"

_IDENT = r"[A-Za-z_]\w*"
_FROM_IMPORT = re.compile(rf"^\s*(?:>>>\s*)?from\s+(maze(?:\.{_IDENT})*)\s+import\s+(.*)$")
_PLAIN_IMPORT = re.compile(rf"^\s*(?:>>>\s*)?import\s+(maze(?:\.{_IDENT})*(?:\s*,\s*maze(?:\.{_IDENT})*)*)")
_TARGET = re.compile(rf"""_target_["']?\s*[:=]\s*["']?(maze(?:\.{_IDENT})+)""")
_DOTTED = re.compile(rf"maze(?:\.{_IDENT})+")
_CLASS_HEADING = re.compile(r"(?<![\w'\"])class\s+(?=maze\.)")
_MARKUP = re.compile(r"\*\*|</?pre>|</?i>|`")
_SHORT_NAME_LINE = re.compile(rf"^({_IDENT})$")
_TABLE_NAME = re.compile(rf"^({_IDENT})\t")


@dataclass
class Collected:
    """Paths found in the documents, with the places they were found (for ``--report``)."""

    paths: dict[str, list[str]] = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)

    def add(self, path: str, where: str) -> None:
        """Record ``path`` as found at ``where``."""
        self.paths.setdefault(path, []).append(where)


# ------------------------------------------------------------------------------------------ listings


def _split_imported_names(text: str) -> list[str]:
    """The imported names of an ``import`` clause (``a, b as c`` -> ``[a, b]``); comments are dropped."""
    text = text.split("#", 1)[0].replace("(", " ").replace(")", " ").replace("\\", " ")
    names = []
    for part in text.split(","):
        words = part.split()
        if words and re.fullmatch(_IDENT, words[0]) and words[0] != "*":
            names.append(words[0])
    return names


def collect_listing_imports(lines: Sequence[str], doc: str, out: Collected) -> None:
    """Collect ``from maze... import ...``/``import maze...`` statements and ``_target_`` paths.

    :param lines: the document's lines.
    :param doc: the document's name, for the report.
    :param out: where the paths go.
    """
    index = 0
    while index < len(lines):
        line = lines[index]
        where = f"{doc}:{index + 1}"
        match = _FROM_IMPORT.match(line)
        if match:
            clause = match.group(2)
            # a parenthesised import continues until its closing parenthesis
            while "(" in clause and ")" not in clause and index + 1 < len(lines):
                index += 1
                clause += " " + lines[index]
            for name in _split_imported_names(clause):
                out.add(f"{match.group(1)}.{name}", where)
        else:
            match = _PLAIN_IMPORT.match(line)
            if match:
                for module in match.group(1).split(","):
                    out.add(module.strip(), where)
        for target in _TARGET.finditer(line):
            out.add(target.group(1), where)
        index += 1


# ------------------------------------------------------------------------------------- API reference


def _api_section(lines: Sequence[str]) -> tuple[int, int]:
    """First and last line index of the API reference (its heading up to the index)."""
    start = next((i for i, line in enumerate(lines) if line.strip() == "1.4 API Documentation"), None)
    if start is None:
        raise SystemExit("docs_imports: the API reference heading '1.4 API Documentation' was not found")
    end = next((i for i in range(start, len(lines)) if lines[i].strip() == "INDEX"), len(lines))
    return start, end


def _clean(line: str) -> str:
    """A heading line without markup, list bullets and stray spaces after dots."""
    line = _MARKUP.sub("", line).strip()
    line = re.sub(r"^[-·•]\s*", "", line)
    line = re.sub(r"\t+(?=[._])|(?<=[._])\t+", "", line)  # table cells cut a path: "policies\t.base_policy"
    return re.sub(r"\.\s+(?=[A-Za-z_])", ".", line)


def _heading_path(rest: str) -> tuple[str, str] | None:
    """The raw dotted path at the start of ``rest`` (an API heading after ``class``) and the text after it."""
    # module segments where the extraction wrote a space for "_" ("trajectory recorder.step record.X")
    spaced = re.match(r"(maze(?:\.[a-z_]+(?: [a-z_]+)*)+)\.(?=[A-Za-z_])", rest)
    if spaced and " " in spaced.group(1):
        rest = spaced.group(1).replace(" ", "_") + rest[spaced.end(1) :]
    match = _DOTTED.match(rest)
    if match is None:
        return None
    return match.group(0), rest[match.end() :]


def _preceding_short_name(lines: Sequence[str], index: int) -> str | None:
    """The short-name sub-heading printed right before an API heading (within four non-empty lines)."""
    seen = 0
    for i in range(index - 1, max(index - 12, -1), -1):
        text = _MARKUP.sub("", lines[i]).strip()
        if not text:
            continue
        match = _SHORT_NAME_LINE.match(text)
        if match:
            return match.group(1)
        seen += 1
        if seen >= 4:
            return None
    return None


def _complete_from_corpus(path: str, corpus_paths: set[str]) -> str | None:
    """Complete a cut last segment from the complete dotted paths that start with it, if unambiguous."""
    head, _, cut = path.rpartition(".")
    completions = {
        other[len(head) + 1 :].split(".", 1)[0]
        for other in corpus_paths
        if other.startswith(path) and other != path and other.startswith(head + ".")
    }
    completions.discard(cut)
    if len(completions) == 1:
        return f"{head}.{completions.pop()}"
    return None


def repair_heading(
    raw: str, after: str, short_name: str | None, table_names: set[str], corpus_paths: set[str]
) -> str | None:
    """Repair one API heading path cut or split by the PDF extraction; None if it cannot be read.

    :param raw: the dotted path as extracted.
    :param after: the heading's text after the path (the continuation of a split word, if any).
    :param short_name: the short-name sub-heading printed before the heading.
    :param table_names: the names of the section summary tables.
    :param corpus_paths: every dotted ``maze.`` path found in both documents.
    """
    head, _, last = raw.rpartition(".")
    known = table_names | ({short_name} if short_name else set())
    # a repeated class segment ("Composer.ProbabilisticPolic") is an extraction artefact
    head_last = head.rpartition(".")[2]
    if head_last != last and head_last.startswith(last) and head_last in known:
        head, _, last = head.rpartition(".")
    if last in known or (short_name is None and not table_names):
        return f"{head}.{last}"
    # a word split by a stray space or line break: "SquashedGaussianProbabilityDistri bution"
    following = re.match(rf"\s+({_IDENT})", after)
    if following and last + following.group(1) in known:
        return f"{head}.{last}{following.group(1)}"
    # a name cut at the page width: the sub-heading or a unique table name starts with it
    if short_name and short_name.startswith(last):
        return f"{head}.{short_name}"
    starting = sorted(name for name in table_names if name.startswith(last) and name != last)
    if len(starting) == 1:
        return f"{head}.{starting[0]}"
    # a name with trailing debris ("FlattenPreProcessors."): the sub-heading is its start
    if short_name and last.startswith(short_name):
        return f"{head}.{short_name}"
    # a cut module: complete it from other paths, then the sub-heading names the object in it
    completed = _complete_from_corpus(raw, corpus_paths)
    if completed is not None:
        if short_name and completed.rpartition(".")[2] != short_name:
            return f"{completed}.{short_name}"
        return completed
    # a cut and garbled name ("ResizeImgPrePre", "obtain_u"): the sub-heading shares most of what is left
    if short_name and _common_prefix(short_name, last) >= max(6, len(last) // 2):
        return f"{head}.{short_name}"
    return None


def _common_prefix(a: str, b: str) -> int:
    """Length of the common prefix of two strings."""
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def collect_api_reference(lines: Sequence[str], doc: str, corpus_paths: set[str], out: Collected) -> None:
    """Collect the class and function paths of the API reference headings.

    :param lines: the lines of the document that holds the API reference.
    :param doc: the document's name, for the report.
    :param corpus_paths: every dotted ``maze.`` path of both documents (to complete cut headings).
    :param out: where the paths go.
    """
    start, end = _api_section(lines)
    table_names = {m.group(1) for line in lines[start:end] if (m := _TABLE_NAME.match(line))}
    for index in range(start, end):
        line = _clean(lines[index])
        # "class maze...." headings; the extraction sometimes merged one into the paragraph before it
        starts = [m.end() for m in _CLASS_HEADING.finditer(line)]
        if not starts and _DOTTED.fullmatch(line):
            starts = [0]
        for position in starts:
            found = _heading_path(line[position:])
            if found is not None:
                # a heading inside a paragraph has no sub-heading of its own
                short_name = _preceding_short_name(lines, index) if position <= len("class ") else None
                _add_heading(line, found, short_name, f"{doc}:{index + 1}", table_names, corpus_paths, out)


def _add_heading(line: str, found: tuple[str, str], short_name: str | None, where: str, table_names: set[str],
                 corpus_paths: set[str], out: Collected) -> None:
    """Add one API heading (repaired) to ``out``, or record it as unreadable."""
    raw, after = found
    if not _CLASS_HEADING.search(line):
        # a line holding only a path: a module section heading, a type alias under its sub-heading
        # ("MazeStateType" / "maze.core.env.maze_state.MazeStateType") or a wrapped signature line (skipped)
        if any(other.startswith(raw + ".") for other in corpus_paths):
            out.add(raw, f"{where} (API reference)")
            return
        if raw.rpartition(".")[2] != short_name:
            return
    path = repair_heading(raw, after, short_name, table_names, corpus_paths)
    if path is None:
        out.unreadable.append(f"{where}: {line}")
    else:
        out.add(path, f"{where} (API reference)")


# ------------------------------------------------------------------------------------------------ main


def find_documents(reference_dir: Path) -> tuple[Path, Path]:
    """The newer (``000_*.txt``) and the older (``001_*.txt``) reference document in ``reference_dir``."""
    docs = []
    for pattern in ("000_*.txt", "001_*.txt"):
        matches = sorted(reference_dir.glob(pattern))
        if len(matches) != 1:
            raise SystemExit(
                f"docs_imports: expected exactly one {pattern} in {reference_dir}, found {len(matches)}; "
                "pass the directory of the reference docs as the first argument"
            )
        docs.append(matches[0])
    return docs[0], docs[1]


def collect(reference_dir: Path) -> Collected:
    """Every documented path of both reference documents."""
    newer, older = find_documents(reference_dir)
    texts = {path.name: path.read_text(encoding="utf-8").splitlines() for path in (newer, older)}
    out = Collected()
    for name, lines in texts.items():
        collect_listing_imports(lines, name, out)
    corpus_paths = {m.group(0) for lines in texts.values() for line in lines for m in _DOTTED.finditer(_clean(line))}
    collect_api_reference(texts[older.name], older.name, corpus_paths, out)
    return out


def format_list(collected: Collected, reference_dir: Path) -> str:
    """The sorted list with its comment header (naming the API headings that could not be read)."""
    header = [
        "# Import paths shown by the reference docs (code listings, _target_ values, API reference headings).",
        "# Generated by scripts/docs_imports.py; one dotted path per line (module or module.attribute).",
        f"# Source: {', '.join(p.name for p in find_documents(reference_dir))}",
        *(f"# Not readable (cut by the PDF extraction): {line}" for line in collected.unreadable),
    ]
    return "\n".join([*header, *sorted(collected.paths)]) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reference_dir", nargs="?", type=Path, default=DEFAULT_REFERENCE_DIR)
    parser.add_argument("-o", "--output", type=Path, help="write the list here instead of stdout")
    parser.add_argument("--report", action="store_true", help="print where each path was found to stderr")
    args = parser.parse_args(argv)
    if not args.reference_dir.is_dir():
        parser.error(f"reference dir {args.reference_dir} does not exist (expected the two reference .txt files)")
    collected = collect(args.reference_dir)
    text = format_list(collected, args.reference_dir)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    if args.report:
        for path in sorted(collected.paths):
            print(f"{path}\t{'; '.join(collected.paths[path][:3])}", file=sys.stderr)
        for line in collected.unreadable:
            print(f"UNREADABLE {line}", file=sys.stderr)
    elif collected.unreadable:
        print(f"docs_imports: {len(collected.unreadable)} API headings could not be read (--report names them)",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
