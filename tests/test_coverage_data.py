"""diffrisk.coverage: real coverage.py runs on small modules in tmp_path, read back from all
four formats, plus hand-edited and hostile data files."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from diffrisk.coverage import CoverageData, FileCoverage, read
from diffrisk.errors import ConfigError

MODULE = '''"""Doc."""


def f(x):
    if x > 0:
        return 1
    return 2


def g(items):
    total = 0
    for i in items:
        if i:
            total += i
    return total


def h():  # pragma: no cover
    return 3
'''
#: What coverage.py reports for MODULE after ``f(1); g([1, 2])``.
EXPECTED = FileCoverage(
    path="pkg/mod.py",
    executable=frozenset({4, 5, 6, 7, 10, 11, 12, 13, 14, 15}),
    executed=frozenset({4, 5, 6, 10, 11, 12, 13, 14, 15}),
    partial_branches=frozenset({5, 13}),
    has_branches=True,
)
#: Lines Python traced for that run: docstring and the excluded ``def h`` included.
TRACED = frozenset({1, 4, 5, 6, 10, 11, 12, 13, 14, 15, 18})
REPORTS = {"xml": "coverage.xml", "json": "coverage.json", "lcov": "coverage.lcov"}


def coverage(cwd: Path, *args: str) -> None:
    # Our own test run may be measured itself: its settings must not reach the child.
    env = {name: value for name, value in os.environ.items() if not name.startswith("COVERAGE_")}
    subprocess.run([sys.executable, "-m", "coverage", *args], check=True, cwd=cwd, env=env, capture_output=True)


def project(root: Path, calls: str = "f(1)\ng([1, 2])\n", package: str = "pkg") -> Path:
    (root / package).mkdir(parents=True, exist_ok=True)
    (root / package / "__init__.py").write_text("")
    (root / package / "mod.py").write_text(MODULE)
    (root / "run.py").write_text(f"from {package.replace('/', '.').removeprefix('src.')}.mod import f, g\n{calls}")
    return root


def run_all_formats(root: Path, data_file: str = ".coverage") -> None:
    coverage(root, "run", "--branch", f"--data-file={data_file}", "run.py")
    for kind, name in REPORTS.items():
        coverage(root, kind, f"--data-file={data_file}", "-o", name)


def texts(root: Path, *names: str) -> dict[str, str | None]:
    return {name: (root / name).read_text() for name in names}


@pytest.fixture
def measured(tmp_path: Path) -> Path:
    run_all_formats(project(tmp_path))
    return tmp_path


@pytest.mark.parametrize("name", [".coverage", *REPORTS.values()])
def test_every_format_gives_the_same_lines(measured: Path, name: str) -> None:
    data = read([str(measured / name)], str(measured), texts(measured, "pkg/mod.py"))
    assert data == CoverageData(files={"pkg/mod.py": EXPECTED}, sources=(str(measured / name),), notes=())


@pytest.mark.parametrize("name", REPORTS.values())
def test_reports_need_no_source_text(measured: Path, name: str) -> None:
    data = read([str(measured / name)], str(measured), {"pkg/mod.py": None})
    assert data.files == {"pkg/mod.py": EXPECTED}


def test_a_database_without_the_text_knows_only_the_traced_lines(measured: Path) -> None:
    data = read([str(measured / ".coverage")], str(measured), {"pkg/mod.py": None})
    assert data.files == {"pkg/mod.py": FileCoverage("pkg/mod.py", executable=None, executed=TRACED, has_branches=True)}


def test_all_formats_read_together(measured: Path) -> None:
    paths = [str(measured / name) for name in (".coverage", *REPORTS.values())]
    data = read(paths, str(measured), texts(measured, "pkg/mod.py"))
    assert data == CoverageData(files={"pkg/mod.py": EXPECTED}, sources=tuple(paths), notes=())


def test_statement_data_has_no_branches(tmp_path: Path) -> None:
    project(tmp_path)
    coverage(tmp_path, "run", "run.py")
    coverage(tmp_path, "xml", "-o", "coverage.xml")
    for name in (".coverage", "coverage.xml"):
        data = read([str(tmp_path / name)], str(tmp_path), texts(tmp_path, "pkg/mod.py"))
        assert data.files["pkg/mod.py"] == FileCoverage("pkg/mod.py", EXPECTED.executable, EXPECTED.executed)


def test_two_runs_merge_and_cover_each_others_branches(tmp_path: Path) -> None:
    project(tmp_path, calls="f(1)\ng([1, 2])\n")
    run_all_formats(tmp_path, "first.coverage")
    for name in REPORTS.values():
        (tmp_path / name).rename(tmp_path / f"first-{name}")
    (tmp_path / "run.py").write_text("from pkg.mod import f, g\nf(-1)\ng([0])\n")
    run_all_formats(tmp_path, "second.coverage")
    merged = FileCoverage(
        path="pkg/mod.py",
        executable=EXPECTED.executable,
        executed=frozenset({4, 5, 6, 7, 10, 11, 12, 13, 14, 15}),
        has_branches=True,
    )
    pairs = [("first.coverage", "second.coverage"), ("first-coverage.xml", "coverage.json"), ("first-coverage.lcov", "second.coverage")]
    for first, second in pairs:
        data = read([str(tmp_path / first), str(tmp_path / second)], str(tmp_path), texts(tmp_path, "pkg/mod.py"))
        assert data.files == {"pkg/mod.py": merged}, (first, second)


def test_parallel_data_combined_with_contexts(tmp_path: Path) -> None:
    project(tmp_path)
    (tmp_path / ".coveragerc").write_text("[run]\nbranch = true\nparallel = true\ndynamic_context = test_function\n")
    coverage(tmp_path, "run", "--context=first", "run.py")
    (tmp_path / "run.py").write_text("from pkg.mod import f, g\nf(-1)\n")
    coverage(tmp_path, "run", "--context=second", "run.py")
    coverage(tmp_path, "combine")
    data = read([str(tmp_path / ".coverage")], str(tmp_path), texts(tmp_path, "pkg/mod.py"))
    assert data.files == {
        "pkg/mod.py": FileCoverage(
            "pkg/mod.py", EXPECTED.executable, EXPECTED.executed | {7}, partial_branches=frozenset({13}), has_branches=True
        )
    }


def test_paths_from_another_machine(measured: Path) -> None:
    xml = (measured / "coverage.xml").read_text().replace(f"<source>{measured}</source>", "<source>/home/ci/build/proj</source>")
    (measured / "foreign.xml").write_text(xml)
    lcov = (measured / "coverage.lcov").read_text().replace("SF:pkg/mod.py", "SF:/home/ci/build/proj/pkg/mod.py")
    (measured / "foreign.lcov").write_text(lcov)
    for name in ("foreign.xml", "foreign.lcov"):
        data = read([str(measured / name)], str(measured), texts(measured, "pkg/mod.py"))
        assert data.files == {"pkg/mod.py": EXPECTED}


def test_windows_separators(measured: Path) -> None:
    xml = (measured / "coverage.xml").read_text()
    xml = xml.replace(f"<source>{measured}</source>", r"<source>C:\build\proj</source>").replace(
        'filename="pkg/mod.py"', r'filename="pkg\mod.py"'
    )
    (measured / "windows.xml").write_text(xml)
    lcov = (measured / "coverage.lcov").read_text().replace("SF:pkg/mod.py", "SF:C:\\build\\proj\\pkg\\mod.py")
    (measured / "windows.lcov").write_text(lcov)
    for name in ("windows.xml", "windows.lcov"):
        data = read([str(measured / name)], str(measured), texts(measured, "pkg/mod.py"))
        assert data.files == {"pkg/mod.py": EXPECTED}


def test_src_layout(tmp_path: Path) -> None:
    project(tmp_path, package="src/pkg")
    (tmp_path / ".coveragerc").write_text("[run]\nsource = src\n")
    (tmp_path / "run.py").write_text("import sys\nsys.path.insert(0, 'src')\nfrom pkg.mod import f, g\nf(1)\ng([1, 2])\n")
    run_all_formats(tmp_path)
    assert f"<source>{tmp_path / 'src'}</source>" in (tmp_path / "coverage.xml").read_text()
    expected = {"src/pkg/mod.py": FileCoverage("src/pkg/mod.py", EXPECTED.executable, EXPECTED.executed, EXPECTED.partial_branches, True)}
    for name in (".coverage", *REPORTS.values()):
        data = read([str(tmp_path / name)], str(tmp_path), texts(tmp_path, "src/pkg/mod.py"))
        assert data.files == expected, name


def test_paths_remapped_like_coverage_combine(measured: Path) -> None:
    tox = ".tox/py311/lib/python3.11/site-packages/pkg/mod.py"
    (measured / "tox.lcov").write_text((measured / "coverage.lcov").read_text().replace("SF:pkg/mod.py", f"SF:{tox}"))
    wanted = texts(measured, "pkg/mod.py")
    assert read([str(measured / "tox.lcov")], str(measured), wanted).files == {}
    remap = [("pkg/", "*/site-packages/pkg/")]
    assert read([str(measured / "tox.lcov")], str(measured), wanted, remap=remap).files == {"pkg/mod.py": EXPECTED}


def test_paths_outside_the_repository_are_ignored(measured: Path) -> None:
    lcov = (measured / "coverage.lcov").read_text()
    hostile = lcov + "SF:../../etc/passwd\nDA:1,1\nend_of_record\nSF:pkg/../../x.py\nDA:1,1\nend_of_record\n"
    (measured / "hostile.lcov").write_text(hostile)
    data = read([str(measured / "hostile.lcov")], str(measured), {"pkg/mod.py": None, "../../etc/passwd": None, "../x.py": None})
    assert data.files == {"pkg/mod.py": EXPECTED}
    assert data.notes == (f"{measured / 'hostile.lcov'}: 2 files outside the repository ignored",)


def test_two_checkouts_ending_alike_are_ambiguous(measured: Path) -> None:
    lcov = (measured / "coverage.lcov").read_text()
    both = lcov.replace("SF:pkg/mod.py", "SF:/ci/a/pkg/mod.py") + lcov.replace("SF:pkg/mod.py", "SF:/ci/b/pkg/mod.py")
    (measured / "both.lcov").write_text(both)
    data = read([str(measured / "both.lcov")], str(measured), {"pkg/mod.py": None})
    assert (data.files, data.notes) == (
        {},
        (f"{measured / 'both.lcov'}: several files in the data end with pkg/mod.py, so none is used for it",),
    )


def test_a_file_the_data_does_not_mention_has_no_entry(measured: Path) -> None:
    (measured / "pkg" / "other.py").write_text("x = 1\n")
    for name in (".coverage", *REPORTS.values()):
        data = read([str(measured / name)], str(measured), texts(measured, "pkg/mod.py", "pkg/other.py"))
        assert set(data.files) == {"pkg/mod.py"}


def test_data_of_an_edited_file_is_stale(measured: Path) -> None:
    edited = "# one\n# two\n" + MODULE
    why = {
        ".coverage": "line 1 is not a statement in the file's new text",
        "coverage.xml": "line 4 is not a statement in the file's new text",
        "coverage.json": "line 4 is not a statement in the file's new text",
        "coverage.lcov": "line 4 is not a statement in the file's new text",
    }
    for name, reason in why.items():
        data = read([str(measured / name)], str(measured), {"pkg/mod.py": edited})
        assert data.files["pkg/mod.py"].stale == f"{measured / name}: {reason}"
    shortened = "\n".join(MODULE.splitlines()[:8]) + "\n"
    data = read([str(measured / "coverage.json")], str(measured), {"pkg/mod.py": shortened})
    assert data.files["pkg/mod.py"].stale == f"{measured / 'coverage.json'}: line 10 is past the end of the file (8 lines)"


def test_lcov_line_checksums_tell_an_edit_that_keeps_the_statements(tmp_path: Path) -> None:
    project(tmp_path)
    (tmp_path / ".coveragerc").write_text("[lcov]\nline_checksums = true\n")
    run_all_formats(tmp_path)
    data = read([str(tmp_path / "coverage.lcov")], str(tmp_path), {"pkg/mod.py": MODULE.replace("total += i", "total -= i")})
    assert data.files["pkg/mod.py"].stale == f"{tmp_path / 'coverage.lcov'}: line 14's checksum differs from the file's new text"


def test_stale_data_beside_fresh_data_is_left_out(measured: Path) -> None:
    (measured / "old.lcov").write_text((measured / "coverage.lcov").read_text().replace("DA:15,1", "DA:30,1"))
    data = read([str(measured / "old.lcov"), str(measured / "coverage.json")], str(measured), texts(measured, "pkg/mod.py"))
    assert data.files == {"pkg/mod.py": EXPECTED}
    assert data.notes == (
        f"{measured / 'old.lcov'}: data for pkg/mod.py does not fit its new text (line 30 is past the end of the file (19 lines)); not used",
    )


BILLION_LAUGHS = (
    """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
"""
    + "".join(f' <!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">\n' for n in range(1, 10))
    + """]>
<coverage><sources><source>&lol9;</source></sources></coverage>
"""
)
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE coverage [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<coverage><sources><source>&secret;</source></sources></coverage>
"""


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY, '<!DOCTYPE coverage SYSTEM "http://example.com/x.dtd"><coverage/>'])
def test_xml_with_a_dtd_is_refused_at_once(tmp_path: Path, document: str) -> None:
    (tmp_path / "coverage.xml").write_text(document)
    started = time.perf_counter()
    with pytest.raises(ConfigError) as error:
        read([str(tmp_path / "coverage.xml")], str(tmp_path), {"pkg/mod.py": None})
    assert time.perf_counter() - started < 1
    assert (
        str(error.value)
        == f"coverage data {tmp_path / 'coverage.xml'}: XML with a DOCTYPE or entity declaration is refused (coverage reports have none)"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"SQLite format 3\x00" + b"garbage" * 20,
            "not a readable coverage.py database (Couldn't use data file '{path}': file is not a database: (SQLITE_NOTADB))",
        ),
        (b"hello\n", "not coverage data (expected a .coverage database, Cobertura XML, LCOV or coverage.py JSON)"),
        (b"", "not coverage data (expected a .coverage database, Cobertura XML, LCOV or coverage.py JSON)"),
        (b"<coverage><packages>", "malformed XML (no element found, line 1)"),
        (b"<project/>", "XML whose top element is <project>, not Cobertura's <coverage>"),
        (
            b'<coverage><packages><package><classes><class filename="a.py"><lines><line number="x"/>',
            "a Cobertura <line> without a whole-number 'number' or 'hits'",
        ),
        (b'{"files": ', "malformed JSON (Expecting value: line 1 column 11 (char 10))"),
        (b'{"files": {}}', "JSON, but not coverage.py's JSON report (no 'meta' and 'files')"),
        (b'{"meta": {}, "files": {"a.py": {"executed_lines": ["1"]}}}', "a 'files' entry whose lines or branches are not whole numbers"),
        (b"SF:a.py\nDA:one,1\nend_of_record\n", "malformed LCOV at line 2: 'DA:one,1'"),
    ],
)
def test_unusable_data_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "data"
    path.write_bytes(content)
    with pytest.raises(ConfigError) as error:
        read([str(path)], str(tmp_path), {"a.py": None})
    assert str(error.value) == f"coverage data {path}: " + message.replace("{path}", str(path))


def test_a_truncated_database(measured: Path) -> None:
    (measured / "cut.coverage").write_bytes((measured / ".coverage").read_bytes()[:4096])
    with pytest.raises(ConfigError, match=r"cut\.coverage: not a readable coverage\.py database .*SQLITE_CORRUPT"):
        read([str(measured / "cut.coverage")], str(measured), {"pkg/mod.py": None})


def test_missing_and_oversized_data_files(measured: Path) -> None:
    with pytest.raises(ConfigError) as error:
        read([str(measured / "absent.xml")], str(measured), {"pkg/mod.py": None})
    assert str(error.value) == f"coverage data {measured / 'absent.xml'}: no such file"
    for name in (".coverage", "coverage.xml"):
        with pytest.raises(ConfigError) as error:
            read([str(measured / name)], str(measured), {"pkg/mod.py": None}, max_bytes=1000)
        assert str(error.value) == f"coverage data {measured / name}: larger than the 1000-byte limit for coverage data"


def test_reading_reports_does_not_import_coverage(measured: Path) -> None:
    """Even with the files' text, whose staleness is judged by the standard library's parser:
    importing coverage.py costs more than reading a report (benchmarks/README.md)."""
    names = [str(measured / name) for name in REPORTS.values()]
    script = (
        "import sys\nfrom diffrisk.coverage import read\n"
        f"data = read({names!r}, {str(measured)!r}, {{'pkg/mod.py': {MODULE!r}}})\n"
        "print('coverage' in sys.modules, sorted(data.files['pkg/mod.py'].executable), data.files['pkg/mod.py'].stale)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True)
    assert result.stdout == f"False {sorted(EXPECTED.executable or ())} None\n"


TRICKY = '''import functools


@functools.cache
@staticmethod
def f(
    x,
):
    try:
        y = (x +
             1)
    except (ValueError,
            TypeError):
        raise
    else:
        pass
    finally:
        x = 2
    match x:
        case [1,
              2]:
            return 1
        case _:
            return \\
                2
'''


def test_the_lines_a_report_may_list_as_statements() -> None:
    """Decorators, clause lines and case patterns count; continuation lines do not.  Every
    statement coverage.py's own parser finds is among them."""
    from diffrisk.coverage import statements

    starts = statements.statement_starts(TRICKY)
    assert starts == frozenset({1, 4, 5, 6, 9, 10, 12, 14, 15, 16, 17, 18, 19, 20, 22, 23, 24})
    parsed = statements.parser(TRICKY)
    assert parsed is not None and parsed.statements <= starts
    assert statements.statement_starts("def broken(:\n") is None


def test_paths_groups_come_from_the_first_file_in_coverage_py_order() -> None:
    from diffrisk.coverage import settings

    setup_cfg = "[coverage:paths]\nsource =\n    src/\n    */site-packages/\nother =\n    lib/\n    build/lib/\n"
    pyproject = '[tool.coverage.paths]\nsource = ["app/", "/ci/app/"]\n'
    assert settings.path_groups({"setup.cfg": setup_cfg, "pyproject.toml": pyproject}) == (
        (("src/", "*/site-packages/"), ("lib/", "build/lib/")), "setup.cfg",
    )
    assert settings.path_groups({"setup.cfg": "[metadata]\nname = x\n", "pyproject.toml": pyproject}) == (
        (("app/", "/ci/app/"),), "pyproject.toml",
    )
    assert settings.path_groups({".coveragerc": "[paths\nbroken", "tox.ini": "[coverage:paths]\na =\n  x/\n  y/\n"}) == (
        (("x/", "y/"),), "tox.ini",
    )
    assert settings.path_groups({}) == ((), None)
