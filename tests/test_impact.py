"""Impact analysis (change.impact): the uses elsewhere of what a change edited or deleted, and the
calls that no longer fit (DR-S013), on real repositories analysed by the real pipeline."""

from __future__ import annotations

import ast
import os

import pytest

from diffrisk.change import impact, pipeline, signatures
from diffrisk.config import Config
from diffrisk.diffsource import contents, git
from diffrisk.diffsource.request import DiffRequest, SourceKind, load_diff
from diffrisk.errors import GitError
from diffrisk.model import Finding, Severity
from testing.repo import Repo

IO = (
    "def parse_row(row, sep=','):\n"  # 1
    "    return row.split(sep)\n"  # 2
    "\n"
    "\n"
    "def parse_all(rows):\n"  # 5
    "    return [parse_row(row) for row in rows]\n"  # 6
    "\n"
    "\n"
    "def legacy(row):\n"  # 9
    "    return row\n"  # 10
)
CLI = (
    "from app.io import parse_row\n"  # 1
    "\n"
    "\n"
    "def main(line):\n"  # 4
    "    return parse_row(line, sep=';')\n"  # 5
    "\n"
    "\n"
    "def other(line):\n"  # 8
    "    return parse_row(line)\n"  # 9
)
WEB = (
    "from app import io\n"  # 1
    "\n"
    "\n"
    "def handle(body):\n"  # 4
    "    return io.parse_row(body, '|')\n"  # 5
)


@pytest.fixture
def project(repo: Repo) -> Repo:
    repo.write("app/__init__.py", "")
    repo.write("app/io.py", IO)
    repo.write("app/cli.py", CLI)
    repo.write("app/web.py", WEB)
    repo.write("tests/test_io.py", "from app.io import parse_rows, parse_row\n")
    repo.write("README.md", "Call parse_row(row) to split a row.\n")
    repo.commit("start")
    return repo


def find(repo: Repo, request: DiffRequest, max_files: int = 200) -> tuple[tuple[impact.Impact, ...], tuple[Finding, ...]]:
    """impact.find on the change ``request`` names, with the analyses, texts and changed lines the
    pipeline makes of it."""
    where = git.Repo(cwd=str(repo.path))
    loaded = load_diff(request, where, b"")
    config = Config()
    wanted = pipeline.files_needing_contents(loaded.diff, config)
    found, _ = contents.load_contents(
        request, where, loaded.diff, wanted, loaded.in_repository, config.max_file_bytes, loaded.target, loaded.base
    )
    analyses = pipeline.analyze(loaded.diff, found, config)
    texts = {loaded.diff.files[index].path: (_text(sides.old), _text(sides.new)) for index, sides in found.items()}
    changed = {change.new_path: frozenset(change.added_lines) for change in loaded.diff.files if change.new_path}
    return impact.find(where, loaded.target, analyses, texts, changed, max_files)


def _text(data: bytes | None) -> str | None:
    return None if data is None else data.decode()


def committed(repo: Repo, message: str = "change") -> tuple[tuple[impact.Impact, ...], tuple[Finding, ...]]:
    return find(repo, DiffRequest(SourceKind.COMMIT, repo.commit(message)))


def by_name(impacts: tuple[impact.Impact, ...]) -> dict[str, impact.Impact]:
    return {found.name: found for found in impacts}


def located(findings: tuple[Finding, ...]) -> list[tuple[str, str, int, int, str]]:
    return [(finding.rule, finding.path, finding.line, finding.end_line, finding.message) for finding in findings]


# -- uses -----------------------------------------------------------------------------------------


def test_an_edited_function_counts_its_uses_in_other_files(project: Repo) -> None:
    project.write("app/io.py", IO.replace("return row.split(sep)", "return row.split(sep or ',')"))
    impacts, findings = committed(project)
    assert impacts == (impact.Impact(
        path="app/io.py", name="parse_row", kind="function",
        uses=(
            impact.Use("app/cli.py", 1), impact.Use("app/cli.py", 5), impact.Use("app/cli.py", 9),
            impact.Use("app/io.py", 6), impact.Use("app/web.py", 5), impact.Use("tests/test_io.py", 1),
        ),
        files=4, signature_changed=False, deleted=False,
    ),)
    assert impacts[0].reason() == (
        "`parse_row` changed; 6 uses in 4 files, none changed in this diff (app/cli.py 3, app/io.py 1, app/web.py 1, ...)"
    )
    assert findings == ()


def test_uses_on_lines_the_change_wrote_are_not_counted(project: Repo) -> None:
    project.write("app/io.py", IO.replace("return row.split(sep)", "return row.split(sep or ',')"))
    project.write("app/cli.py", CLI.replace("parse_row(line, sep=';')", "parse_row(line.strip(), sep=';')"))
    impacts, _ = committed(project)
    # main is edited too: it has a use only where it is defined, and that is not counted.
    assert [(found.name, found.uses) for found in impacts] == [
        ("main", ()),
        ("parse_row", (
            impact.Use("app/cli.py", 1), impact.Use("app/cli.py", 9), impact.Use("app/io.py", 6),
            impact.Use("app/web.py", 5), impact.Use("tests/test_io.py", 1),
        )),
    ]


# -- DR-S013 --------------------------------------------------------------------------------------


def test_a_removed_parameter_flags_the_calls_the_change_left_stale(project: Repo) -> None:
    project.write("app/io.py", IO.replace("def parse_row(row, sep=','):\n    return row.split(sep)", "def parse_row(row):\n    return row.split(',')"))
    # The change updates the call in web.py; the keyword call in cli.py stays as it was.
    project.write("app/web.py", WEB.replace("io.parse_row(body, '|')", "io.parse_row(body)"))
    impacts, findings = committed(project)
    found = by_name(impacts)["parse_row"]
    assert (found.signature_changed, found.changes) == (True, ("parameter 'sep' was removed",))
    assert found.reason() == ("`parse_row` changed its parameters (parameter 'sep' was removed); 5 uses in 3 files, none changed in this diff (app/cli.py 3, app/io.py 1, tests/test_io.py 1)")
    assert located(findings) == [(
        "DR-S013", "app/cli.py", 5, 5,
        "`parse_row(line, sep=';')` fits the old signature of parse_row (app/io.py:1) but not the new one: parameter 'sep' was removed",
    )]
    assert (findings[0].analyzer, findings[0].severity, findings[0].subject) == ("smells", Severity.MEDIUM, "parse_row")


def test_a_positional_call_and_a_module_attribute_call_are_judged(project: Repo) -> None:
    project.write("app/io.py", IO.replace("def parse_row(row, sep=','):\n    return row.split(sep)", "def parse_row(row):\n    return row.split(',')"))
    _, findings = committed(project)
    assert [(finding.path, finding.line, finding.message) for finding in findings] == [
        ("app/cli.py", 5,
         "`parse_row(line, sep=';')` fits the old signature of parse_row (app/io.py:1) but not the new one: parameter 'sep' was removed"),
        ("app/web.py", 5,
         "`io.parse_row(body, '|')` fits the old signature of parse_row (app/io.py:1) but not the new one: parameter 'sep' was removed"),
    ]


def test_adding_an_optional_parameter_breaks_nothing(project: Repo) -> None:
    project.write("app/io.py", IO.replace("def parse_row(row, sep=','):", "def parse_row(row, sep=',', strip=False):"))
    impacts, findings = committed(project)
    assert (impacts[0].signature_changed, impacts[0].changes, findings) == (False, (), ())


def test_a_new_required_parameter_flags_calls_without_it(project: Repo) -> None:
    project.write("app/io.py", IO.replace("def parse_row(row, sep=','):", "def parse_row(row, sep=',', *, strict):"))
    _, findings = committed(project)
    assert [(finding.path, finding.line) for finding in findings] == [
        ("app/cli.py", 5), ("app/cli.py", 9), ("app/io.py", 6), ("app/web.py", 5),
    ]
    assert findings[0].message.endswith("but not the new one: new parameter 'strict' has no default")


def test_a_method_is_judged_through_its_class_or_self_and_its_class_by_constructor(repo: Repo) -> None:
    first = "\n    def first(self):\n        return self.parse(True, limit=1)\n"  # 7-9
    repo.write("app/parser.py", (
        "class Parser:\n"  # 1
        "    def __init__(self, text):\n"  # 2
        "        self.text = text\n"  # 3
        "\n"
        "    def parse(self, strict, limit=10):\n"  # 5
        "        return self.text[:limit]\n"  # 6
    ) + first)
    repo.write("app/use.py", (
        "from app.parser import Parser\n"  # 1
        "\n"
        "parser = Parser('a')\n"  # 3
        "parser.parse(True, limit=3)\n"  # 4: another object's .parse may be meant: a use, not a finding
        "Parser.parse(parser, True)\n"  # 5
        "parser.parse(limit=3)\n"  # 6: never fitted, not this change's doing
    ))
    repo.commit("start")
    repo.write("app/parser.py", (
        "class Parser:\n"
        "    def __init__(self, text, encoding):\n"
        "        self.text = text\n"
        "\n"
        "    def parse(self, strict, *, size=10):\n"
        "        return self.text[:size]\n"
    ) + first)
    impacts, findings = committed(repo)
    assert [(found.name, found.kind, found.changes, len(found.uses)) for found in impacts] == [
        ("Parser", "class", ("new parameter 'encoding' has no default",), 3),
        ("Parser.parse", "function", ("parameter 'limit' was removed",), 4),
    ]
    assert located(findings) == [
        ("DR-S013", "app/parser.py", 9, 9,
         "`self.parse(True, limit=1)` fits the old signature of Parser.parse (app/parser.py:5) but not the new one: "
         "parameter 'limit' was removed (matched by name only)"),
        ("DR-S013", "app/use.py", 3, 3,
         "`Parser('a')` fits the old signature of Parser (app/parser.py:1) but not the new one: new parameter 'encoding' has no default"),
    ]


def test_a_call_on_the_class_passes_self_itself(repo: Repo) -> None:
    repo.write("app/parser.py", "class Parser:\n    def parse(self, strict):\n        return strict\n")
    repo.write("app/use.py", "from app.parser import Parser\n\nParser.parse(object(), True)\n")
    repo.commit("start")
    repo.write("app/parser.py", "class Parser:\n    def parse(self):\n        return True\n")
    _, findings = committed(repo)
    assert [(finding.line, finding.message) for finding in findings] == [
        (3, "`Parser.parse(object(), True)` fits the old signature of Parser.parse (app/parser.py:2) but not the new one: "
            "parameter 'strict' was removed"),
    ]


def test_a_deleted_function_still_called_or_imported(project: Repo) -> None:
    project.write("app/compat.py", "def legacy(row):\n    return row\n")
    project.write("app/old.py", "from app.io import legacy\n\nlegacy('a')\n")
    # Another module's legacy is not the deleted one.
    project.write("app/other.py", "from app.compat import legacy\n\nlegacy('a')\n")
    project.write("app/own.py", "def legacy():\n    return 1\n\n\nlegacy()\n")
    project.commit("more callers")
    project.write("app/io.py", IO.replace("\n\ndef legacy(row):\n    return row\n", ""))
    impacts, findings = committed(project)
    found = by_name(impacts)["legacy"]
    assert (found.path, found.deleted, found.files, found.signature_changed) == ("app/io.py", True, 4, False)
    assert found.reason() == (
        "`legacy` was deleted; 7 uses in 4 files, none changed in this diff (app/old.py 2, app/other.py 2, app/own.py 2, ...)"
    )
    assert located(findings) == [
        ("DR-S013", "app/old.py", 1, 1, "`from app.io import legacy` imports legacy, which this change deleted"),
        ("DR-S013", "app/old.py", 3, 3, "`legacy('a')` calls legacy, which this change deleted"),
    ]


def test_a_renamed_function_flags_the_callers_of_its_old_name(repo: Repo) -> None:
    repo.write("app/io.py", "def parse_row(row):\n    return row.split(',')\n")
    repo.write("app/cli.py", "from app import io\n\nio.parse_row('a,b')\n")
    repo.commit("start")
    repo.write("app/io.py", "def parse_line(row):\n    return row.split(',')\n")
    impacts, findings = committed(repo)
    assert [(found.name, found.renamed_from, found.uses) for found in impacts] == [
        ("parse_line", "parse_row", (impact.Use("app/cli.py", 3),)),
    ]
    assert impacts[0].reason() == "`parse_line` was renamed from `parse_row`; 1 use in 1 file, none changed in this diff (app/cli.py 1)"
    assert [finding.message for finding in findings] == ["`io.parse_row('a,b')` calls parse_row, which this change renamed to parse_line"]


def test_a_name_a_new_function_took_is_not_a_rename(repo: Repo) -> None:
    body = "    if not text:\n        return text\n    parts = [part for part in text.split(safe)]\n    return safe.join(parts)\n"
    repo.write("app/url.py", f"def quote(text, safe='/'):\n{body}")
    repo.write("app/use.py", "from app.url import quote\n\nquote('a b')\n")
    repo.commit("start")
    # git pairs the old quote with percent_encoded, its look-alike; quote is a new function.
    repo.write("app/url.py", f"def percent_encoded(text, safe='/'):\n{body}\n\ndef quote(text):\n    return text.replace(' ', '%20')\n")
    impacts, findings = committed(repo)
    assert [(found.name, found.renamed_from, found.uses, found.signature_changed) for found in impacts] == [("percent_encoded", None, (), False)]
    assert findings == ()


def test_overload_stubs_are_not_the_signature(repo: Repo) -> None:
    repo.write("app/filters.py", (
        "def template_filter(name=None):\n"
        "    if name is None:\n        name = 'default'\n    registry[name] = True\n    log(name)\n    return name\n"
    ))
    repo.write("app/use.py", "from app.filters import template_filter\n\ntemplate_filter()\n")
    repo.commit("start")
    # The body is rewritten beyond recognition, so the change is paired with the first stub.
    repo.write("app/filters.py", (
        "from typing import overload\n\n\n"
        "@overload\ndef template_filter(name: str) -> str: ...\n\n\n"
        "@overload\ndef template_filter(name: None = None) -> None: ...\n\n\n"
        "def template_filter(name=None):\n    return callable(name) and name\n"
    ))
    impacts, findings = committed(repo)
    assert [(found.name, found.signature_changed, found.uses) for found in impacts] == [
        ("template_filter", False, (impact.Use("app/use.py", 1), impact.Use("app/use.py", 3))),
    ]
    assert findings == ()


# -- where to search ------------------------------------------------------------------------------


def test_staged_changes_search_the_index(project: Repo) -> None:
    project.write("app/io.py", IO.replace("def parse_row(row, sep=','):\n    return row.split(sep)", "def parse_row(row):\n    return row.split(',')"))
    project.stage()
    # Fixed in the work tree only: what would be committed still holds the stale call.
    project.write("app/cli.py", CLI.replace("parse_row(line, sep=';')", "parse_row(line)"))
    project.write("app/web.py", "")
    impacts, findings = find(project, DiffRequest(SourceKind.STAGED))
    assert impacts[0].files == 4
    assert [(finding.path, finding.line) for finding in findings] == [("app/cli.py", 5), ("app/web.py", 5)]


def test_hostile_paths_are_read_whole(project: Repo) -> None:
    caller = "app/my dir/a:b.py"
    project.write(caller, "from app.io import parse_row\n\nparse_row('x', sep=':')\n")
    project.commit("caller")
    project.write("app/io.py", IO.replace("def parse_row(row, sep=','):", "def parse_row(row, separator=','):"))
    impacts, findings = committed(project)
    assert impact.Use(caller, 3) in impacts[0].uses
    assert impacts[0].changes == ("parameter 'sep' was renamed to 'separator'",)
    assert [(finding.path, finding.line) for finding in findings] == [("app/cli.py", 5), (caller, 3)]
    assert findings[1].message.endswith("but not the new one: parameter 'sep' was renamed to 'separator'")


def test_paths_git_cannot_be_asked_for_by_line_still_count_as_uses(project: Repo) -> None:
    # A newline, and a byte that is not UTF-8: uses are found, the files are not read for findings.
    odd = ["app/new\nline.py", os.fsdecode(b"app/caf\xe9.py")]
    for path in odd:
        project.write(path, "from app.io import parse_row\n\nparse_row('x', sep=':')\n")
    project.commit("callers")
    project.write("app/io.py", IO.replace("def parse_row(row, sep=','):", "def parse_row(row):"))
    impacts, findings = committed(project)
    assert {impact.Use(path, line) for path in odd for line in (1, 3)} <= set(impacts[0].uses)
    assert [finding.path for finding in findings] == ["app/cli.py", "app/web.py"]


def test_files_that_do_not_parse_are_skipped(project: Repo) -> None:
    project.write("app/broken.py", "from app.io import parse_row\nparse_row('x', sep=\n")
    project.commit("broken")
    project.write("app/io.py", IO.replace("def parse_row(row, sep=','):", "def parse_row(row):"))
    impacts, findings = committed(project)
    assert impact.Use("app/broken.py", 2) in impacts[0].uses
    assert [finding.path for finding in findings] == ["app/cli.py", "app/web.py"]


def test_max_files_caps_the_files_parsed(project: Repo) -> None:
    project.write("app/io.py", IO.replace("def parse_row(row, sep=','):", "def parse_row(row):"))
    sha = project.commit()
    impacts, findings = find(project, DiffRequest(SourceKind.COMMIT, sha), max_files=1)
    assert (impacts[0].files, [finding.path for finding in findings]) == (4, ["app/cli.py"])


def test_nothing_matching_is_no_use(project: Repo) -> None:
    # legacy is named nowhere once deleted: git grep finds nothing and exits 1.
    project.write("app/io.py", IO.replace("\n\ndef legacy(row):\n    return row\n", ""))
    impacts, findings = committed(project)
    assert impacts == (impact.Impact("app/io.py", "legacy", "function", (), 0, False, True),)
    assert impacts[0].reason() == "`legacy` was deleted; no uses elsewhere"
    assert findings == ()


def test_a_change_without_functions_searches_nothing(project: Repo) -> None:
    project.write("app/io.py", "import os\n" + IO)
    assert committed(project) == ((), ())


def test_a_revision_that_cannot_be_searched_is_an_error(project: Repo) -> None:
    project.write("app/io.py", IO.replace("\n\ndef legacy(row):\n    return row\n", ""))
    sha = project.commit()
    where = git.Repo(cwd=str(project.path))
    loaded = load_diff(DiffRequest(SourceKind.COMMIT, sha), where, b"")
    analyses = pipeline.analyze(loaded.diff, None, Config())
    texts = {"app/io.py": (IO, None)}
    with pytest.raises(GitError, match="unknown revision"):
        impact.find(where, "0" * 40, analyses, texts, {})
    with pytest.raises(GitError, match="not a revision"):
        impact.find(where, "--output=x", analyses, texts, {})


# -- signatures -----------------------------------------------------------------------------------


def signature(header: str, drop_first: bool = False) -> signatures.Signature:
    node = ast.parse(f"def {header}: pass").body[0]
    assert isinstance(node, ast.FunctionDef)
    return signatures.signature(node.args, drop_first)


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("f(a, b=1)", "f(a, b=1, c=2)", {}),
    ("f(a, b=1)", "f(a, *, b=1)", {"b": "parameter 'b' is now keyword-only"}),
    ("f(a, b)", "f(a, b, /)", {"a": "parameter 'a' is now positional-only", "b": "parameter 'b' is now positional-only"}),
    ("f(a, /, b)", "f(a, b)", {}),
    ("f(a, b)", "f(b, a)", {"a": "parameter 'a' moved from position 1 to 2", "b": "parameter 'b' moved from position 2 to 1"}),
    ("f(a, b=1)", "f(a, b)", {"b": "parameter 'b' no longer has a default"}),
    ("f(a, *args, **kwargs)", "f(a)", {"*args": "*args was removed", "**kwargs": "**kwargs was removed"}),
    ("f(a, *, key=None)", "f(a, **options)", {}),
    ("f(a, *, key=None)", "f(a)", {"key": "parameter 'key' was removed"}),
    ("f(self, a)", "f(self, a, b=2)", {}),
])
def test_incompatible_changes(old: str, new: str, expected: dict[str, str]) -> None:
    assert signatures.changes(signature(old), signature(new)) == expected


def test_binding_follows_python() -> None:
    method = signature("m(self, a, /, b, *, c, d=1)", drop_first=True)
    assert signatures.bind(method, 2, ["c"]) is None
    assert signatures.bind(method, 3, ["c"]) == ("positional", "3")
    assert signatures.bind(method, 1, ["b"]) == ("missing", "c")
    assert signatures.bind(method, 1, ["a", "b", "c"]) == ("unexpected", "a")
    assert signatures.bind(method, 2, ["b", "c"]) == ("twice", "b")
    assert signatures.bind(signature("f(a, /, **kw)"), 1, ["a"]) is None
