"""How much of a file an analyzer needs (its own module, so analyzers can import it)."""

from __future__ import annotations

import enum


class Scope(enum.Enum):
    """How much of a file an analyzer needs to give correct results for the lines asked about."""

    #: The whole file (whole-file metrics such as the maintainability index).
    FILE = "file"
    #: The top-level statements holding those lines, and the imports (to resolve names).
    STATEMENTS_AND_IMPORTS = "statements and imports"
    #: The top-level statements holding those lines, the imports and the top-level assignments
    #: (to resolve names bound to what they call: ``run = os.system``).
    STATEMENTS_AND_NAMES = "statements and names"
    #: The top-level statements holding those lines.
    STATEMENTS = "statements"
