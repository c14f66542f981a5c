"""From a diff and its file contents to one analysis per changed file: which files are analysed,
how (both versions, or only the diff's own lines when no contents exist), and in how many
processes.

Each file is analysed in isolation: a crash on one file is recorded as that file's failure and
the others go on.
"""

from __future__ import annotations

from collections.abc import Mapping

from diffrisk.analyzers import security
from diffrisk.change import file_analysis, fragments, parallel
from diffrisk.change.file_analysis import ChangedFile
from diffrisk.config import Config
from diffrisk.diffsource.contents import FileContents
from diffrisk.model import ChangeKind, Diff, FileAnalysis, FileChange, LineKind
from diffrisk.paths import Patterns, is_python
from diffrisk.pyfile.source import UndecodableSource, decode, line_count

_SYMLINK, _SUBMODULE = "120000", "160000"
_NOT_PYTHON = "not Python"
#: Without the file's contents, hunks further into a file than this are not analysed.
MAX_FRAGMENT_LINE = 200_000
#: A diff is analysed in several processes (``jobs``) when at least this many changed lines of
#: at least two analysable files need it: below that, starting the workers costs more than it saves.
PARALLEL_MIN_LINES = 200
#: The first line of every git LFS pointer file (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md);
#: a pointer is smaller than 1,024 bytes.
_LFS_POINTER = b"version https://git-lfs.github.com/spec/v1\n"


def files_needing_contents(diff: Diff, config: Config) -> frozenset[int]:
    """Indexes of the files whose contents the analysis reads (changed, analysable Python)."""
    excluded = Patterns(config.exclude)
    return frozenset(
        index for index, change in enumerate(diff.files) if _skip_reason(change, excluded) is None and change.hunks
    )


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
    if config.analyzers.get("security", True):
        security.prepare()  # import bandit and load its plugins once, before the fork shares them
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
    pattern = excluded.first_match(change.path)
    if pattern is None and change.old_path is not None and change.old_path != change.path:
        pattern = excluded.first_match(change.old_path)
    if pattern is not None:
        return f"excluded by pattern {pattern!r}"
    if _SUBMODULE in (change.old_mode, change.new_mode):
        return "submodule"
    if _SYMLINK in (change.old_mode, change.new_mode):
        return "symbolic link"
    if change.is_binary:
        return "binary file"
    if not is_python(change.path):
        return _NOT_PYTHON
    return None


def _analyze_file(change: FileChange, contents: FileContents | None, config: Config, excluded: Patterns) -> FileAnalysis:
    skipped = _skip_reason(change, excluded)
    if skipped == "binary file" and is_python(change.path):
        # git diffs are re-made as text for Python (diffsource.request); only a patch can still hide code so.
        message = "shown as binary in the patch, so the change cannot be read; Python source should be text"
        return file_analysis.whole_file_finding(file_analysis.changed_file(change, config), "DR-E001", 1, message, 1)
    if skipped is not None or not change.hunks:
        return FileAnalysis(file_analysis.summary(change, None if skipped == _NOT_PYTHON else skipped))
    if contents is None:
        return _analyze_fragments(change, config)
    return _analyze_contents(change, contents, config)


def _analyze_contents(change: FileChange, contents: FileContents, config: Config) -> FileAnalysis:
    old_text = _old_text(change, contents)
    if _is_lfs_pointer(contents.new):
        return FileAnalysis(file_analysis.summary(change, "git LFS pointer: the contents are stored outside git"))
    if contents.new is None:
        if change.kind is ChangeKind.DELETED:
            return file_analysis.analyze(file_analysis.changed_file(change, config, old_id=contents.old_id), old_text, None, None)
        return FileAnalysis(file_analysis.summary(change, contents.unread or "contents missing from the repository"))
    try:
        new_text = decode(contents.new)
    except UndecodableSource as error:
        lines = contents.new.count(b"\n") + 1
        file = file_analysis.changed_file(change, config)
        return file_analysis.whole_file_finding(file, "DR-E001", 1, f"does not decode: {error}", lines)
    if change.kind is ChangeKind.COPIED:
        # A copy is new code wherever it came from: review it as an added file.
        every_line = frozenset(range(1, line_count(new_text) + 1))
        file = ChangedFile(change, config, every_line, frozenset(), new_id=contents.new_id)
    else:
        file = file_analysis.changed_file(change, config, contents.old_id, contents.new_id)
    return file_analysis.analyze(file, old_text, new_text, contents.generated)


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

