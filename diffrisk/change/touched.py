"""Which functions, classes and module-level blocks a change touched, on both sides.

Functions are matched across the change by their unique key (the qualified name, numbered when a
name is defined twice), and a function that was renamed or moved into a class is paired with its
old self by the similarity of its body, so a rename is an edit and not a new function.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping, Set

from diffrisk.model import FileChange
from diffrisk.pyfile.source import PythonSource, Unit, touches
from diffrisk.records import record

#: How alike two function bodies must be (difflib's ratio over their lines) to be one function
#: that was renamed or moved.  Half the lines the same is more than chance in real code.
RENAME_SIMILARITY = 0.5


@record(frozen=False)
class Touch:
    """Changed lines counted against one unit or block."""

    added: int = 0
    deleted: int = 0


@record
class Touched:
    """What the change touched in one file."""

    #: Functions on the new side, by key, with the old function each continues (None when new).
    functions: Mapping[str, tuple[Unit, Unit | None, Touch]]
    #: Functions the change deleted (no new function continues them), by old key.
    deleted: Mapping[str, tuple[Unit, Touch]]
    #: Module-level blocks: (first line, last line, class name or None) on the new side.
    blocks: Mapping[tuple[int, int, str | None], Touch]


def pair_functions(old: PythonSource | None, new: PythonSource, added: Set[int], deleted: Set[int]) -> dict[str, str]:
    """Map old function keys to the new keys that continue them.

    Functions the change did not touch keep their key.  The touched ones (and every function whose
    name is defined more than once, whose numbered keys shift when one is added) are paired by the
    similarity of their bodies, most alike first, a same-key pair winning ties; so a function that
    was renamed or moved continues its old self, and a new function that took an old name is new.
    A touched function that finds no alike partner keeps its same-key pair if it has one.
    """
    if old is None:
        return {}
    repeated = _repeated_names(old) | _repeated_names(new)
    old_lines, new_lines = sorted(deleted), sorted(added)
    gone = [unit for unit in old.units if unit.qualname in repeated or touches(old_lines, unit.start, unit.end)]
    arrived = [unit for unit in new.units if unit.qualname in repeated or touches(new_lines, unit.start, unit.end)]
    open_old = {unit.key for unit in gone}
    open_new = {unit.key for unit in arrived}
    new_keys = {unit.key for unit in new.units}
    pairs = {unit.key: unit.key for unit in old.units if unit.key in new_keys and unit.key not in open_old and unit.key not in open_new}
    pairs.update(_by_similarity(old, gone, new, arrived, taken=set(pairs.values())))
    old_keys = {unit.key for unit in old.units}
    # Dissimilar, or touched on one side only (lines added to it, a decorator put on it), but still
    # the function of that name.
    for key in sorted((open_old | open_new) & new_keys & old_keys):
        if key not in pairs and key not in pairs.values():
            pairs[key] = key
    return pairs


def _repeated_names(source: PythonSource) -> set[str]:
    """Names defined more than once in one scope (their numbered keys shift when one is added)."""
    return {unit.qualname for unit in source.units if unit.key != unit.qualname}


#: Above this many candidates on a side, only same-key pairs are considered (pairing is quadratic).
MAX_CANDIDATES = 80


def _by_similarity(old: PythonSource, gone: list[Unit], new: PythonSource, arrived: list[Unit], taken: set[str]) -> dict[str, str]:
    """Pair functions that left with functions that arrived, most alike first."""
    if len(gone) > MAX_CANDIDATES or len(arrived) > MAX_CANDIDATES:
        arrived_keys = {unit.key for unit in arrived}
        return {unit.key: unit.key for unit in gone if unit.key in arrived_keys}
    old_lines, new_lines = old.lines, new.lines
    # Each body once, not once per pair it is compared in.
    old_bodies = {unit.key: _body(old_lines, unit) for unit in gone}
    new_bodies = {unit.key: _body(new_lines, unit) for unit in arrived}
    scored = sorted(
        (
            (ratio, before_key == after_key, before_key, after_key)
            for after_key, after in new_bodies.items()
            for before_key, ratio in _similarities(old_bodies, after)
        ),
        reverse=True,
    )
    pairs: dict[str, str] = {}
    for ratio, _, old_key, new_key in scored:
        if ratio < RENAME_SIMILARITY:
            break
        if old_key not in pairs and new_key not in taken:
            pairs[old_key] = new_key
            taken.add(new_key)
    return pairs


def _body(lines: list[str], unit: Unit) -> list[str]:
    """The function's lines, stripped (a method moved into a class is re-indented), its name
    taken out of the ``def`` line (a renamed one-liner still compares its signature and body)."""
    name = unit.qualname.rsplit(".", 1)[-1]
    first = lines[unit.def_line - 1].strip().replace(f"def {name}", "def ", 1) if unit.def_line <= len(lines) else ""
    return [first, *(line.strip() for line in lines[unit.def_line: unit.end] if line.strip())]


def _similarities(befores: Mapping[str, list[str]], after: list[str]) -> Iterator[tuple[str, float]]:
    """Each of ``befores`` with difflib's ratio of its lines to ``after``'s, or 0.0 where the ratio
    is surely below RENAME_SIMILARITY.  The ratio is worked out only past two bounds on it, the
    lengths' and the shared lines' (quick_ratio), and one matcher serves every ``before``: it
    indexes ``after`` once, which is most of a ratio's cost on short bodies."""
    matcher: difflib.SequenceMatcher[str] | None = None
    for key, before in befores.items():
        if _length_bound(len(before), len(after)) < RENAME_SIMILARITY:
            yield key, 0.0
            continue
        if matcher is None:
            matcher = difflib.SequenceMatcher(None, (), after, autojunk=False)
        matcher.set_seq1(before)
        yield key, matcher.ratio() if matcher.quick_ratio() >= RENAME_SIMILARITY else 0.0


def _length_bound(before: int, after: int) -> float:
    """difflib's real_quick_ratio, an upper bound on the ratio, from the two lengths alone."""
    return 2.0 * min(before, after) / (before + after) if before + after else 1.0


def touched(
    change: FileChange, old: PythonSource | None, new: PythonSource, added: Set[int], deleted: Set[int], pairs: Mapping[str, str]
) -> Touched:
    """Count each changed line against the innermost function (or block) that holds it."""
    new_by_key = {unit.key: unit for unit in new.units}
    old_by_key = {unit.key: unit for unit in old.units} if old else {}
    continued_from = {new_key: old_by_key[old_key] for old_key, new_key in pairs.items()}
    functions: dict[str, tuple[Unit, Unit | None, Touch]] = {}
    gone: dict[str, tuple[Unit, Touch]] = {}
    blocks: dict[tuple[int, int, str | None], Touch] = {}

    def function(key: str) -> Touch:
        if key not in functions:
            functions[key] = (new_by_key[key], continued_from.get(key), Touch())
        return functions[key][2]

    for line in added:
        unit = new.unit_at(line)
        if unit is not None:
            function(unit.key).added += 1
        elif (block := _block(new, line)) is not None:
            blocks.setdefault(block, Touch()).added += 1
    anchors = deleted_anchors(change)
    for line in deleted:
        old_unit = old.unit_at(line) if old else None
        if old_unit is not None and old_unit.key in pairs:
            function(pairs[old_unit.key]).deleted += 1
        elif old_unit is not None:
            gone.setdefault(old_unit.key, (old_unit, Touch()))[1].deleted += 1
        elif old is None or _in_statement(old, line):
            _count_deleted_module_line(new, anchors.get(line, 1), blocks)
    return Touched(functions, gone, blocks)


def _count_deleted_module_line(new: PythonSource, anchor: int, blocks: dict[tuple[int, int, str | None], Touch]) -> None:
    """A deleted module-level line counts for the block now at its place, or for the spot itself."""
    block = _block(new, anchor)
    if block is None or (block[2] is None and new.unit_at(anchor) is not None):
        block = (anchor, anchor, None)  # it stood right before a function: name the spot, not the function
    blocks.setdefault(block, Touch()).deleted += 1


def _block(source: PythonSource, line: int) -> tuple[int, int, str | None] | None:
    """The top-level statement holding ``line`` as a block, or None between statements."""
    index = source.statement_at(line)
    if index is None or index >= len(source.top_level_classes):
        return None
    start, end = source.top_level[index]
    return start, end, source.top_level_classes[index]


def _in_statement(source: PythonSource, line: int) -> bool:
    return source.statement_at(line) is not None


def merge_blocks(source: PythonSource, blocks: Mapping[tuple[int, int, str | None], Touch]) -> list[tuple[int, int, str | None, Touch]]:
    """Merge touched module-level statements that follow each other (a run of imports or
    constants) into one block; classes, and spots where lines were deleted, stay apart."""
    index_of = {span: index for index, span in enumerate(source.top_level)}
    merged: list[tuple[int, int, str | None, Touch]] = []
    previous_index = -2
    for (start, end, class_name), touch in sorted(blocks.items(), key=lambda item: (item[0][0], item[0][1])):
        index = index_of.get((start, end), -2) if class_name is None else -2
        if merged and index >= 0 and index == previous_index + 1:
            first, _, _, total = merged[-1]
            merged[-1] = (first, end, None, Touch(total.added + touch.added, total.deleted + touch.deleted))
        else:
            merged.append((start, end, class_name, Touch(touch.added, touch.deleted)))
        previous_index = index
    return merged


def deleted_anchors(change: FileChange) -> dict[int, int]:
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
