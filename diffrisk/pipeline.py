"""From a diff and file contents to per-file analyses: run the analyzers on both sides of each
changed Python file, keep what touches changed lines, and map changes to functions.

This is the only place that knows both the diff and the analyzers.
"""

from __future__ import annotations

import ast
import textwrap
from collections import Counter
from collections.abc import Iterable, Mapping

from diffrisk import pysource, rules
from diffrisk.analyzers import ANALYZERS, SKIPS
from diffrisk.analyzers.scope import Scope
from diffrisk.config import Config
from diffrisk.model import (
    CYCLOMATIC_COMPLEXITY,
    FUNCTION_LENGTH,
    MAINTAINABILITY_INDEX,
    NESTING_DEPTH,
    PARAMETER_COUNT,
    ChangeKind,
    Diff,
    FileAnalysis,
    FileChange,
    FileResult,
    FileSummary,
    Finding,
    Issue,
    LineKind,
    Severity,
    UnitChange,
)
from diffrisk.paths import Patterns, is_python, is_test
from diffrisk.pysource import PythonSource
from diffrisk.sources import FileContents

_SYMLINK, _SUBMODULE = "120000", "160000"


def files_needing_contents(diff: Diff, config: Config) -> frozenset[int]:
    """Indexes of the files whose contents the analysis reads (changed, analysable Python)."""
    excluded = Patterns(config.exclude)
    return frozenset(
        index for index, change in enumerate(diff.files) if _skip_reason(change, excluded) is None and change.hunks
    )


def analyze(diff: Diff, contents: Mapping[int, FileContents] | None, config: Config) -> tuple[FileAnalysis, ...]:
    """Analyse every file of ``diff``; ``contents`` None means only the diff's own lines exist."""
    excluded = Patterns(config.exclude)
    return tuple(
        _analyze_file(change, None if contents is None else contents.get(index), config, excluded)
        for index, change in enumerate(diff.files)
    )


def _skip_reason(change: FileChange, excluded: Patterns) -> str | None:
    pattern = excluded.first_match(change.path)
    if pattern is not None:
        return f"excluded by pattern {pattern!r}"
    if change.is_binary:
        return "binary file"
    if _SUBMODULE in (change.old_mode, change.new_mode):
        return "submodule"
    if _SYMLINK in (change.old_mode, change.new_mode):
        return "symbolic link"
    if not is_python(change.path):
        return "not Python"
    return None


def _summary(change: FileChange, skipped: str | None, mechanical: bool = False) -> FileSummary:
    return FileSummary(
        path=change.path,
        old_path=change.old_path if change.old_path != change.new_path else None,
        status=change.kind.value,
        added=len(change.added_lines),
        deleted=len(change.deleted_lines),
        is_python=is_python(change.path),
        is_test=is_test(change.path),
        skipped=skipped,
        mechanical=mechanical,
    )


def _analyze_file(
    change: FileChange, contents: FileContents | None, config: Config, excluded: Patterns
) -> FileAnalysis:
    skipped = _skip_reason(change, excluded)
    if skipped is not None or not change.hunks:
        return _empty(_summary(change, skipped if skipped != "not Python" else None))
    if contents is None:
        return _analyze_fragments(change, config)
    try:
        old_text = pysource.decode(contents.old) if contents.old is not None else None
        new_text = pysource.decode(contents.new) if contents.new is not None else None
    except pysource.UndecodableSource as error:
        return _empty(_summary(change, f"not valid text in its declared encoding ({error})"))
    if change.kind is not ChangeKind.DELETED and new_text is None:
        return _empty(_summary(change, "contents unavailable (larger than max_file_bytes, or missing)"))
    return _FileWork(change, config).run(old_text, new_text)


def _empty(summary: FileSummary, notes: tuple[str, ...] = ()) -> FileAnalysis:
    return FileAnalysis(summary, (), (), None, None, 0, (), notes)


def _analyze_fragments(change: FileChange, config: Config) -> FileAnalysis:
    """Without file contents, analyse the hunks' own lines placed at their line numbers."""
    old_text = None if change.kind is ChangeKind.ADDED else _fragment(change, LineKind.DELETED)
    new_text = None if change.kind is ChangeKind.DELETED else _fragment(change, LineKind.ADDED)
    for attempt in (old_text, new_text):
        if attempt is not None and _parses(attempt) is None:
            dedented = _fragment(change, LineKind.ADDED if attempt is new_text else LineKind.DELETED, dedent=True)
            if _parses(dedented) is None:
                note = f"{change.path}: only a fragment of this file is available and it does not parse alone"
                return _empty(_summary(change, "fragment does not parse on its own"), (note,))
            if attempt is new_text:
                new_text = dedented
            else:
                old_text = dedented
    return _FileWork(change, config, fragments=True).run(old_text, new_text)


def _fragment(change: FileChange, side: LineKind, dedent: bool = False) -> str:
    """One side of the file as far as the hunks show it; unknown lines are left blank."""
    numbered: dict[int, str] = {}
    blocks: list[list[int]] = []
    for hunk in change.hunks:
        block: list[int] = []
        for line in hunk.lines:
            lineno = line.new_lineno if side is LineKind.ADDED else line.old_lineno
            if line.kind in (LineKind.CONTEXT, side) and lineno is not None:
                numbered[lineno] = line.text
                block.append(lineno)
        blocks.append(block)
    if dedent:
        for block in blocks:
            for lineno, text in zip(block, textwrap.dedent("\n".join(numbered[n] for n in block)).split("\n")):
                numbered[lineno] = text
    last = max(numbered, default=0)
    return "\n".join(numbered.get(lineno, "") for lineno in range(1, last + 1)) + "\n"


def _parses(text: str) -> PythonSource | None:
    try:
        return pysource.parse("<fragment>", text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


class _Side:
    """One analysed version of the file: its whole source and each analyzer's result."""

    def __init__(self, source: PythonSource, results: Mapping[str, FileResult]) -> None:
        self.source = source
        self.results = results
        self.lines = source.text.split("\n")

    def unit_metrics(self, def_line: int) -> dict[str, float]:
        return {
            metric.name: metric.value
            for result in self.results.values()
            for metric in result.unit_metrics
            if metric.def_line == def_line
        }

    def file_metric(self, name: str) -> float | None:
        for result in self.results.values():
            for key, value in result.file_metrics:
                if key == name:
                    return value
        return None

    def line_text(self, line: int) -> str:
        return self.lines[line - 1].strip() if 0 < line <= len(self.lines) else ""


class _FileWork:
    """The analysis of one changed Python file; used once, by ``run``."""

    def __init__(self, change: FileChange, config: Config, fragments: bool = False) -> None:
        self.change = change
        self.config = config
        self.fragments = fragments
        self.path = change.path
        self.failures: list[str] = []
        self.notes: list[str] = []
        self.added = set(change.added_lines)
        self.deleted = set(change.deleted_lines)

    def run(self, old_text: str | None, new_text: str | None) -> FileAnalysis:
        old_source = self._parse_old(old_text)
        lines_before = old_text.count("\n") if old_text is not None else 0
        if new_text is None:  # a deleted file: nothing left to read but what it took away
            return self._result((), (), None, None, lines_before, mechanical=False)
        try:
            new_source = pysource.parse(self.path, new_text)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
            return self._unparsable(error, new_text, lines_before)
        if old_source is not None and _same_tree(old_source, new_source, self.deleted, self.added):
            return self._result((), (), None, None, lines_before, mechanical=True)
        old_wanted, new_wanted = self._wanted_lines(old_source, new_source)
        old = self._analyze(old_source, old_wanted) if old_source is not None else None
        new = self._analyze(new_source, new_wanted)
        units = self._units(old, new)
        findings = self._line_findings(old, new) + self._unit_findings(units)
        return self._result(
            findings,
            units,
            old.file_metric(MAINTAINABILITY_INDEX) if old else None,
            new.file_metric(MAINTAINABILITY_INDEX),
            lines_before,
            mechanical=False,
        )

    def _result(
        self,
        findings: Iterable[Finding],
        units: Iterable[UnitChange],
        mi_before: float | None,
        mi_after: float | None,
        lines_before: int,
        mechanical: bool,
    ) -> FileAnalysis:
        return FileAnalysis(
            summary=_summary(self.change, None, mechanical),
            findings=tuple(sorted(findings, key=_finding_key)),
            units=tuple(sorted(units, key=lambda unit: (unit.side, unit.line, unit.name))),
            maintainability_before=mi_before,
            maintainability_after=mi_after,
            lines_before=lines_before,
            failures=tuple(self.failures),
            notes=tuple(self.notes),
        )

    # -- parsing -------------------------------------------------------------------------------

    def _parse_old(self, old_text: str | None) -> PythonSource | None:
        if old_text is None:
            return None
        try:
            return pysource.parse(self.path, old_text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None  # the old side's state is not this change's doing; treat all as new

    def _unparsable(self, error: Exception, text: str, lines_before: int) -> FileAnalysis:
        line_count = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
        if isinstance(error, SyntaxError):
            line = min(max(error.lineno or 1, 1), line_count)
            message = f"does not parse: {error.msg} (line {error.lineno})"
        else:
            line = min(self.added) if self.added else 1
            message = "does not parse: nested too deeply for Python's parser"
        finding = Finding("DR-E001", "parser", self.path, line, line, Severity.HIGH, message)
        whole = UnitChange(
            self.path, self.path, "file", 1, line_count, "new", len(self.added), len(self.deleted),
            False, is_test(self.path), {}, {},
        )
        return self._result((finding,), (whole,), None, None, lines_before, mechanical=False)

    def _wanted_lines(self, old_source: PythonSource | None, new_source: PythonSource) -> tuple[set[int], set[int]]:
        """The lines each side's analysis must cover: the changed lines, and on the old side the
        functions the change touched (for their "before" measurements)."""
        new_wanted = self.added | set(_deleted_anchors(self.change).values())
        targets = sorted(new_wanted)
        touched = {unit.qualname for unit in new_source.units if pysource.touches(targets, unit.start, unit.end)}
        old_wanted = set(self.deleted)
        if old_source is not None:
            old_wanted |= {unit.def_line for unit in old_source.units if unit.qualname in touched}
        return old_wanted, new_wanted

    def _analyze(self, source: PythonSource, wanted: set[int]) -> _Side:
        results: dict[str, FileResult] = {}
        slices: dict[Scope, PythonSource] = {}
        for name, analyzer in ANALYZERS.items():
            if not self.config.analyzers.get(name, True):
                continue
            try:
                if analyzer.SCOPE not in slices:
                    slices[analyzer.SCOPE] = _scoped(source, wanted, analyzer.SCOPE)
                results[name] = analyzer.analyze(slices[analyzer.SCOPE])
            except SKIPS as skip:
                self.notes.append(f"{self.path}: {name} skipped: {skip}")
            except (RecursionError, MemoryError):
                self.notes.append(f"{self.path}: {name} skipped: the code is nested too deeply")
            except Exception as error:  # noqa: BLE001 - isolate one analyzer's crash on one file
                self.failures.append(f"{name} failed on {self.path}: {type(error).__name__}: {error}")
        return _Side(source, results)

    # -- findings on lines -----------------------------------------------------------------------

    def _line_findings(self, old: _Side | None, new: _Side) -> list[Finding]:
        new_units_only = self._new_definition_lines(old, new)
        moved = _issue_keys(old) if old else Counter()
        findings: list[Finding] = []
        for name, result in new.results.items():
            for issue in result.issues:
                if not self._touches(issue, self.added):
                    continue
                if issue.rule in rules.NEW_UNITS_ONLY and issue.line not in new_units_only:
                    continue
                if issue.rule in rules.NOT_IN_TESTS and is_test(self.path):
                    continue
                key = (name, issue.rule, new.line_text(issue.line))
                if moved[key] > 0:  # the same issue on the same code existed before: moved, not new
                    moved[key] -= 1
                    continue
                findings.append(self._finding(name, issue, removed=False))
        return findings + self._removed_findings(old, new)

    def _removed_findings(self, old: _Side | None, new: _Side) -> list[Finding]:
        if old is None:
            return []
        remaining = _issue_keys(new)
        removed: list[Finding] = []
        for name, result in old.results.items():
            if name not in rules.CREDIT_REMOVALS:
                continue
            for issue in result.issues:
                key = (name, issue.rule, old.line_text(issue.line))
                if remaining[key] > 0:
                    remaining[key] -= 1
                elif self._touches(issue, self.deleted):
                    removed.append(self._finding(name, issue, removed=True))
        return removed

    @staticmethod
    def _touches(issue: Issue, lines: set[int]) -> bool:
        return any(line in lines for line in range(issue.line, issue.end_line + 1))

    def _finding(self, analyzer: str, issue: Issue, removed: bool) -> Finding:
        return Finding(
            rule=issue.rule, analyzer=analyzer, path=self.path, line=issue.line, end_line=issue.end_line,
            severity=issue.severity, message=issue.message, confidence=issue.confidence, cwe=issue.cwe,
            removed=removed,
        )

    @staticmethod
    def _new_definition_lines(old: _Side | None, new: _Side) -> set[int]:
        """Lines of the ``def``/``class`` names that did not exist before the change."""
        before = _definitions(old.source.tree) if old else {}
        return {line for name, line in _definitions(new.source.tree).items() if name not in before}

    # -- units -----------------------------------------------------------------------------------

    def _units(self, old: _Side | None, new: _Side) -> list[UnitChange]:
        old_units = {unit.qualname: unit for unit in old.source.units} if old else {}
        touched_new: dict[str, list[int]] = {}  # qualname -> [added, deleted]
        deleted_functions: dict[str, list[int]] = {}
        module_lines: dict[int, list[int]] = {}  # top-level statement index -> [added, deleted]
        new_by_name = {unit.qualname: unit for unit in new.source.units}
        for line in self.added:
            unit = pysource.innermost_unit(new.source.units, line)
            if unit is not None:
                touched_new.setdefault(unit.qualname, [0, 0])[0] += 1
            elif _in_statement(new.source, line):  # blank and comment lines between statements are not code
                module_lines.setdefault(_statement_index(new.source, line), [0, 0])[0] += 1
        anchors = _deleted_anchors(self.change)
        for line in self.deleted:
            old_unit = pysource.innermost_unit(old.source.units, line) if old else None
            if old_unit is not None and old_unit.qualname in new_by_name:
                touched_new.setdefault(old_unit.qualname, [0, 0])[1] += 1
            elif old_unit is not None:
                deleted_functions.setdefault(old_unit.qualname, [0, 0])[1] += 1
            elif old is None or _in_statement(old.source, line):
                anchor = anchors.get(line, 1)
                new_unit = pysource.innermost_unit(new.source.units, anchor)
                if new_unit is not None:
                    touched_new.setdefault(new_unit.qualname, [0, 0])[1] += 1
                else:
                    module_lines.setdefault(_statement_index(new.source, anchor), [0, 0])[1] += 1
        units = [self._function_unit(new_by_name[name], counts, old, new, old_units) for name, counts in touched_new.items()]
        units += [self._deleted_unit(old_units[name], counts, old) for name, counts in deleted_functions.items() if old]
        units += self._module_blocks(new.source, module_lines)
        return units

    def _function_unit(
        self, unit: pysource.Unit, counts: list[int], old: _Side | None, new: _Side, old_units: Mapping[str, pysource.Unit]
    ) -> UnitChange:
        previous = old_units.get(unit.qualname)
        before = old.unit_metrics(previous.def_line) if old and previous else {}
        return UnitChange(
            self.path, unit.qualname, "function", unit.start, unit.end, "new", counts[0], counts[1],
            previous is None, is_test(self.path), before, new.unit_metrics(unit.def_line),
        )

    def _deleted_unit(self, unit: pysource.Unit, counts: list[int], old: _Side) -> UnitChange:
        return UnitChange(
            self.path, unit.qualname, "function", unit.start, unit.end, "old", 0, counts[1],
            False, is_test(self.path), old.unit_metrics(unit.def_line), {},
        )

    def _module_blocks(self, source: PythonSource, touched: Mapping[int, list[int]]) -> list[UnitChange]:
        """One block per touched class body, and one per run of other touched top-level statements."""
        blocks: list[UnitChange] = []
        run: list[int] = []
        for index in sorted(touched):
            class_name = source.top_level_classes[index] if index >= 0 else None
            if run and (index != run[-1] + 1 or class_name is not None):
                blocks.append(self._module_block(source, run, touched))
                run = []
            run.append(index)
            if class_name is not None:
                blocks.append(self._module_block(source, run, touched))
                run = []
        if run:
            blocks.append(self._module_block(source, run, touched))
        return blocks

    def _module_block(self, source: PythonSource, run: list[int], touched: Mapping[int, list[int]]) -> UnitChange:
        spans = source.top_level
        start = spans[run[0]][0] if spans and run[0] >= 0 else 1
        end = spans[run[-1]][1] if spans and run[-1] >= 0 else max(1, source.line_count)
        added = sum(touched[index][0] for index in run)
        deleted = sum(touched[index][1] for index in run)
        class_name = source.top_level_classes[run[0]] if len(run) == 1 and run[0] >= 0 else None
        name, kind = (class_name, "class") if class_name else ("<module>", "module")
        return UnitChange(self.path, name, kind, start, end, "new", added, deleted, False, is_test(self.path), {}, {})

    # -- findings about whole functions ----------------------------------------------------------

    def _unit_findings(self, units: list[UnitChange]) -> list[Finding]:
        findings: list[Finding] = []
        for unit in units:
            if unit.side != "new" or unit.kind != "function":
                continue
            findings += self._over_limit(unit, CYCLOMATIC_COMPLEXITY, rules.COMPLEXITY_LIMIT, "DR-C001", "complexity")
            findings += self._over_limit(unit, FUNCTION_LENGTH, rules.LENGTH_LIMIT, "DR-R001", "readability")
            findings += self._over_limit(unit, NESTING_DEPTH, rules.NESTING_LIMIT, "DR-R002", "readability")
            findings += self._over_limit(unit, PARAMETER_COUNT, rules.PARAMETER_LIMIT, "DR-R003", "readability")
        return findings

    def _over_limit(self, unit: UnitChange, metric: str, limit: int, rule: str, analyzer: str) -> list[Finding]:
        after = unit.after.get(metric)
        before = unit.before.get(metric)
        if after is None or after <= limit or (before is not None and after <= before):
            return []
        severity = Severity.MEDIUM
        if metric == CYCLOMATIC_COMPLEXITY:
            severity = Severity.HIGH if after > rules.COMPLEXITY_HIGH else Severity.MEDIUM
        elif analyzer == "readability":
            severity = Severity.LOW
        return [Finding(rule, analyzer, self.path, unit.line, unit.end_line, severity, _limit_message(unit, metric, limit))]


_METRIC_WORDS = {
    CYCLOMATIC_COMPLEXITY: ("cyclomatic complexity", ""),
    FUNCTION_LENGTH: ("length", " lines"),
    NESTING_DEPTH: ("nesting depth", " levels"),
    PARAMETER_COUNT: ("parameters", ""),
}


def _limit_message(unit: UnitChange, metric: str, limit: int) -> str:
    words, unit_word = _METRIC_WORDS[metric]
    after = int(unit.after[metric])
    before = unit.before.get(metric)
    change = f"{int(before)} -> {after}" if before is not None else f"{after} (new)"
    return f"`{unit.name}` {words} {change}{unit_word}; over the limit of {limit}"


def _scoped(source: PythonSource, wanted: set[int], scope: Scope) -> PythonSource:
    """What an analyzer of ``scope`` needs to see of ``source`` to answer for ``wanted`` lines."""
    if scope is Scope.FILE:
        return source
    return pysource.slice_source(source, wanted, keep_imports=scope is Scope.STATEMENTS_AND_IMPORTS)


def _issue_keys(side: _Side) -> Counter[tuple[str, str, str]]:
    """Issues by (analyzer, rule, code on the line): the same key on both sides is the same issue."""
    return Counter(
        (name, issue.rule, side.line_text(issue.line)) for name, result in side.results.items() for issue in result.issues
    )


def _finding_key(finding: Finding) -> tuple[str, int, int, str, str, bool]:
    return (finding.path, finding.line, finding.end_line, finding.rule, finding.message, finding.removed)


def _same_tree(old: PythonSource, new: PythonSource, deleted: set[int], added: set[int]) -> bool:
    """True when only formatting and comments changed: every statement holding a changed line has
    the same syntax tree (``ast.dump`` omits positions) as its counterpart.

    Statements without changed lines are the same text on both sides, so they are not compared;
    with equal statement counts, counterparts are the statements at one index.  Classes and
    functions are compared header first, then statement by statement, so a one-line change in a
    big class does not dump the whole class.
    """
    return _same_statements(old.tree.body, new.tree.body, sorted(deleted), sorted(added))


def _same_statements(before: list[ast.stmt], after: list[ast.stmt], deleted: list[int], added: list[int]) -> bool:
    if len(before) != len(after):
        return False
    for old_node, new_node in zip(before, after):
        if not (_statement_touches(deleted, old_node) or _statement_touches(added, new_node)):
            continue
        if isinstance(old_node, _DEFINITIONS) and type(old_node) is type(new_node):
            assert isinstance(new_node, _DEFINITIONS)
            if _header(old_node) != _header(new_node):
                return False
            if not _same_statements(old_node.body, new_node.body, deleted, added):
                return False
        elif ast.dump(old_node) != ast.dump(new_node):
            return False
    return True


_DEFINITIONS = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def _header(node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """Everything of a definition but its body (name, arguments, bases, decorators) as text."""
    return [_dump(value) for name, value in ast.iter_fields(node) if name != "body"]


def _dump(value: object) -> str:
    if isinstance(value, ast.AST):
        return ast.dump(value)
    if isinstance(value, list):
        return "[" + ",".join(_dump(item) for item in value) + "]"
    return repr(value)


def _statement_touches(lines: list[int], node: ast.stmt) -> bool:
    first = min([node.lineno, *(decorator.lineno for decorator in getattr(node, "decorator_list", []))])
    return pysource.touches(lines, first, node.end_lineno or node.lineno)


def _definitions(tree: ast.Module) -> dict[str, int]:
    """Qualified names of functions and classes, with the line of each ``def``/``class``."""
    found: dict[str, int] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                found.setdefault(name, child.lineno)
                visit(child, f"{name}.")
            else:
                visit(child, prefix)

    visit(tree, "")
    return found


def _in_statement(source: PythonSource, line: int) -> bool:
    return any(start <= line <= end for start, end in source.top_level)


def _statement_index(source: PythonSource, line: int) -> int:
    """The top-level statement holding ``line``; for lines between statements, the next one."""
    spans = source.top_level
    for index, (_, end) in enumerate(spans):
        if line <= end:
            return index
    return len(spans) - 1  # -1 for a module without statements: the block is the whole file


def _deleted_anchors(change: FileChange) -> dict[int, int]:
    """For each deleted line, the new-side line where it used to stand (the next kept line)."""
    anchors: dict[int, int] = {}
    for hunk in change.hunks:
        # "+4,0" means the deleted lines stood after new line 4.
        next_new = hunk.new_start if hunk.new_count else hunk.new_start + 1
        for line in hunk.lines:
            if line.new_lineno is not None:
                next_new = line.new_lineno + 1
            elif line.old_lineno is not None:
                anchors[line.old_lineno] = next_new
    return anchors
