"""Each analyzer on one file's text, with the real radon and bandit."""

from __future__ import annotations

import ast
import gc
import importlib
import json
import os
import textwrap
from pathlib import Path
from typing import Any

import pytest

from diffrisk.analyzers import complexity, readability, security
from diffrisk.analyzers.readability import commented_out_code, looks_like_code, unclear
from diffrisk.model import FileResult, Severity, UnitMetric
from diffrisk.pyfile.slicing import build, plan
from diffrisk.pyfile.source import PythonSource, UndecodableSource, child_bodies, decode, parse


def source(text: str) -> PythonSource:
    return parse("example.py", textwrap.dedent(text))


def issues(result_issues: object) -> list[tuple[str, int, int]]:
    return [(issue.rule, issue.line, issue.end_line) for issue in result_issues]  # type: ignore[attr-defined]


def test_complexity_per_function_with_closures_and_methods() -> None:
    result = complexity.analyze(source('''
        def outer(items):
            def inner(item):
                return item if item else None
            return [inner(item) for item in items if item]

        class Box:
            def method(self, flag):
                if flag and self:
                    return 1
                return 2
        '''))
    assert result.unit_metrics == (
        UnitMetric(2, "cyclomatic_complexity", 3.0),  # the comprehension's for and if count
        UnitMetric(3, "cyclomatic_complexity", 2.0),
        UnitMetric(8, "cyclomatic_complexity", 3.0),
    )
    assert result.file_metrics[0][0] == "maintainability_index"
    assert 0 < result.file_metrics[0][1] <= 100


def radon_whole_file(tree: ast.Module, text: str) -> tuple[set[tuple[int, float]], float]:
    """What radon says of the whole file at once: the oracle for the statement-by-statement sums
    of analyzers.complexity."""
    from radon.metrics import h_visit_ast, mi_compute
    from radon.visitors import ComplexityVisitor

    visitor = ComplexityVisitor.from_ast(tree)
    functions = {(function.lineno, float(function.complexity)) for function in complexity._functions(visitor.blocks)}
    statements = [node for node in ast.walk(tree) if isinstance(node, ast.stmt)]
    strings = [
        (node.lineno, node.end_lineno or node.lineno) for node in statements
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    ]
    logical_lines, comment_percent = complexity._line_counts(text.split("\n"), len(statements), strings)
    mi = mi_compute(h_visit_ast(tree).total.volume, visitor.total_complexity, logical_lines, comment_percent)
    return functions, round(mi, 2)


TRICKY = '''
import os; X = 1 if os.sep else 2; X = 1 if os.sep else 2
@decorate(a + b)
class Outer(Base if X else object, metaclass=Meta):
    """Doc."""
    limit = 3 if X else 4
    def method(self, value):
        def closure():
            return [item for item in value if item] or None
        if value and self or not value:
            return closure()
        class Inner:
            def deep(self):
                return 1 if self else 2
        return Inner
    class Nested:
        def first(self):
            while self:
                pass
            else:
                return 1
        class Deeper:
            def second(self):
                try:
                    return 1
                except ValueError:
                    return 2
    def method(self, value):
        return value + value * 2
    def method(self, value):
        return value + value * 2
if X:
    class Guarded:
        def inside(self, value):
            match value:
                case 1:
                    return "one"
                case _:
                    return "other"
    async def helper(items):
        async for item in items:
            assert item
        return f(x) + f(x)
x = f(x) + f(x)
x = f(x) + f(x)
'''


@pytest.mark.parametrize("package", ["tricky", "radon", "bandit", "diffrisk"])
def test_complexity_adds_up_to_radon_on_the_whole_file(package: str) -> None:
    # analyzers.complexity runs radon statement by statement and adds the parts up, keeping
    # each part by its text; every result must be what radon says of the whole file at once,
    # repeated statements and nested classes included.
    if package == "tricky":
        texts = [TRICKY]
    else:
        folder = Path(importlib.import_module(package).__file__ or "").parent
        texts = [path.read_text(encoding="utf-8") for path in sorted(folder.rglob("*.py"))]
    for text in texts:
        parsed = parse("example.py", text)
        result = complexity.analyze(parsed)
        expected_functions, expected_mi = radon_whole_file(ast.parse(text), text)
        assert {(metric.def_line, metric.value) for metric in result.unit_metrics} == expected_functions
        assert result.file_metrics == (("maintainability_index", expected_mi),)
    if package == "tricky":
        # radon's own choices stand: a class defined in a method, and one nested two classes
        # deep, have no methods it reports (lines 13 and 23).
        assert sorted(expected_functions) == [(7, 4.0), (8, 4.0), (17, 3.0), (28, 1.0), (30, 1.0), (34, 2.0), (40, 3.0)]


def test_security_reports_bandit_ids_lines_and_cwe() -> None:
    result = security.analyze(source('''
        import subprocess
        import pickle

        def run(cmd, blob):
            subprocess.run(cmd, shell=True)
            return pickle.loads(blob)
        '''))
    found = [(issue.rule, issue.line, issue.severity, issue.confidence, issue.cwe) for issue in result.issues]
    assert found == [
        ("B404", 2, Severity.LOW, "high", 78),
        ("B403", 3, Severity.LOW, "high", 502),
        ("B602", 6, Severity.HIGH, "high", 78),
        ("B301", 7, Severity.MEDIUM, "high", 502),
    ]


def test_security_reports_lines_under_nosec() -> None:
    # A # nosec is the change's own word: the issue is reported, and change.file_analysis marks
    # it suppressed (tests/test_gate.py).
    result = security.analyze(source('''
        def run(text):
            return eval(text)  # nosec B307
        '''))
    assert [(issue.rule, issue.line) for issue in result.issues] == [("B307", 3)]


def test_security_reports_bidirectional_characters_where_bandit_does() -> None:
    # B613 runs only on text holding such a character (analyzers.security): its findings must
    # still be bandit's own, at bandit's line and column, and text without one gets none.
    tricky = source('''
        def allowed(user):
            access = "user"
            if access != "none\u202e \u2066# check\u2069 \u2066":
                return True
        ''')
    found = [(issue.rule, issue.line, issue.column, issue.severity, issue.confidence, issue.cwe) for issue in security.analyze(tricky).issues]
    assert found == [("B613", 4, 23, Severity.HIGH, "medium", 838)]
    plain = source('''
        def allowed(user):
            return user != "none"
        ''')
    assert security.analyze(plain).issues == ()


def test_a_bandit_scan_leaves_no_tree_behind() -> None:
    # bandit links the nodes it visits to their parents, CPython's shared Load/Add/Eq... nodes
    # included: without the unlinking (analyzers.security), each scan's tree outlived it as
    # garbage only a full collection finds.  With automatic collection off, as a command runs,
    # nothing of the tree may be left once the scan has returned.
    scanned = source('''
        import subprocess

        def run(cmd, count):
            subprocess.run(cmd + [str(count + 1)], shell=count > 0 and not cmd)
        ''')
    security.analyze(scanned)  # bandit's plugins load once, outside the count
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        issues = security.analyze(scanned).issues
        left = [node for node in gc.get_objects() if isinstance(node, ast.AST) and any(name.startswith("_bandit_") for name in vars(node))]
    finally:
        if was_enabled:
            gc.enable()
    assert [(issue.rule, issue.line) for issue in issues] == [("B404", 2), ("B602", 5)]
    assert left == []
    shared = ast.parse("a = b + c == d").body[0]
    assert isinstance(shared, ast.Assign) and isinstance(shared.value, ast.Compare) and isinstance(shared.value.left, ast.BinOp)
    target = shared.targets[0]
    assert isinstance(target, ast.Name)
    assert vars(target.ctx) == vars(shared.value.left.op) == vars(shared.value.ops[0]) == {}


def test_readability_line_issues_have_exact_positions() -> None:
    result = readability.analyze(source('''
        import os

        LIMIT = 3

        def process(a, data2, tmp):
            # total = compute(a)
            # total += 2
            # TODO: make this faster
            if a and data2 and tmp and os:
                for item in a:
                    if item > 42:
                        return item
            return [x for x in a if x > 7]

        class Thing:
            """A thing."""

            def method(self, value):
                return value

            def _private(self):
                return None
        '''))
    assert issues(result.issues) == [
        ("DR-R005", 6, 6),   # a
        ("DR-R005", 6, 6),   # data2
        ("DR-R005", 6, 6),   # tmp
        ("DR-R006", 6, 6),   # process has no docstring
        ("DR-R008", 7, 8),   # two lines of commented-out code, the TODO is prose
        ("DR-R004", 10, 10),
        ("DR-R007", 12, 12),
        ("DR-R007", 14, 14),
        ("DR-R005", 16, 16),  # class Thing
        ("DR-R006", 19, 19),  # public method without a docstring; _private is fine
    ]
    assert [issue.column for issue in result.issues if issue.rule == "DR-R005"][:3] == [12, 15, 22]


def test_readability_unit_metrics() -> None:
    result = readability.analyze(source('''
        @decorator
        def deep(self, one, two, *rest, key=None, **options):
            if one:
                for item in two:
                    while item:
                        with open(item) as handle:
                            try:
                                handle.read()
                            except OSError:
                                pass
            elif two:
                pass
        '''))
    metrics = {(metric.def_line, metric.name): metric.value for metric in result.unit_metrics}
    assert metrics == {
        (3, "length"): 12.0,
        (3, "parameters"): 5.0,
        (3, "nesting_depth"): 5.0,
    }


def test_assertions_and_type_variables_are_not_flagged() -> None:
    result = readability.analyze(source('''
        from typing import TypeVar

        T = TypeVar("T")

        def _check(value):
            assert value == 42
        '''))
    assert result.issues == ()


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        ("# total = compute(x)", True),
        ("# print(value)", True),
        ("# if retry:", False),
        ("# return value", False),
        ("# TODO: fix", False),
        ("# noqa: E501", False),
        ("# type: ignore[misc]", False),
        ("# see https://example.com/a=b", False),
        ("# Note (important)", False),
        ("# import os", True),
        ("#", False),
    ],
)
def test_commented_out_code_detection(comment: str, expected: bool) -> None:
    assert looks_like_code(comment) is expected


def test_commented_out_code_groups_consecutive_lines() -> None:
    found = commented_out_code([(3, "# a = 1"), (4, "# b = 2"), (9, "# c = 3"), (10, "# words only")])
    assert [(issue.line, issue.end_line) for issue in found] == [(3, 4), (9, 9)]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("x", "a single letter"),
        ("_", None),
        ("tmp", "says nothing of what it holds"),
        ("data2", "a generic name with a number"),
        ("result_3", "a generic name with a number"),
        ("data", None),
        ("http2", None),
        ("row_count", None),
    ],
)
def test_unclear_names(name: str, reason: str | None) -> None:
    assert unclear(name) == reason


def test_units_include_decorators_and_nesting() -> None:
    parsed = source('''
        import functools

        @functools.cache
        def top():
            def nested():
                return 1
            return nested

        class Outer:
            class Inner:
                def method(self):
                    return 2

        if True:
            def conditional():
                return 3
        ''')
    assert [(unit.qualname, unit.def_line, unit.start, unit.end) for unit in parsed.units] == [
        ("top", 5, 4, 8),
        ("top.nested", 6, 6, 7),
        ("Outer.Inner.method", 12, 12, 13),
        ("conditional", 16, 16, 17),
    ]
    assert parsed.unit_at(7).qualname == "top.nested"  # type: ignore[union-attr]
    assert parsed.unit_at(10) is None


def test_decode_honours_bom_and_encoding_cookie() -> None:
    assert decode(b"\xef\xbb\xbfx = 1\n") == "x = 1\n"
    assert decode(b"# -*- coding: latin-1 -*-\nname = '\xe9'\n") == "# -*- coding: latin-1 -*-\nname = '\xe9'\n"
    with pytest.raises(UndecodableSource):
        decode(b"name = '\xff'\n")


def test_slice_keeps_touched_statements_and_line_numbers() -> None:
    parsed = source('''
        import os
        from json import loads

        LIMIT = 3

        class Store:
            """A store."""

            def get(self, key):
                return key

            def put(self, key, value):
                return os.path.join(key, value)

        def unrelated():
            return loads("1")
        ''')
    cut = plan(parsed, {13}, keep_imports=True)
    assert cut is not None
    sliced = build(parsed, cut)
    kept = [number for number, line in enumerate(sliced.text.split("\n"), start=1) if line.strip()]
    assert kept == [2, 3, 7, 8, 13, 14]  # the class docstring stays: readability asks for it
    assert [unit.qualname for unit in sliced.units] == ["Store.put"]
    assert sliced.text.count("\n") == parsed.text.count("\n")
    cut = plan(parsed, {17}, keep_imports=False)
    assert cut is not None
    without_imports = build(parsed, cut)
    assert [number for number, line in enumerate(without_imports.text.split("\n"), start=1) if line.strip()] == [16, 17]
    assert plan(parsed, range(1, 18), keep_imports=False) is None  # all of it: no cut


def test_an_analysis_gives_the_issue_analyzers_only_the_wanted_lines() -> None:
    # The old side of a change is analysed for issues only on its deleted lines, and for the
    # functions it touched only by the analyzers that measure functions (their "before"): the
    # eval below is on neither, so bandit and the weaknesses are not run at all.
    from diffrisk.change import analyzed_version
    from diffrisk.config import Config

    parsed = source('''
        import os

        def run(text):
            if text:
                return eval(text)
            return os.sep
        ''')
    analyzed, problems = analyzed_version.analyze("example.py", parsed, set(), None, Config(), measured={4})
    assert problems == analyzed_version.Problems()
    assert analyzed.results["security"] == FileResult()
    assert analyzed.results["weaknesses"] == FileResult()
    assert analyzed.results["smells"] == FileResult()
    assert analyzed.unit_metrics(4) == {"cyclomatic_complexity": 2.0, "length": 4.0, "nesting_depth": 1.0, "parameters": 1.0}
    wanted, _ = analyzed_version.analyze("example.py", parsed, {6}, None, Config())
    assert [(issue.rule, issue.line) for issue in wanted.results["security"].issues] == [("B307", 6)]


def test_a_cut_is_keyed_by_its_statements_and_built_only_to_run_an_analyzer(monkeypatch: pytest.MonkeyPatch) -> None:
    from diffrisk.change import analyzed_version
    from diffrisk.config import Config
    from diffrisk.pyfile import slicing

    parsed = source('''
        import os; run = os.system

        def first(text):
            return eval(text)

        def second(text):
            return text
        ''')
    # Lines of one statement plan the same cut; another statement, another cut.  The import
    # line stays in both texts (the analyzers resolve names through it), but only a cut asked
    # for its line holds the assignment that shares it: the same text, another tree, another key.
    four, five = slicing.plan(parsed, {4}, keep_imports=True), slicing.plan(parsed, {5}, keep_imports=True)
    assert four is not None and five is not None
    assert (four.statements, four.key) == (five.statements, five.key) == (((0, None), (2, None)), four.key)
    assert slicing.plan(parsed, {8}, keep_imports=True) != four
    without, with_line = slicing.plan(parsed, {8}, keep_imports=True), slicing.plan(parsed, {2, 8}, keep_imports=True)
    assert without is not None and with_line is not None
    assert slicing.build(parsed, without).text == slicing.build(parsed, with_line).text
    assert (without.statements, with_line.statements) == (((0, None), (3, None)), ((0, None), (1, None), (3, None)))
    assert without.key != with_line.key
    assert slicing.plan(parsed, range(1, 9), keep_imports=True) is None

    analyzed_version._RESULTS.entries.clear()
    first, _ = analyzed_version.analyze("example.py", parsed, {5}, "blob", Config())
    assert [(issue.rule, issue.line) for issue in first.results["security"].issues] == [("B307", 5)]

    def refuse(*args: object) -> object:
        raise AssertionError("a kept result needs no cut")

    monkeypatch.setattr(slicing, "build", refuse)
    again, problems = analyzed_version.analyze("example.py", parsed, {4, 5}, "blob", Config())
    assert problems == analyzed_version.Problems()
    assert again.results == first.results
    analyzed_version._RESULTS.entries.clear()


def test_complexity_keeps_parts_within_their_text_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    # A log worker meets many versions of big statements: the kept parts are bounded by their
    # statements' text, and results do not depend on what was kept.
    monkeypatch.setattr(complexity, "KEPT_TEXT", 400)
    complexity._KEPT.clear()
    complexity._KEPT_TEXT[0] = 0
    first = complexity.analyze(parse("example.py", TRICKY))
    kept = [len(key[-1]) for key in complexity._KEPT]
    assert complexity._KEPT_TEXT[0] == sum(kept) <= 400
    assert complexity.analyze(parse("example.py", TRICKY)) == first
    expected_functions, expected_mi = radon_whole_file(ast.parse(TRICKY), TRICKY)
    assert {(metric.def_line, metric.value) for metric in first.unit_metrics} == expected_functions
    assert first.file_metrics == (("maintainability_index", expected_mi),)


def test_every_statement_that_holds_statements_is_compound() -> None:
    """child_bodies skips the kinds it does not list: a statement kind holding a body, handlers
    or cases that were missing from it would hide the functions defined inside."""
    from diffrisk.pyfile.source import COMPOUND_STATEMENTS

    kinds = [kind for kind in vars(ast).values() if isinstance(kind, type) and issubclass(kind, ast.stmt)]
    holding = {kind for kind in kinds if {"body", "orelse", "finalbody", "handlers", "cases"} & set(kind._fields)}
    assert holding == set(COMPOUND_STATEMENTS)
    assert child_bodies(ast.parse("x = 1").body[0]) == []
    module = ast.parse("try:\n    pass\nexcept E:\n    def f(): pass\nelse:\n    y = 2\n")
    assert [[type(node).__name__ for node in body] for body in child_bodies(module.body[0])] == [
        ["Pass"], ["Assign"], ["FunctionDef"],
    ]


def test_string_lines_finds_strings_in_decorators_and_nested_expressions() -> None:
    from diffrisk.pyfile.comments import string_lines

    text = (
        '@deco("""a\n'  # 1
        '# not a comment""")\n'  # 2
        "def f(): pass\n"  # 3
        "x = [1,\n"  # 4
        '     f"""{x}\n'  # 5
        '# text""", 2]\n'  # 6
        'y = "one line # text"\n'  # 7
        "class C:\n"  # 8
        '    """doc\n'  # 9
        '    # more doc"""\n'  # 10
    )
    assert string_lines(ast.parse(text)) == {2, 6, 10}


def test_bandit_loads_without_running_what_a_scan_never_uses() -> None:
    """rich's progress bar is registered but runs only when used: a scan never uses it, and a later
    use finds it whole, through the package too."""
    import subprocess
    import sys

    program = (
        "import sys\n"
        "from diffrisk.analyzers import security\n"
        "from diffrisk.pyfile.source import parse\n"
        "found = security.analyze(parse('x.py', 'import subprocess\\nsubprocess.call(\"ls\", shell=True)\\n'))\n"
        "print([(issue.rule, issue.line) for issue in found.issues])\n"
        "print('track' in vars(sys.modules['rich.progress']))\n"
        "import rich.progress\n"
        "print(callable(rich.progress.track), rich.progress.Progress.__module__, type(rich.progress).__name__)\n"
    )
    completed = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=False)
    assert completed.stdout.splitlines() == [
        "[('B404', 1), ('B602', 2), ('B607', 2)]", "False", "True rich.progress _Deferred",
    ], completed.stderr


def test_bandit_plugins_other_packages_install_are_not_run(tmp_path: Path) -> None:
    """bandit runs every test an installed package registers; diffrisk runs bandit's own only, so
    that a result depends on nothing the analysis cache's key does not name."""
    import subprocess
    import sys

    (tmp_path / "drplugin").mkdir()
    (tmp_path / "drplugin" / "__init__.py").write_text(
        "import bandit\n"
        "from bandit.core import test_properties as test\n"
        "@test.checks('Call')\n"
        "@test.test_id('B999')\n"
        "def any_print(context):\n"
        "    if context.call_function_name_qual == 'print':\n"
        "        return bandit.Issue(severity=bandit.HIGH, confidence=bandit.HIGH, text='print (plugin)')\n"
    )
    (tmp_path / "drplugin-1.0.dist-info").mkdir()
    (tmp_path / "drplugin-1.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: drplugin\nVersion: 1.0\n")
    (tmp_path / "drplugin-1.0.dist-info" / "entry_points.txt").write_text("[bandit.plugins]\nany_print = drplugin:any_print\n")
    code = tmp_path / "code.py"
    code.write_text("print('x')\n")
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}
    # The plugin is real: bandit itself runs it.
    bandit = subprocess.run(
        [sys.executable, "-m", "bandit", "-q", "-f", "json", str(code)], capture_output=True, text=True, env=environment, check=False,
    )
    assert [result["test_id"] for result in json.loads(bandit.stdout)["results"]] == ["B999"], bandit.stderr
    program = (
        "from diffrisk.analyzers import security\n"
        "from diffrisk.pyfile.source import parse\n"
        "print([issue.rule for issue in security.analyze(parse('x.py', \"print('x')\\nimport pickle\\n\")).issues])\n"
    )
    ours = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env=environment, check=False)
    assert ours.stdout.splitlines() == ["['B403']"], ours.stderr


def test_a_deferred_module_behaves_as_an_import_would(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import threading

    from diffrisk.analyzers import deferred

    package = tmp_path / "deferred_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "slow.py").write_text("import time\ntime.sleep(0.2)\nVALUE = 42\n")
    (package / "flaky.py").write_text(
        "import os\nif os.environ.get('DEFERRED_FAIL'):\n    raise RuntimeError('failed once')\nVALUE = 7\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("deferred_pkg", "deferred_pkg.slow", "deferred_pkg.flaky"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    deferred.defer("deferred_pkg.slow")
    deferred.defer("deferred_pkg.flaky")
    deferred.defer("deferred_pkg")  # imported already (by the two above): left as it is
    deferred_pkg = importlib.import_module("deferred_pkg")

    assert type(deferred_pkg).__name__ == "module"
    assert "VALUE" not in vars(deferred_pkg.slow)  # registered on its package, not run
    # Threads wait for the first to finish running it.
    seen: list[int] = []
    threads = [threading.Thread(target=lambda: seen.append(deferred_pkg.slow.VALUE)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == [42] * 6
    # A failed run is undone: the next import runs the module again, as after any failed import.
    monkeypatch.setenv("DEFERRED_FAIL", "1")
    with pytest.raises(RuntimeError, match="failed once"):
        _ = deferred_pkg.flaky.VALUE
    assert "deferred_pkg.flaky" not in sys.modules and not hasattr(deferred_pkg, "flaky")
    monkeypatch.delenv("DEFERRED_FAIL")
    flaky = importlib.import_module("deferred_pkg.flaky")
    assert (flaky.VALUE, type(flaky).__name__) == (7, "module")
    with pytest.raises(AttributeError, match="has no attribute 'missing'"):
        _ = deferred_pkg.slow.missing


def test_a_new_version_starts_from_the_kept_parts_of_its_base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A hook's new version shares all but the changed statements with HEAD's, which an earlier
    run analysed: radon runs on the changed statements only, and the result is radon's own."""
    from diffrisk.change import analyzed_version
    from diffrisk.change.disk_cache import DiskCache
    from diffrisk.config import Config

    # Operands of every kind of literal on the old side, whose parts are read back from disk.
    old_text = TRICKY + "\n\ndef odd(value=b'\\x00', rest=..., big=1e999, imaginary=1j, flag=True):\n    return -0.5, 10**40, None\n"
    old = parse("m.py", old_text)
    new_text = old_text + "\n\ndef added(value):\n    return value * 2\n"
    new = parse("m.py", new_text)
    expected = complexity.analyze(parse("m.py", new_text))
    previous = analyzed_version.use_disk_cache(DiskCache(str(tmp_path), "salt"))

    def new_process() -> None:
        complexity._KEPT.clear()
        complexity._KEPT_TEXT[0] = 0
        analyzed_version._RESULTS.entries.clear()

    try:
        new_process()
        analyzed_version.analyze("m.py", old, set(), "old-blob", Config())
        new_process()
        made: list[int] = []

        def counted(run: Any) -> Any:
            def part(node: ast.stmt, start: int) -> Any:
                made.append(start)
                return run(node, start)

            return part

        for name in ("_member", "_statement"):
            monkeypatch.setattr(complexity, name, counted(getattr(complexity, name)))
        analyzed, problems = analyzed_version.analyze("m.py", new, set(), "new-blob", Config(), base_id="old-blob")
    finally:
        analyzed_version.use_disk_cache(previous)
        new_process()
    assert problems == analyzed_version.Problems()
    assert made == [len(old_text.split("\n")) + 2]  # the added function's line, and nothing else
    assert analyzed.results["complexity"] == expected
