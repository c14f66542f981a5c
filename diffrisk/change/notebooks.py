"""Jupyter notebooks: their code cells are Python that runs, so they are analysed as Python.

Each version's code cells become one Python text, with a map from its lines to the notebook file's
lines.  IPython's shell commands (``!cmd``, ``x = !cmd``, ``%system``, the lines of a ``%%bash`` cell)
become calls of ``__notebook_shell__("cmd")``, and ``%run file`` a call of ``__notebook_run__``,
which the weaknesses analyzer reads (DR-W002, DR-W001); other
``%magic`` and ``?help`` lines, and cells of another language, become comments.  The two texts
are compared like any file, and every line the report names is the notebook's own.  A notebook
whose layout is not one source line per JSON line (as Jupyter writes them) is still analysed,
each finding placed on its cell's first line.
"""

from __future__ import annotations

import difflib
import json
from typing import Any

from diffrisk.analyzers.weaknesses import NOTEBOOK_RUN, NOTEBOOK_SHELL
from diffrisk.change import file_analysis
from diffrisk.config import Config
from diffrisk.diffsource.parser import parse
from diffrisk.errors import DiffParseError
from diffrisk.model import FileAnalysis, FileChange, Finding, UnitChange
from diffrisk.records import replace
from diffrisk.regex import Regex

_MAGIC = Regex(r"^(\s*)[%!?]")
_SOURCE_KEY = Regex(r'^\s*"source"\s*:\s*\[\s*$')


class NotANotebook(ValueError):
    """The bytes are not a notebook diffrisk can read."""


def is_notebook(path: str) -> bool:
    return path.endswith(".ipynb")


def code_of(data: bytes) -> tuple[str, list[int]]:
    """The code cells as one text, and for each of its lines the notebook line it comes from."""
    try:
        text = data.decode("utf-8")
        document = json.loads(text)
    except (UnicodeDecodeError, ValueError) as error:
        raise NotANotebook(f"not a notebook: {error}") from None
    cells = document.get("cells") if isinstance(document, dict) else None
    if not isinstance(cells, list):
        raise NotANotebook("not a notebook: no list of cells")
    places = _source_lines(text.split("\n"))
    lines: list[str] = []
    where: list[int] = []
    for index, cell in enumerate(cell for cell in cells if isinstance(cell, dict)):
        if cell.get("cell_type") != "code":
            continue
        source = _strings(cell.get("source"))
        cell_lines = "".join(source).split("\n")
        located = places.get(index, [])
        for number, line in enumerate(_as_python(cell_lines)):
            lines.append(line)
            where.append(located[min(number, len(located) - 1)] if located else 1)
        lines.append("")
        where.append(where[-1] if where else 1)
    return "\n".join(lines), where


_CELL_MAGIC = Regex(r"^\s*%%(\w+)(.*)$")
_RUN_LINE = Regex(r"^(\s*)%run\b(.*)$")
_SHELL_LINE = Regex(r"^(\s*)(?:([\w.]+)\s*=\s*)?(?:!|%(?:system|sx)\b)(.*)$")
#: Cell magics whose body is a shell script, and those whose body is Python.
_SHELL_CELLS = frozenset({"bash", "sh", "zsh", "system", "script"})
_PYTHON_CELLS = frozenset({"time", "timeit", "capture", "prun", "debug", "px", "pypy", "python", "python3"})
_SHELL = NOTEBOOK_SHELL


def _as_python(cell: list[str]) -> list[str]:
    """A code cell's lines as Python, one for one."""
    magic = _CELL_MAGIC.match(cell[0]) if cell else None
    if magic is not None and magic.group(1) in _SHELL_CELLS:
        # A whole shell script: each line is read as a shell command the notebook runs.
        return ["# " + cell[0], *(f"{_SHELL}({line!r}, cell=True)" if line.strip() else "" for line in cell[1:])]
    if magic is not None and magic.group(1) not in _PYTHON_CELLS:
        return ["# " + line for line in cell]  # HTML, JavaScript, SQL, a file to write: not Python
    return [_line_as_python(line) for line in cell]


def _line_as_python(line: str) -> str:
    run = _RUN_LINE.match(line)
    if run is not None:
        return f"{run.group(1)}{NOTEBOOK_RUN}({run.group(2).strip()!r})"
    shell = _SHELL_LINE.match(line)
    if shell is not None:
        indent, target, command = shell.groups()
        assigned = f"{target} = " if target else ""
        return f"{indent}{assigned}{_SHELL}({command.strip()!r})"
    return _MAGIC.sub(r"\1# ", line)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _source_lines(file_lines: list[str]) -> dict[int, list[int]]:
    """For each cell (by its index among the cells), the 1-based file lines of its source's
    elements, when Jupyter wrote one element per line."""
    found: dict[int, list[int]] = {}
    cell = -1
    number = 0
    while number < len(file_lines):
        line = file_lines[number]
        if '"cell_type"' in line:
            cell += 1
        if _SOURCE_KEY.match(line) and cell >= 0:
            places = []
            number += 1
            while number < len(file_lines) and file_lines[number].strip() not in ("]", "],"):
                places.append(number + 1)
                number += 1
            found[cell] = places
        number += 1
    return found


def analyze(change: FileChange, old: bytes | None, new: bytes | None, config: Config) -> FileAnalysis:
    """The notebook's code analysed as Python, every line the report names the notebook's."""
    old_code, old_where = code_of(old) if old is not None else ("", [])
    new_code, new_where = code_of(new) if new is not None else ("", [])
    patch = "".join(difflib.unified_diff(
        old_code.splitlines(keepends=True), new_code.splitlines(keepends=True), f"a/{change.path}", f"b/{change.path}",
    ))
    if not patch:
        return FileAnalysis(file_analysis.summary(change, None))
    try:
        (code_change,) = parse(patch if patch.endswith("\n") else patch + "\n\\ No newline at end of file\n").files
    except (DiffParseError, ValueError):
        raise NotANotebook("its code cells could not be compared") from None
    code_change = replace(code_change, old_path=change.old_path, new_path=change.new_path, kind=change.kind)
    analysis = file_analysis.analyze(
        file_analysis.changed_file(code_change, config), old_code if old is not None else None,
        new_code if new is not None else None, None,
    )
    return _placed(analysis, old_where, new_where)


def _placed(analysis: FileAnalysis, old_where: list[int], new_where: list[int]) -> FileAnalysis:
    """The analysis with every line moved from the code text to the notebook file."""
    def place(line: int, old_side: bool) -> int:
        where = old_where if old_side else new_where
        return where[min(max(line, 1), len(where)) - 1] if where else 1

    def finding(item: Finding) -> Finding:
        return replace(item, line=place(item.line, item.removed), end_line=place(item.end_line, item.removed))

    def unit(item: UnitChange) -> UnitChange:
        old_side = item.side == "old"
        return replace(item, line=place(item.line, old_side), end_line=place(item.end_line, old_side))

    return replace(
        analysis,
        summary=replace(analysis.summary, is_python=True),
        findings=tuple(finding(item) for item in analysis.findings),
        units=tuple(unit(item) for item in analysis.units),
        new_imports=tuple((place(line, False), module) for line, module in analysis.new_imports),
        ignores=tuple(replace(ignore, line=place(ignore.line, False)) for ignore in analysis.ignores),
    )

