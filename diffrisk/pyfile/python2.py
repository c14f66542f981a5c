"""Python 2 syntax named: what Python 3 stopped at, when it is a Python 2 construct.

A file that does not parse is a finding (DR-E001); when the reason is Python 2 code (a vendored
module, an old fixture), saying so tells the reviewer what they are looking at.
"""

from __future__ import annotations

from diffrisk.regex import Regex

#: Python 3's own messages for Python 2 syntax, and what that syntax is called.
_PYTHON2_MESSAGES = (
    ("Missing parentheses in call to 'print'", "print statement"),
    ("Missing parentheses in call to 'exec'", "exec statement"),
    ("multiple exception types must be parenthesized", "'except Type, name'"),
    ("leading zeros in decimal integer literals", "octal literal without 0o"),
)
#: Python 2 syntax Python 3 only calls invalid, told apart on the offending line.  Each pattern
#: is linear (no nested repetition), so a hostile long line costs only its length.
_PYTHON2_LINES = (
    (Regex(r"`"), "backquote repr"),
    (Regex(r"<>"), "'<>' operator"),
    (Regex(r"(?<![\w.])[uU][rR][\"']"), "ur'' string"),
    (Regex(r"(?<![\w.])(?:0[xX][0-9a-fA-F]+|[0-9]+)[lL]\b"), "long integer literal"),
    (Regex(r"^\s*raise\s+[\w.]+\s*,"), "'raise Type, message'"),
)


def python2_syntax(error: SyntaxError) -> str | None:
    """The Python 2 construct a SyntaxError stopped at, or None when it is not one."""
    for message, name in _PYTHON2_MESSAGES:
        if error.msg.startswith(message):
            return name
    if error.msg not in ("invalid syntax", "invalid decimal literal", "invalid hexadecimal literal"):
        return None
    line = error.text or ""
    at = (error.offset or 0) - 1
    # The construct must be where Python stopped: a backquote in a comment is not Python 2.
    for pattern, name in _PYTHON2_LINES:
        if any(match.start() <= at < match.end() for match in pattern.finditer(line)):
            return name
    return None
