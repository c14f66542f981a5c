"""diffrisk's own rule ids, the component each feeds, and the limits of the function-level rules.

bandit's rules keep bandit's ids (B602, B307, ...) and all feed the security component.
"""

from __future__ import annotations

from typing import NamedTuple


class Rule(NamedTuple):
    id: str
    component: str
    title: str
    #: Risk points one finding adds before the component weight (see scoring.py).
    points: float


RULES = {
    rule.id: rule
    for rule in (
        Rule("DR-E001", "complexity", "changed Python that does not parse or decode", 1.0),
        Rule("DR-E002", "complexity", "lone CR line endings: git and Python see different lines", 1.0),
        Rule("DR-C001", "complexity", "function over the cyclomatic complexity limit", 0.0),
        Rule("DR-R001", "readability", "long function", 0.10),
        Rule("DR-R002", "readability", "deeply nested function", 0.10),
        Rule("DR-R003", "readability", "too many parameters", 0.05),
        Rule("DR-R004", "readability", "complex boolean expression", 0.05),
        Rule("DR-R005", "readability", "unclear name", 0.02),
        Rule("DR-R006", "readability", "public API without a docstring", 0.02),
        Rule("DR-R007", "readability", "magic number in a comparison", 0.02),
        Rule("DR-R008", "readability", "commented-out code", 0.03),
    )
}

#: McCabe's own limit of 10 (radon ranks 11+ as C, "moderate risk"); above 20 is "high risk".
COMPLEXITY_LIMIT = 10
COMPLEXITY_HIGH = 20
#: Function length in lines, decorators included.  pylint's max-statements is 50 statements;
#: with blank lines and docstrings that is about 60 lines.
LENGTH_LIMIT = 60
#: Nested blocks inside one function (pylint's max-nested-blocks is 5; four levels already need
#: the reader to hold four conditions in mind).
NESTING_LIMIT = 4
#: Parameters, ``self`` and ``cls`` not counted (pylint's max-args).
PARAMETER_LIMIT = 5

#: Rules that only count for API the change introduced, not for API it merely edited.
NEW_UNITS_ONLY = frozenset({"DR-R006"})
#: Rules for what is normal practice in test code: assert (B101), fixed passwords and temporary
#: paths in fixtures (B105-B108), non-cryptographic random numbers (B311), test functions
#: without docstrings (DR-R006: a test's name is its documentation, and tests are not API).
NOT_IN_TESTS = frozenset({"B101", "B105", "B106", "B107", "B108", "B311", "DR-R006"})
#: Analyzers whose removed issues count in the change's favour.
CREDIT_REMOVALS = frozenset({"security"})


#: Rules about code that cannot be read as the diff shows it; they set a floor on the level.
UNREADABLE = frozenset({"DR-E001", "DR-E002"})


def component_of(rule: str, analyzer: str) -> str:
    known = RULES.get(rule)
    return known.component if known else analyzer
