"""One side of a file rebuilt from a patch's own lines, for patches whose blobs are unknown.

The lines a hunk shows stay at their line numbers and every other line is blank, so findings
keep true line numbers.  A hunk that starts inside an indented block does not parse on its own;
dedenting each hunk is the second try.
"""

from __future__ import annotations

import textwrap

from diffrisk.model import FileChange, LineKind
from diffrisk.pyfile import source


def side_text(change: FileChange, side: LineKind) -> str | None:
    """The parsable text of one side (``LineKind.DELETED`` old, ``LineKind.ADDED`` new), or None."""
    for dedent in (False, True):
        text = _fragment(change, side, dedent)
        try:
            source.parse(change.path, text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        return text
    return None


def _fragment(change: FileChange, side: LineKind, dedent: bool) -> str:
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
            dedented = textwrap.dedent("\n".join(numbered[number] for number in block)).split("\n")
            numbered.update(zip(block, dedented))
    last = max(numbered, default=0)
    return "\n".join(numbered.get(lineno, "") for lineno in range(1, last + 1)) + "\n"
