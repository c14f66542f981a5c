"""From a diff and its file contents to one analysis per changed file: which files are analysed,
how (both versions, or only the diff's own lines when no contents exist), and in how many
processes.

Each file is analysed in isolation: a crash on one file is recorded as that file's failure and
the others go on.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

from diffrisk.change import analyzed_version, file_analysis, fragments, notebooks, parallel
from diffrisk.change.file_analysis import ChangedFile
from diffrisk.config import Config
from diffrisk.diffsource.contents import FileContents
from diffrisk.model import ChangeKind, Diff, FileAnalysis, FileChange, LineKind
from diffrisk.paths import Patterns, is_python
from diffrisk.pyfile.source import UndecodableSource, decode, line_count
from diffrisk.regex import Regex

_SYMLINK, _SUBMODULE = "120000", "160000"
_NOT_PYTHON = "not Python"
#: Without the file's contents, hunks further into a file than this are not analysed.
MAX_FRAGMENT_LINE = 200_000
#: A diff is analysed in several processes (``jobs``) when at least this many changed lines of
#: at least two analysable files need it: below that, starting the workers costs more than it saves.
PARALLEL_MIN_LINES = 200
#: Up to this many analysable files, a big diff is first tried in this process with kept results
#: only: starting the workers and bringing their results back costs about what they save on the
#: work a warm check still does (parsing both sides, pairing functions).  Measured on
#: bench_check's cuts, warm: 1-3% faster here on 5 files, 1-13% faster in workers on 20.
KEPT_FIRST_MAX_FILES = 10
#: The first line of every git LFS pointer file (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md);
#: a pointer is smaller than 1,024 bytes.
_LFS_POINTER = b"version https://git-lfs.github.com/spec/v1\n"


def files_needing_contents(diff: Diff, config: Config) -> frozenset[int]:
    """Indexes of the files whose contents the analysis reads (changed, analysable Python, excluded
    Python included: its security findings still count)."""
    excluded = Patterns(config.exclude)
    return frozenset(
        index for index, change in enumerate(diff.files)
        if change.hunks and (_skip_reason(change, excluded) is None or _excluded_python(change, excluded))
    )


def _excluded_python(change: FileChange, excluded: Patterns) -> bool:
    return change.new_path is not None and is_python(change.new_path) and _excluded_by(change, excluded) is not None


#: What an excluded file keeps: the security findings no exclusion excuses (vendored code runs
#: like any other), and code Python runs that differs from what the diff shows.
_KEPT_WHEN_EXCLUDED = frozenset({"security", "weaknesses"})


#: One file of the diff, with its contents (None: only the diff's own lines are known).
_Work = tuple[FileChange, FileContents | None]


def analyze(
    diff: Diff, contents: Mapping[int, FileContents] | None, config: Config, jobs: int = 1
) -> tuple[FileAnalysis, ...]:
    """Analyse every file of ``diff``; ``contents`` None means only the diff's own lines exist.
    Big diffs are split over ``jobs`` forked processes, file by file."""
    work: list[_Work] = [(change, None if contents is None else contents.get(index)) for index, change in enumerate(diff.files)]
    heavy = [index for index, (_, found) in enumerate(work) if found is not None and found.new is not None]
    lines = sum(len(work[index][0].added_lines) + len(work[index][0].deleted_lines) for index in heavy)
    state = (config, Patterns(config.exclude), work)
    if jobs <= 1 or len(heavy) < 2 or lines < PARALLEL_MIN_LINES or not parallel.CAN_FORK:
        return tuple(_isolated(state, index) for index in range(len(work)))
    if len(heavy) <= KEPT_FIRST_MAX_FILES:
        # A check run again on the same diff (a warm cache) runs no analyzer: tried here first,
        # it needs neither workers nor bandit's import.  What it parsed before finding a result
        # missing stays in memory, where the forked workers find it.
        try:
            with analyzed_version.only_kept():
                return tuple(_isolated(state, index) for index in range(len(work)))
        except analyzed_version.NotKept:
            pass
    # bandit is imported by each worker that has code to scan, not here before the fork: a warm
    # check then needs it nowhere, and a cold one imports it in both workers at once.
    # Biggest files first, so the workers finish together; the results come back in diff order.
    # Workers are handed indexes: the files' contents reach them with the fork, not a copy each.
    order = sorted(range(len(work)), key=lambda index: -_weight(work[index]))
    by_index = dict(zip(order, parallel.imap(_isolated, state, order, jobs)))
    return tuple(by_index[index] for index in range(len(work)))


def _weight(item: _Work) -> int:
    _, found = item
    if found is None:
        return 0
    return len(found.new or b"") + len(found.old or b"")


def _isolated(state: tuple[Config, Patterns, list[_Work]], index: int) -> FileAnalysis:
    config, excluded, work = state
    change, contents = work[index]
    try:
        return _analyze_file(change, contents, config, excluded)
    except (RecursionError, MemoryError):
        note = f"{change.path}: too deeply nested to analyse"
        return FileAnalysis(file_analysis.summary(change, "too deeply nested to analyse"), notes=(note,))
    except Exception as error:  # noqa: BLE001 - one file's crash must not lose the others' results
        failure = f"analysis failed on {change.path}: {type(error).__name__}: {error}"
        return FileAnalysis(file_analysis.summary(change, "analysis failed"), failures=(failure,))


def _skip_reason(change: FileChange, excluded: Patterns) -> str | None:
    """Why the file is not read as Python, or None (Python, a notebook, a .pth file, or a file
    whose contents must tell: an executable that may be a Python script)."""
    pattern = _excluded_by(change, excluded)
    if pattern is not None:
        return f"excluded by pattern {pattern!r}"
    if _SUBMODULE in (change.old_mode, change.new_mode):
        return "submodule"
    runs = is_python(change.path) or notebooks.is_notebook(change.path) or change.path.endswith(".pth")
    if _SYMLINK in (change.old_mode, change.new_mode) and not (runs and change.new_mode == _SYMLINK):
        return "symbolic link"
    if change.is_binary:
        return "binary file"
    if runs or _may_be_script(change):
        return None
    return _NOT_PYTHON


def _excluded_by(change: FileChange, excluded: Patterns) -> str | None:
    """The pattern that excludes the file, only when the file existed before and both its paths
    are excluded: a file the change adds to, or moves into, an excluded path is analysed."""
    if change.kind in (ChangeKind.ADDED, ChangeKind.COPIED):
        return None
    old = excluded.first_match(change.old_path) if change.old_path is not None else None
    new = excluded.first_match(change.new_path) if change.new_path is not None else None
    if change.old_path is not None and change.new_path is not None and (old is None or new is None):
        return None
    return new or old


def _may_be_script(change: FileChange) -> bool:
    """An executable without a Python name, which a ``#!...python`` line makes a Python script."""
    name = (change.new_path or "").rsplit("/", 1)[-1]
    return change.new_mode == "100755" and "." not in name.lstrip(".")


#: Compiled Python that an import runs instead of, or without, any source: bytecode and extension
#: modules (importlib.machinery's suffixes).
_COMPILED = Regex(r"\.(pyc|pyo|pyd|so)$")


def _analyze_file(change: FileChange, contents: FileContents | None, config: Config, excluded: Patterns) -> FileAnalysis:
    skipped = _skip_reason(change, excluded)
    if _COMPILED.search(change.path) and change.new_path is not None and not (skipped or "").startswith("excluded"):
        # A committed .pyc runs in place of its .py (an unchecked-hash .pyc is never compared
        # with the source), and an extension module runs native code: neither can be read here.
        return _unread(change, config, "compiled Python: an import runs it, and diffrisk cannot read it")
    if skipped == "binary file" and is_python(change.path):
        # git diffs are re-made as text for Python (diffsource.request); only a patch can still hide code so.
        message = "shown as binary in the patch, so the change cannot be read; Python source should be text"
        return file_analysis.whole_file_finding(file_analysis.changed_file(change, config), "DR-E001", 1, message, 1)
    if contents is not None and contents.new is not None and _excluded_python(change, excluded):
        return _excluded(change, contents, config, skipped or "")
    if skipped is not None or not (change.hunks or change.new_mode == _SYMLINK):
        return FileAnalysis(file_analysis.summary(change, None if skipped == _NOT_PYTHON else skipped))
    if change.path.endswith(".pth") and change.new_path is not None:
        return _unread(change, config, "a .pth file: Python runs its import lines at every interpreter start")
    if contents is None:
        if _may_be_script(change) or notebooks.is_notebook(change.path) or change.new_mode == _SYMLINK:
            return _unread(change, config, "only a fragment of it is available, and Python would run it whole")
        return _analyze_fragments(change, config)
    if notebooks.is_notebook(change.path):
        return _analyze_notebook(change, contents, config)
    if _may_be_script(change) and not _is_python_script(contents.new):
        return FileAnalysis(file_analysis.summary(change, None))
    return _analyze_contents(change, contents, config)


#: A shebang that starts Python: an interpreter (python, pypy) or a runner that starts one
#: (``uv run --script``, ``pipx run``).
_PYTHON_SHEBANG = Regex(rb"python|pypy|\buv\b|\bpipx\b")
#: A shell shebang followed by a line that re-executes the file with Python (a polyglot):
#: ``"exec" "python3" "$0" "$@"``.
_REEXEC_PYTHON = Regex(rb"^[\"']?exec[\"']?\s+[\"']?\S*(python|pypy)")


def _is_python_script(data: bytes | None) -> bool:
    """A ``#!`` script that Python runs: its shebang starts Python, or a shell shebang is followed
    by a line that re-executes it with Python and the whole file parses as Python."""
    head = (data or b"")[:1000].split(b"\n")[:5]
    if not head or not head[0].startswith(b"#!"):
        return False
    if _PYTHON_SHEBANG.search(head[0]):
        return True
    if not any(_REEXEC_PYTHON.search(line.strip()) for line in head[1:]):
        return False
    try:
        ast.parse(data or b"")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _excluded(change: FileChange, contents: FileContents, config: Config, why: str) -> FileAnalysis:
    """An excluded file the change edits: left out of the score, but not of the security floors
    (an exclusion says "do not review this line by line", not "let anything through")."""
    analysis = _analyze_contents(change, contents, config)
    kept = tuple(
        finding for finding in analysis.findings if finding.analyzer in _KEPT_WHEN_EXCLUDED or finding.rule in ("DR-E003", "DR-E004")
    )
    return FileAnalysis(file_analysis.summary(change, why), findings=kept, failures=analysis.failures, notes=analysis.notes)


def _unread(change: FileChange, config: Config, why: str, lines: int = 1) -> FileAnalysis:
    """Python that runs but that diffrisk did not read: a finding that sets a floor of L2."""
    file = file_analysis.changed_file(change, config)
    return file_analysis.whole_file_finding(file, "DR-E004", 1, f"not analysed: {why}", lines, skipped=why)


def _analyze_notebook(change: FileChange, contents: FileContents, config: Config) -> FileAnalysis:
    if change.new_path is not None and contents.new is None:
        return _unread(change, config, contents.unread or "contents missing from the repository")
    try:
        return notebooks.analyze(change, contents.old, contents.new, config)
    except notebooks.NotANotebook as error:
        return _unread(change, config, f"a notebook diffrisk cannot read ({error})")


def _analyze_contents(change: FileChange, contents: FileContents, config: Config) -> FileAnalysis:
    old_text = _old_text(change, contents)
    if _is_lfs_pointer(contents.new):
        return _unread(change, config, "a git LFS pointer: the code is stored outside git")
    if contents.new is None:
        if change.kind is ChangeKind.DELETED:
            return file_analysis.analyze(file_analysis.changed_file(change, config, old_id=contents.old_id), old_text, None, None)
        return _unread(change, config, contents.unread or "contents missing from the repository")
    try:
        new_text = decode(contents.new)
    except UndecodableSource as error:
        lines = contents.new.count(b"\n") + 1
        file = file_analysis.changed_file(change, config)
        return file_analysis.whole_file_finding(file, "DR-E001", 1, f"does not decode: {error}", lines)
    shown = _shown_differently(contents.new, new_text)
    if shown is not None:
        file = file_analysis.changed_file(change, config)
        return file_analysis.whole_file_finding(file, "DR-E003", shown, "Python runs other code than the diff shows: "
                                                "its declared encoding decodes it differently from UTF-8", line_count(new_text))
    if change.kind is ChangeKind.COPIED or contents.link_to is not None:
        # A copy is new code wherever it came from, and so is what a new link makes importable.
        every_line = frozenset(range(1, line_count(new_text) + 1))
        file = ChangedFile(change, config, every_line, frozenset(), new_id=contents.new_id)
        old_text = None
    else:
        file = file_analysis.changed_file(change, config, contents.old_id, contents.new_id)
    return file_analysis.analyze(file, old_text, new_text, contents.generated)


_NON_ASCII = Regex(r"[^\x00-\x7f]+")


def _shown_differently(data: bytes, text: str) -> int | None:
    """The first line where the code Python decodes differs from what a viewer shows as UTF-8,
    not counting which non-ASCII characters stand where (a latin-1 string is the same program).
    None when they are the same program."""
    shown = data.decode("utf-8", "replace").removeprefix("\ufeff")
    if shown == text:
        return None
    for number, (seen, run) in enumerate(zip(shown.split("\n"), text.split("\n")), start=1):
        if _NON_ASCII.sub("?", seen) != _NON_ASCII.sub("?", run):
            return number
    return None if shown.count("\n") == text.count("\n") else min(shown.count("\n"), text.count("\n")) + 1


def _old_text(change: FileChange, contents: FileContents) -> str | None:
    """The old version's text, unless there is none to compare with: a copy is all new, a pointer
    or undecodable bytes are not this change's doing (everything counts as new)."""
    if contents.old is None or change.kind is ChangeKind.COPIED or _is_lfs_pointer(contents.old):
        return None
    try:
        return decode(contents.old)
    except UndecodableSource:
        return None


def _is_lfs_pointer(data: bytes | None) -> bool:
    return data is not None and len(data) < 1024 and data.startswith(_LFS_POINTER)


def _analyze_fragments(change: FileChange, config: Config) -> FileAnalysis:
    """Without file contents, analyse the hunks' own lines placed at their line numbers."""
    last = max((hunk.new_start + hunk.new_count for hunk in change.hunks), default=0)
    if last > MAX_FRAGMENT_LINE:
        # Placing the lines means padding the text to that line: bounded, as a hostile patch's
        # "@@ -1 +9999999 @@" must not cost minutes.
        note = f"{change.path}: only a fragment is available, and it reaches beyond line {MAX_FRAGMENT_LINE:,}"
        return FileAnalysis(file_analysis.summary(change, "fragment too far into the file to analyse alone"), notes=(note,))
    old_text = None if change.kind is ChangeKind.ADDED else fragments.side_text(change, LineKind.DELETED)
    new_text = None if change.kind is ChangeKind.DELETED else fragments.side_text(change, LineKind.ADDED)
    if change.kind is not ChangeKind.DELETED and new_text is None:
        note = f"{change.path}: only a fragment of this file is available and it does not parse alone"
        return FileAnalysis(file_analysis.summary(change, "fragment does not parse on its own"), notes=(note,))
    return file_analysis.analyze(file_analysis.changed_file(change, config), old_text, new_text, None)

