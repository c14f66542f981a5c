"""diffrisk's own rules: their ids, the component each feeds, their points and explanations,
the function-level limits with their messages, and the floors some rules set on the level.

bandit's rules keep bandit's ids (B602, B307, ...) and all feed the security component.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from diffrisk.model import (
    CYCLOMATIC_COMPLEXITY,
    FUNCTION_LENGTH,
    NESTING_DEPTH,
    PARAMETER_COUNT,
    ComponentName,
    Level,
    Rule,
    Severity,
)

_COMPLEXITY, _READABILITY, _SMELLS = ComponentName.COMPLEXITY, ComponentName.READABILITY, ComponentName.SMELLS

RULES = {
    rule.id: rule
    for rule in (
        Rule("DR-E001", _COMPLEXITY, "changed Python that does not parse or decode", 1.0,
             "The new version of the file is not valid Python (or not valid text in its declared encoding). "
             "Nothing else can be measured, the code cannot run as written, and a reader cannot trust the "
             "diff to show what runs. Python 2 code is named as such (diffrisk analyses Python 3). Sets the "
             "level to at least L2.",
             fires_when=(
                 "Changed Python does not parse (or is nested too deeply for the parser), or does not decode in "
                 "its declared encoding."
             )),
        Rule("DR-E002", _COMPLEXITY, "lone CR line endings: git and Python see different lines", 1.0,
             "Python ends a line at a lone carriage return; git and most diff viewers do not. Code after a "
             "lone CR runs but does not show in the diff as its own line, which can hide code from review. "
             "Sets the level to at least L2.",
             fires_when=(
                 "Changed Python has lone CR line endings: Python ends lines there and git does not, so the diff "
                 "does not show the lines Python runs."
             )),
        Rule("DR-C001", _COMPLEXITY, "function over the cyclomatic complexity limit", 0.0,
             "A changed function has more than 10 independent paths (McCabe's limit; radon's rank C and "
             "worse), and the change made it more complex. Each path needs a reason to exist and a test.",
             fires_when=(
                 "A changed function's cyclomatic complexity is over 10 and the change raised it (high above 20)."
             )),
        Rule("DR-R001", _READABILITY, "long function", 0.10,
             "A changed function is longer than 60 lines (about pylint's 50 statements). Split it where a "
             "step has its own name.",
             fires_when=(
                 "A changed function is longer than 60 lines and the change made it longer."
             )),
        Rule("DR-R002", _READABILITY, "deeply nested function", 0.10,
             "Blocks nest more than 4 deep: the reader holds every enclosing condition in mind at once.",
             fires_when=(
                 "A changed function nests blocks deeper than 4 and the change made it deeper."
             )),
        Rule("DR-R003", _READABILITY, "too many parameters", 0.05,
             "More than 5 parameters (self and cls not counted, pylint's max-args).",
             fires_when=(
                 "A changed function takes more than 5 parameters (`self`/`cls` not counted) and the change added "
                 "one."
             )),
        Rule("DR-R004", _READABILITY, "complex boolean expression", 0.05,
             "A boolean expression of 4 or more operands needs a truth table to review; name its parts.",
             fires_when=(
                 "A boolean expression on a changed line has more than 3 operands."
             )),
        Rule("DR-R005", _READABILITY, "unclear name", 0.02,
             "A new name that says nothing of what it holds (tmp, foo, data2).",
             fires_when=(
                 "A name bound on a changed line is a single letter (outside loops, comprehensions, lambdas, "
                 "`except ... as`, `with ... as`) or generic (`tmp`, `foo`, `data2`)."
             )),
        Rule("DR-R006", _READABILITY, "public API without a docstring", 0.02,
             "A new public function or class outside tests has no docstring.",
             fires_when=(
                 "A public function or class the change created has no docstring (not in test files)."
             )),
        Rule("DR-R007", _READABILITY, "magic number in a comparison", 0.02,
             "A comparison with an unexplained number; give it a named constant.",
             fires_when=(
                 "A number other than 0, 1, 2, -1 is compared on a changed line (not in `assert`)."
             )),
        Rule("DR-R008", _READABILITY, "commented-out code", 0.03,
             "Added comments that parse as code: delete them (git keeps history) or say why they stay.",
             fires_when=(
                 "Comment lines the change added parse as Python code."
             )),
        Rule("DR-S001", _SMELLS, "undeclared import", 0.0,
             "The change imports a top-level module that is not in the standard library, not part of the "
             "repository, and not declared in the project's dependencies (pyproject.toml, setup.cfg, "
             "setup.py, requirements files, Pipfile, tox.ini). Coding agents invent plausible package "
             "names; an attacker who registers such a name on PyPI gets code run by whoever installs it "
             "(\"slopsquatting\"). Check that the package exists, is the one meant, and declare it. "
             "Imports guarded by try/except ImportError or if TYPE_CHECKING are optional and not reported.",
             fires_when=(
                 "An added import of a top-level module that is not standard library, not the repository's own "
                 "(any of its Python files or package folders), and not declared in pyproject.toml (PEP 621, PEP "
                 "735 groups, build requires, Poetry, PDM, uv, Hatch), setup.cfg, setup.py, requirements files, "
                 "Pipfile or tox.ini, read at the change's new side; import names that differ from the "
                 "distribution's (`yaml`/PyYAML, `PIL`/Pillow...) are known. Guarded imports (`try/except "
                 "ImportError`, `if TYPE_CHECKING`) are optional and not reported; a project without any manifest "
                 "is not judged."
             )),
        Rule("DR-S002", _SMELLS, "new suppression", 0.0,
             "The change switches a check off: # nosec, # noqa, # type: ignore, # pyright: ignore, "
             "# pylint: disable, # pragma: no cover, or skips a test (pytest.mark.skip/skipif/xfail, "
             "unittest.skip, pytest.skip()). Generated code often silences the tool that objected instead "
             "of fixing what it found. Read the line the suppression covers as if the check had fired.",
             fires_when=(
                 "The change adds `# nosec`, `# noqa`, `# type: ignore`, `# pyright: ignore`, `# pylint: "
                 "disable`, `# pragma: no cover`, or skips a test (`pytest.mark.skip`/`skipif`/`xfail`, "
                 "`pytestmark`, `unittest.skip*`, `expectedFailure`, `pytest.skip()`, `self.skipTest()`)."
             )),
        Rule("DR-S003", _SMELLS, "weakened test", 0.0,
             "The change took something from the tests: a test function removed, a test body emptied, "
             "fewer assertions than before, assertions that pinned a value replaced by ones that only check "
             "truth or type (assert x == 3 became assert x), or an expected error broadened to any "
             "Exception. A change that makes failing tests pass by weakening them passes CI and ships the bug.",
             fires_when=(
                 "In a test file: a `test*` function removed (not re-added elsewhere in the change), a test body "
                 "emptied, fewer assertions than before, assertions that pinned a value replaced by ones that "
                 "only check truth or type, or a new `pytest.raises(Exception)`/`assertRaises(Exception)`."
             )),
        Rule("DR-S004", _SMELLS, "swallowed error", 0.0,
             "A bare except:, or except Exception/BaseException, whose body only passes, continues or "
             "returns None. Every error there, including the ones nobody expected, disappears without a "
             "trace. Catch the specific exception, or log and re-raise.",
             fires_when=(
                 "An added `except:`, `except Exception:` or `except BaseException:` whose body is only `pass`, "
                 "`...`, `continue` or `return`/`return None`."
             )),
        Rule("DR-S005", _SMELLS, "stub or elision left behind", 0.49,
             "A function whose whole body is pass, ... or raise NotImplementedError (not an abstract "
             "method, an overload or a Protocol), or a comment such as \"rest of the code here\" or "
             "\"TODO: implement\" where code was left out. Generated changes often look complete and are not.",
             fires_when=(
                 "A function the change made whose body is only `pass`, `...` or `raise NotImplementedError` (not "
                 "abstract methods, overloads, Protocol/ABC/`Base*` classes, `if TYPE_CHECKING` blocks or `.pyi` "
                 'files), or an added comment such as "rest of the code", "implementation goes here", "TODO: '
                 'implement", "... existing code".'
             )),
        Rule("DR-S006", _SMELLS, "copy-pasted block", 0.049,
             "The same block of 6 or more lines (compared without indentation) was added more than once by "
             "this change. A later fix to one copy will miss the others; extract a function.",
             fires_when=(
                 "A block of 6 or more added lines (compared without indentation and spacing, blank and comment "
                 "lines skipped, at least 80 letters and digits and 4 distinct lines) that the change adds again "
                 "elsewhere; reported at each further copy."
             )),
        Rule("DR-S007", _SMELLS, "sensitive file changed", 0.0,
             "The change touches what runs with privileges or decides what gets installed: CI workflows "
             "(.github/workflows, .gitlab-ci.yml and others), dependency manifests and lock files, "
             "Dockerfiles and compose files. These are read by a code owner whoever wrote the change.",
             fires_when=(
                 "A changed CI workflow (`.github/workflows/`, `.gitlab-ci.yml`, `.circleci/`, Jenkinsfile, "
                 "`.pre-commit-config.yaml`...), Dockerfile or compose file, requirements or lock file, a "
                 "requirement line in pyproject.toml/setup.cfg/setup.py, or a `critical_paths` file."
             )),
        Rule("DR-S008", _SMELLS, "large code change without tests", 0.0,
             "The change adds 100 or more lines of non-test Python code and changes no test file. Ask for "
             "tests, or for the reason none are needed.",
             fires_when=(
                 "100 or more lines added to non-test Python and no test file changed."
             )),
        Rule("DR-S009", _SMELLS, "invalid diffrisk ignore", 0.0,
             "A # diffrisk: ignore[RULE] -- reason comment that has no reason (so it silences nothing), "
             "names a rule that does not exist, or silences nothing on its line. Suppressions must stay "
             "accountable and must not outlive what they silenced.",
             fires_when=(
                 "A `# diffrisk: ignore[...]` without a reason, naming an unknown rule, or (when added by the "
                 "change) silencing nothing."
             )),
    )
}

#: McCabe's own limit of 10 (radon ranks 11+ as C, "moderate risk"); above 20 is "high risk".
COMPLEXITY_LIMIT = 10
COMPLEXITY_HIGH = 20


class LimitRule(NamedTuple):
    """A function-level rule: it fires when a changed function crosses, or grows past, a limit."""

    rule: str
    metric: str
    limit: int
    analyzer: str
    #: How the message names the metric and its unit: "`f` length 61 (new) lines; over ...".
    words: str
    unit: str = ""


LIMIT_RULES = (
    LimitRule("DR-C001", CYCLOMATIC_COMPLEXITY, COMPLEXITY_LIMIT, "complexity", "cyclomatic complexity"),
    #: Function length in lines, decorators included.  pylint's max-statements is 50 statements;
    #: with blank lines and docstrings that is about 60 lines.
    LimitRule("DR-R001", FUNCTION_LENGTH, 60, "readability", "length", " lines"),
    #: Nested blocks inside one function (pylint's max-nested-blocks is 5; four levels already
    #: need the reader to hold four conditions in mind).
    LimitRule("DR-R002", NESTING_DEPTH, 4, "readability", "nesting depth", " levels"),
    #: Parameters, ``self`` and ``cls`` not counted (pylint's max-args).
    LimitRule("DR-R003", PARAMETER_COUNT, 5, "readability", "parameters"),
)


class OverLimit(NamedTuple):
    rule: str
    analyzer: str
    severity: Severity
    message: str


def over_limit(limit: LimitRule, name: str, before: Mapping[str, float], after: Mapping[str, float]) -> OverLimit | None:
    """The finding ``limit`` makes of function ``name`` (metrics before and after the change), or
    None: the function is within the limit, or the change did not make it worse."""
    value = after.get(limit.metric)
    previous = before.get(limit.metric)
    if value is None or value <= limit.limit or (previous is not None and value <= previous):
        return None
    severity = Severity.LOW if limit.analyzer == "readability" else Severity.MEDIUM
    if limit.metric == CYCLOMATIC_COMPLEXITY and value > COMPLEXITY_HIGH:
        severity = Severity.HIGH
    change = f"{int(previous)} -> {int(value)}" if previous is not None else f"{int(value)} (new)"
    message = f"`{name}` {limit.words} {change}{limit.unit}; over the limit of {limit.limit}"
    return OverLimit(limit.rule, limit.analyzer, severity, message)


#: Rules that only count for API the change introduced, not for API it merely edited.
NEW_UNITS_ONLY = frozenset({"DR-R006"})
#: Rules for what is normal practice in test code: assert (B101), fixed passwords and temporary
#: paths in fixtures (B105-B108), non-cryptographic random numbers (B311), test functions
#: without docstrings (DR-R006: a test's name is its documentation, and tests are not API).
NOT_IN_TESTS = frozenset({"B101", "B105", "B106", "B107", "B108", "B311", "DR-R006"})
#: Analyzers whose removed issues count in the change's favour.
CREDIT_REMOVALS = frozenset({"security"})


#: Smells whose risk is not a later bug fix but what gets installed or runs with the repository's
#: credentials (they predict no bugs: benchmarks/README.md): a person must look, so at least L1.
SMELL_FLOORS = {"DR-S001": Level.L1, "DR-S007": Level.L1}

#: Rules about code that cannot be read as the diff shows it: such a change cannot be reviewed
#: by reading the diff alone, so at least L2.
UNREADABLE = frozenset({"DR-E001", "DR-E002"})
UNREADABLE_FLOOR = Level.L2
#: The least review a new security issue asks for, by bandit's severity (confidence medium or high).
SECURITY_FLOORS = {Severity.HIGH: Level.L2, Severity.MEDIUM: Level.L1}


def component_of(rule: str, analyzer: str) -> ComponentName:
    """The component a finding feeds: its rule's, or (bandit's rules) its analyzer's."""
    known = RULES.get(rule)
    return known.component if known else ComponentName(analyzer)
