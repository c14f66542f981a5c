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
    Finding,
    Level,
    Rule,
    Severity,
)

_COMPLEXITY, _READABILITY, _SMELLS = ComponentName.COMPLEXITY, ComponentName.READABILITY, ComponentName.SMELLS
_SECURITY, _HISTORY, _TESTS = ComponentName.SECURITY, ComponentName.HISTORY, ComponentName.TESTS

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
        Rule("DR-E003", _COMPLEXITY, "Python runs other code than the diff shows", 0.0,
             "The file declares a source encoding (a coding cookie or a byte-order mark) under which its bytes "
             "decode to a different program than the UTF-8 a diff viewer shows: an encoding that is not "
             "ASCII-compatible, such as UTF-7 or UTF-16, can hide code a reviewer never sees. Sets the level to at "
             "least L2.",
             fires_when=(
                 "Changed Python whose declared encoding is not ASCII-compatible, or decodes the file to different "
                 "code (not only different non-ASCII characters) than UTF-8 does."
             )),
        Rule("DR-E004", _COMPLEXITY, "Python that runs but was not read", 0.0,
             "A changed file that Python runs, which diffrisk could not analyse: a .py symbolic link to a file "
             "outside the repository, a Python file over max_file_bytes, a .pth file (run at every interpreter "
             "start), compiled Python (.pyc, .pyo, .pyd, .so: an import runs it instead of, or without, its source), "
             "a notebook whose code cells do not parse as a whole, or a git LFS pointer where Python source should "
             "be. Its risk is unknown, so it is not low: a person must read it. Sets the level to at least L2.",
             fires_when=(
                 "A changed `.py`/`.pyw`/`.pth`/`.ipynb` file, compiled Python file or executable Python script "
                 "that diffrisk could not analyse, with the reason."
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
             "of fixing what it found. Read the line the suppression covers as if the check had fired. A skipped "
             "test sets the level to at least L1, L2 for an AI-authored change, which may have switched off the "
             "test its own code fails.",
             fires_when=(
                 "The change adds `# nosec`, `# noqa`, `# type: ignore`, `# pyright: ignore`, `# pylint: "
                 "disable`, `# pragma: no cover`, or skips a test (`pytest.mark.skip`/`skipif`/`xfail`, "
                 "`pytestmark`, `unittest.skip*`, `expectedFailure`, `pytest.skip()`, `self.skipTest()`)."
             )),
        Rule("DR-S003", _SMELLS, "weakened test", 0.0,
             "The change took something from the tests: a test function removed, a test body emptied, "
             "fewer assertions than before, assertions that pinned a value replaced by ones that only check "
             "truth or type (assert x == 3 became assert x), or an expected error broadened to any "
             "Exception. A change that makes failing tests pass by weakening them passes CI and ships the bug. Sets "
             "the level to at least L1, L2 for an AI-authored change.",
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
             "The change touches what runs with the repository's credentials or decides what gets installed: CI "
             "workflows and the files CI executes (tox, nox, make, the scripts workflows call, conftest.py code that "
             "runs when pytest starts), dependency declarations of every kind (requirements and constraints files, "
             "locks, the requirements of pyproject.toml, setup.cfg and setup.py, URL and unpinned ones included), "
             "Dockerfiles and compose files. These are read by a code owner whoever wrote the change. Sets the level "
             "to at least L1.",
             fires_when=(
                 "A changed CI workflow (`.github/workflows/`, `.gitlab-ci.yml`, `.circleci/`, Jenkinsfile, "
                 "`.pre-commit-config.yaml`...), `tox.ini`, `noxfile.py`, Makefile or justfile, a file the base's "
                 "workflows name, a conftest.py whose module-level code, class bodies, decorators or defaults that call "
                 "something, or `pytest_*` hooks the change edits, a Dockerfile or compose file, a requirements, "
                 "constraints or lock file, or a change to the set of requirements pyproject.toml, setup.cfg or "
                 "setup.py declares."
             )),
        Rule("DR-S008", _SMELLS, "large code change without tests", 0.0,
             "The change adds 100 or more lines of non-test Python code and changes no test file. Ask for "
             "tests, or for the reason none are needed.",
             fires_when=(
                 "100 or more lines added to non-test Python and no test file changed."
             )),
        Rule("DR-S009", _SMELLS, "invalid diffrisk ignore", 0.0,
             "A # diffrisk: ignore[RULE] -- reason comment that has no reason, names a rule that does not exist, "
             "or covers no finding on its line. Suppressions must stay accountable and must not outlive what they "
             "covered.",
             fires_when=(
                 "A `# diffrisk: ignore[...]` without a reason, naming an unknown rule, or (when added by the "
                 "change) covering no finding on its line."
             )),
        Rule("DR-S010", _SMELLS, "the change edits the policy that judges it", 0.0,
             "The change edits what decides how diffrisk judges changes: the [tool.diffrisk] table of "
             "pyproject.toml or the --config file, .gitattributes, CODEOWNERS, the pre-commit configuration or a CI "
             "workflow that runs diffrisk. The change is judged by the stricter of the old and the new policy, and a "
             "person must read the policy change itself. Sets the level to at least L2.",
             fires_when=(
                 "The change edits the `[tool.diffrisk]` table (or the `--config` file), `.gitattributes`, a "
                 "`CODEOWNERS` file, or a `.pre-commit-config.yaml` or CI workflow that runs diffrisk before or after."
             )),
        Rule("DR-S011", _SMELLS, "import of a name one typo away from a known package", 0.0,
             "A module name that is a near miss of a declared dependency or a popular package (reqeusts, "
             "dateutils for dateutil) is how typosquatting packages get installed: an attacker registers the misspelling "
             "on PyPI. Check the name is the one meant. Sets the level to at least L1.",
             fires_when=(
                 "An added import of a top-level module that is not the project's own, not the standard library and "
                 "not declared, whose name is one or two edits (or a swapped pair of letters) from a declared "
                 "dependency or a popular package."
             )),
        Rule("DR-S012", _SMELLS, "the change tightens the policy that judges it", 0.0,
             "The change edits the [tool.diffrisk] table (or the --config file) so that it demands at least what it did "
             "before in every setting: a lower fail level or thresholds, more critical paths, fewer exclusions or "
             "trusted reviewers, or diffrisk adopted where there was no table. It can relax nothing, but a person "
             "should still see the policy change. Sets the level to at least L1.",
             fires_when=(
                 "DR-S010 would fire on the diffrisk table, and the stricter of the old and the new table "
                 "(config.stricter) is the new one; any other policy edit is DR-S010."
             )),
        Rule("DR-S013", _SMELLS, "a call the change did not update after changing a signature", 0.0,
             "The change changed a function's parameters (removed or renamed one, added one without a default, or "
             "made one keyword-only), and a call elsewhere in the repository that fitted the old signature no longer "
             "fits the new one: it will raise TypeError when it runs. Update the call, or keep the old parameters "
             "working. A deleted function that is still called is reported the same way.",
             fires_when=(
                 "A function or method the change edited or deleted is called, by name, in a Python file at the new "
                 "revision (found with git grep, parsed, never run), from a line the change did not touch; the call's "
                 "positional and keyword arguments bind to the old signature but not to the new one (or the function "
                 "is gone). A method's calls are judged when made through its class (`Parser.parse(...)`) or through "
                 "self or cls in the file that defines it (the message says \"matched by name only\", since a "
                 "subclass may override it); calls on other objects count as uses, not findings."
             )),
        Rule("DR-H001", _HISTORY, "a file that usually changes with this one is not in the change", 0.0,
             "In the history before the change, another file changed together with a changed file in most of that "
             "file's recent changes, and this change leaves it alone: a schema beside its model, a serializer beside "
             "its parser, a second copy of a constant. Check whether it needs the same edit.",
             fires_when=(
                 "Of a changed Python file's last commits before the change (at most 50, within a year; commits "
                 "touching more than 30 files are left out as bulk changes), at least 5 also changed another file "
                 "that still exists and is not in this change, and they are at least 80% of the file's commits "
                 "(support and confidence, as in change-coupling mining). Test files are not expected to co-change."
             )),
        Rule("DR-O001", _HISTORY, "nobody behind this AI-authored change wrote any of the code it changes", 0.0,
             "A coding agent wrote the change, and none of the people behind it (its human authors, committers and "
             "co-authors, or whoever ran the hook) last wrote any of the lines it deletes, replaces or edits around: "
             "whoever approves it approves changes to code they may not know, written on behalf of someone who never "
             "touched it. Ask the experts the report names (they wrote that code), and keep one of them on the review. "
             "It sets the level to at least reviewers.ownership_floor (L2).",
             fires_when=(
                 "The change is AI-authored, it touches lines that existed at its base (git blame at the base names "
                 "who last wrote them, one person per .mailmap identity read at the base), and none of those lines was "
                 "last written by a person behind the change."
             )),
        Rule("DR-T001", _TESTS, "a new or changed function that no test ran", 0.1,
             "Coverage data given to the check (--coverage, coverage = [...]) says that no statement of this "
             "function's body ran: whatever it does, no test has seen it do it. Generated code often works in the "
             "demo and fails on the paths nobody ran. Add a test that calls it, or say in the review why none can. "
             "In an AI-authored change it sets the level to at least ai.untested_floor (L2).",
             fires_when=(
                 "A function the change added or edited, in a non-test Python file the coverage data measured (and "
                 "that is not stale), has at least one statement in its body (its def or decorator line, which runs "
                 "when the module is imported, does not count), and none of those statements ran."
             )),
        Rule("DR-T002", _TESTS, "added statements that no test ran", 0.0,
             "Coverage data given to the check says these added statements did not run in any test. The finding "
             "marks them line by line for annotations and code scanning; the points are the untested-code "
             "component's (the square root of all such statements), so the finding itself adds none.",
             fires_when=(
                 "Added lines of a non-test Python file the coverage data measured (and that is not stale) that are "
                 "statements and did not run; one finding per run of consecutive lines, except inside a function "
                 "DR-T001 already reports."
             )),
        Rule("DR-W001", _SECURITY, "code execution on computed input", 0.0,
             "eval, exec or compile of something that is not a constant (or of a literal that itself calls or "
             "imports: an obfuscated payload), or a module or attribute chosen at run time (__import__, "
             "importlib.import_module, getattr on a module or builtins with a computed name): whoever controls that "
             "input controls what runs (CWE-94, CWE-95). Aliases count: `E = eval`, `__builtins__['eval']`, "
             "`sys.modules['builtins'].eval`, eval passed as a value; so do code objects made into functions "
             "(types.FunctionType), runpy, an interactive interpreter, and a notebook's %run of a file that is not "
             "Python by name. Sets the level to at least L2 (weaknesses.code-execution).",
             fires_when=(
                 "An added call of `eval`, `exec`, `compile`, `__import__`, `importlib.import_module`, or `getattr` "
                 "on a module or `builtins`, whose code or name argument is not a constant, or whose code is a "
                 "literal that calls or imports; reached directly or through a name the file binds to it; `eval` or "
                 "`exec` passed as a value; `types.FunctionType`, `runpy.run_*` or `code.Interactive*`; a notebook's "
                 "`%run` of a file not named .py or .ipynb."
             )),
        Rule("DR-W002", _SECURITY, "shell execution bandit does not see", 0.0,
             "A command run through a shell by a spelling bandit does not read: a function that always uses a shell "
             "(asyncio.create_subprocess_shell, os.system through an alias, IPython's system), shell=True in a ** "
             "mapping or a dict bound to a name, a shell started with -c and a computed command "
             "(['sh', '-c', cmd], os.execl('/bin/sh', 'sh', '-c', cmd), pty.spawn), a shell function passed as a "
             "value, a notebook's ! line that hands values or downloaded text to a shell, or any line of a notebook's "
             "shell cell (%%bash, %%sh, %%script). A shell interprets its command line, so "
             "input in it runs as commands (CWE-78). Sets the level to at least L2 (weaknesses.shell).",
             fires_when=(
                 "An added call of a shell-running function with a computed command, of a process function with "
                 "`shell` set through a `**` mapping, or of a process or exec function given a shell, `-c` and a "
                 "computed command; in a notebook, a `!` command with `$name`/`{expr}` or a pipe into a shell, or a "
                 "line of a shell cell."
             )),
        Rule("DR-W003", _SECURITY, "TLS verification turned off", 0.0,
             "Certificate or host-name checks switched off by a spelling bandit does not read: verify= a falsy "
             "constant or a name bound to one (annotated too), verify=False through a ** mapping, a session's "
             "verify attribute set falsy directly or with setattr, a class attribute bound to False, check_hostname "
             "falsy, CERT_NONE (or 0) as a verify mode or cert_reqs, CURL_CA_BUNDLE or REQUESTS_CA_BUNDLE emptied in "
             "os.environ. A connection without them talks to whoever answers (CWE-295). Sets the "
             "level to at least L2 (weaknesses.tls-verification-off).",
             fires_when=(
                 "An added `verify=` falsy value or name bound to one, `**{'verify': False}`, `X.verify = False`, "
                 "`setattr(X, 'verify', False)`, `X.check_hostname = False`, `verify_mode`/`cert_reqs` `CERT_NONE`."
             )),
        Rule("DR-W004", _SECURITY, "unsafe deserialization bandit does not see", 0.0,
             "pickle, marshal, shelve, dill, jsonpickle or a YAML loader that builds any object, reached through "
             "an alias bandit does not follow (`load = pickle.loads`, `__import__('pickle').loads`, a deserializer "
             "passed as a value), or any load with allow_pickle=True. Loading such "
             "data runs whatever code its author put in it (CWE-502). Sets the level to at least L2 "
             "(weaknesses.deserialization).",
             fires_when=(
                 "An added call that resolves to `pickle.load(s)`, `marshal.load(s)`, `shelve.open`, `dill.load(s)`, "
                 "`jsonpickle.decode`, `yaml.unsafe_load`, or `yaml.load` without a safe or base loader, where "
                 "bandit does not report the same line."
             )),
        Rule("DR-W005", _SECURITY, "hard-coded credential", 0.0,
             "A string in a format a service issues as a credential: an AWS access key id, a GitHub, Slack, Stripe, "
             "Google, OpenAI or Anthropic token, or a private key. Committed, it is readable by everyone with the "
             "repository and stays in its history (CWE-798). Not reported in test files, nor when it reads as a "
             "placeholder (EXAMPLE, xxxx, dummy, fake). Sets the level to at least L2 "
             "(weaknesses.hardcoded-credentials).",
             fires_when=(
                 "An added string literal matching `AKIA...`, `ghp_...`/`github_pat_...`, `xox?-...`, `sk_live_...`, "
                 "`AIza...`, `sk-...` (32+ characters) or `-----BEGIN ... PRIVATE KEY-----`."
             )),
        Rule("DR-W006", _SECURITY, "SQL built from strings", 0.0,
             "A query built by formatting or concatenating SQL with values and run with execute (or executemany, "
             "executescript, raw, exec_driver_sql): whoever controls a value can change the query (CWE-89). Pass "
             "the values as parameters instead. Sets the level to at least L2 (weaknesses.sql-built-from-strings).",
             fires_when=(
                 "An added `.execute(...)`-like call whose query is an f-string, `%`, `+`, `.format` or `.join` of "
                 "text that reads as SQL and values, directly or through a name bound to one in the same scope."
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
NOT_IN_TESTS = frozenset({"B101", "B105", "B106", "B107", "B108", "B311", "DR-R006", "DR-W005"})
#: Analyzers whose removed issues count in the change's favour.
CREDIT_REMOVALS = frozenset({"security", "weaknesses"})


#: Smells whose risk is not a later bug fix but what gets installed or runs with the repository's
#: credentials (they predict no bugs: benchmarks/README.md): a person must look, so at least L1.
#: A change to the policy that judges it must be read with care (L2).
SMELL_FLOORS = {"DR-S001": Level.L1, "DR-S007": Level.L1, "DR-S011": Level.L1, "DR-S010": Level.L2, "DR-S012": Level.L1}
#: Tests weakened or switched off (skips, deleted assertions): at least L1, L2 for an AI-authored
#: change, which may have weakened the test to make its own code pass.
TESTS_WEAKENED = frozenset({"DR-S002", "DR-S003"})


def weakens_tests(finding: Finding) -> bool:
    """A weakened or switched-off test (``Finding.weakens_tests``)."""
    return finding.weakens_tests
TESTS_WEAKENED_FLOOR = Level.L1
TESTS_WEAKENED_AI_FLOOR = Level.L2

#: Rules about code that cannot be read as the diff shows it, or was not read at all: such a change
#: cannot be reviewed by reading the diff alone, so at least L2.
UNREADABLE = frozenset({"DR-E001", "DR-E002", "DR-E003", "DR-E004"})
#: Nobody behind an AI-authored change knows the code it touches (reviewers): at least
#: reviewers.ownership_floor.
NOBODY_KNOWS = "DR-O001"
#: A function no test ran (change.covered): in an AI-authored change, at least ai.untested_floor.
UNTESTED_FUNCTION = "DR-T001"
#: Added statements no test ran, one finding per run of lines (change.covered).
UNTESTED_LINES = "DR-T002"
UNREADABLE_FLOOR = Level.L2
#: The least review a new security issue asks for, by bandit's severity (confidence medium or high).
SECURITY_FLOORS = {Severity.HIGH: Level.L2, Severity.MEDIUM: Level.L1}


class Weakness(NamedTuple):
    name: str
    #: The CWE ids it covers.
    cwe: tuple[int, ...]
    description: str


#: Weaknesses a reviewer must read line by line whatever bandit's severity says: each finding that
#: shows one sets the level to at least its floor (``[tool.diffrisk.weaknesses]``, L2 by default).
WEAKNESSES = {
    weakness.name: weakness
    for weakness in (
        Weakness("code-execution", (94, 95), "eval, exec, compile, dynamic imports or getattr of computed names on computed input"),
        Weakness("deserialization", (502,), "pickle, marshal, shelve or an unsafe YAML loader on data"),
        Weakness("shell", (78,), "a command line run through a shell"),
        Weakness("tls-verification-off", (295,), "certificate or host-name verification turned off"),
        Weakness("hardcoded-credentials", (798,), "a password, key or token written into the code"),
        Weakness("sql-built-from-strings", (89,), "SQL built by formatting or concatenating strings"),
    )
}
#: bandit's rules by the weakness they show.  eval (B307) and exec (B102) count only when DR-W001
#: confirms that what they run is not a constant (an eval of a literal runs nothing new).
BANDIT_WEAKNESSES = {
    "B102": "code-execution", "B307": "code-execution",
    "B301": "deserialization", "B302": "deserialization", "B506": "deserialization", "B614": "deserialization",
    "B602": "shell", "B604": "shell", "B605": "shell", "B609": "shell",
    "B501": "tls-verification-off", "B323": "tls-verification-off", "B507": "tls-verification-off",
    "B105": "hardcoded-credentials", "B106": "hardcoded-credentials", "B107": "hardcoded-credentials",
    "B608": "sql-built-from-strings",
}
NEEDS_CONFIRMATION = frozenset({"B102", "B307"})
#: diffrisk's own weakness rules, for what bandit does not read.
OWN_WEAKNESSES = {
    "DR-W001": "code-execution", "DR-W002": "shell", "DR-W003": "tls-verification-off", "DR-W004": "deserialization",
    "DR-W005": "hardcoded-credentials", "DR-W006": "sql-built-from-strings",
}


def component_of(rule: str, analyzer: str) -> ComponentName:
    """The component a finding feeds: its rule's, or (bandit's rules) its analyzer's."""
    known = RULES.get(rule)
    return known.component if known else ComponentName(analyzer)


#: bandit rules that report what one of diffrisk's rules already reports on the same lines (a
#: try/except that passes or continues is a swallowed error, DR-S004): one finding per problem, the
#: one that says more about it.
SAYS_THE_SAME = {"B110": "DR-S004", "B112": "DR-S004"}
