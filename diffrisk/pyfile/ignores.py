"""``# diffrisk: ignore[RULE, ...] -- reason`` comments: where a file version has them.

What they silence, and which of them are themselves findings, is decided for the whole change
(change.silencing).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Set

from diffrisk.model import Ignore
from diffrisk.pyfile.comments import MAX_LINE, comment_of, string_lines
from diffrisk.regex import Regex

#: Bounded, so a line of repeated "# diffrisk: ignore[" cannot make the search quadratic.  The
#: "#" starts the comment or follows a space (after code or another comment), so text that
#: quotes the syntax, as in ``# diffrisk: ignore[...]``, is not an ignore.
_IGNORE = Regex(r"(?<![^ \t])#[ \t]*diffrisk:[ \t]*ignore\[(?P<rules>[^\]\n]{0,200})\](?P<rest>[^\n]{0,1000})", re.I)


def find(path: str, lines: Iterable[tuple[int, str]], added: Set[int], tree: ast.Module | None = None) -> tuple[Ignore, ...]:
    """The ignore comments among ``(line number, text)`` pairs.  With the file's syntax ``tree``
    (Python), only real comments count: not the same text inside a string."""
    found = []
    candidates = [(number, text) for number, text in lines if "diffrisk" in text and len(text) <= MAX_LINE]
    # Walking the tree for its strings is paid only by files that mention diffrisk at all.
    in_strings = string_lines(tree) if tree is not None and candidates else set()
    for number, text in candidates:
        if number in in_strings:
            continue
        comment = comment_of(text) if tree is not None else text
        match = _IGNORE.search(comment) if comment else None
        if match is None:
            continue
        named = tuple(rule.strip().upper() for rule in match.group("rules").split(",") if rule.strip())
        rest = match.group("rest").strip()
        reason = rest[2:].strip() if rest.startswith("--") else ""
        found.append(Ignore(path, number, named, reason, number in added))
    return tuple(found)
