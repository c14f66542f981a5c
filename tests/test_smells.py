"""The smells of generated changes (DR-S001..DR-S009), each on a real repository, with exact
lines, and the cases that must not fire."""

from __future__ import annotations

import json
from typing import Any

import pytest

from diffrisk.main import main
from testing.repo import Repo
from testing.run import staged_report


def smells(report: dict[str, Any]) -> list[tuple[str, str, int]]:
    return sorted(
        (item["rule"], item["path"], item["line"]) for item in report["findings"] if item["rule"].startswith("DR-S")
    )


def messages(report: dict[str, Any], rule: str) -> list[str]:
    return [item["message"] for item in report["findings"] if item["rule"] == rule]


@pytest.fixture
def project(repo: Repo) -> Repo:
    repo.write("pyproject.toml", '[project]\nname = "shop"\ndependencies = ["requests>=2", "PyYAML"]\n'
               '[project.optional-dependencies]\ntest = ["pytest"]\n')
    repo.write("shop/__init__.py", "")
    repo.write("shop/orders.py", "def total(items):\n    return sum(items)\n")
    repo.write("tests/test_orders.py", (
        "from shop.orders import total\n\n\n"
        "def test_total():\n    assert total([1, 2]) == 3\n    assert total([]) == 0\n\n\n"
        "def test_types():\n    assert isinstance(total([1]), int)\n"
    ))
    repo.commit("start")
    return repo


# -- DR-S001 undeclared imports -------------------------------------------------------------------


def test_undeclared_import_is_found_and_declared_ones_are_not(project: Repo) -> None:
    project.write("shop/orders.py", (
        "import json\n"  # standard library
        "import requests\n"  # declared
        "import yaml\n"  # declared as PyYAML
        "import shop.orders\n"  # the project itself
        "from . import orders\n"  # relative
        "import reqeusts_oauth\n"  # typo-squatted: undeclared
        "try:\n    import ujson\nexcept ImportError:\n    ujson = None\n"  # optional
        "from huggingface_hub import snapshot\n"  # undeclared
        "\n\ndef total(items):\n    return sum(items)\n"
    ))
    report = staged_report(project)
    assert smells(report) == [("DR-S001", "shop/orders.py", 6), ("DR-S001", "shop/orders.py", 11)]
    assert [item["subject"] for item in report["findings"] if item["rule"] == "DR-S001"] == ["reqeusts_oauth", "huggingface_hub"]


def test_an_import_the_base_already_uses_is_a_note_not_a_new_dependency(project: Repo) -> None:
    project.write("shop/models.py", "import huggingface_hub\n")
    project.commit("models")
    project.write("shop/orders.py", "import huggingface_hub\nimport torch\n\n\ndef total(items):\n    return sum(items)\n")
    report = staged_report(project)
    assert smells(report) == [("DR-S001", "shop/orders.py", 2)]
    assert "shop/orders.py:1: `huggingface_hub` is already imported at the base, but not declared as a dependency" in report["notes"]


def test_an_import_declared_in_the_same_change_is_declared(project: Repo) -> None:
    project.write("requirements-extra.txt", "huggingface-hub==0.20  # models\n")
    project.write("shop/orders.py", "import huggingface_hub\n\n\ndef total(items):\n    return sum(items)\n")
    report = staged_report(project)
    assert [rule for rule in smells(report) if rule[0] == "DR-S001"] == []


def test_without_any_manifest_nothing_is_called_undeclared(repo: Repo) -> None:
    repo.write("app.py", "X = 1\n")
    repo.commit("start")
    repo.write("app.py", "import numpy\nX = 1\n")
    assert smells(staged_report(repo)) == []


def test_an_import_the_file_already_had_is_not_new(project: Repo) -> None:
    project.write("shop/orders.py", "import leftpad\n\n\ndef total(items):\n    return sum(items)\n")
    project.commit("leftpad")
    project.write("shop/orders.py", "import leftpad\nfrom leftpad import pad\n\n\ndef total(items):\n    return sum(items)\n")
    assert smells(staged_report(project)) == []


# -- DR-S002 new suppressions ---------------------------------------------------------------------


def test_new_suppressions_are_reported_old_ones_and_strings_are_not(project: Repo) -> None:
    project.write("shop/orders.py", (
        "import subprocess\n\n\n"
        "def total(items):  # type: ignore[no-untyped-def]\n"
        "    subprocess.call('ls', shell=True)  # nosec B602\n"
        "    text = '# noqa is only text here'\n"
        "    return sum(items)  # noqa: E501\n"
    ))
    project.write("tests/test_orders.py", (
        "import pytest\n\nfrom shop.orders import total\n\n\n"
        "@pytest.mark.skip(reason='flaky')\n"
        "def test_total():\n    assert total([1, 2]) == 3\n    assert total([]) == 0\n\n\n"
        "def test_types():\n    assert isinstance(total([1]), int)\n"
    ))
    report = staged_report(project)
    assert [rule for rule in smells(report) if rule[0] == "DR-S002"] == [
        ("DR-S002", "shop/orders.py", 4), ("DR-S002", "shop/orders.py", 5), ("DR-S002", "shop/orders.py", 7),
        ("DR-S002", "tests/test_orders.py", 6),
    ]
    assert messages(report, "DR-S002")[-1] == "new suppression: test skipped or expected to fail (@pytest.mark.skip)"
    project.commit("suppress")
    project.write("shop/orders.py", project.path.joinpath("shop/orders.py").read_text().replace("sum(items)", "sum(items) + 0"))
    assert [rule for rule in smells(staged_report(project)) if rule[0] == "DR-S002"] == []


# -- DR-S003 weakened tests -----------------------------------------------------------------------


def test_weakened_tests_are_reported(project: Repo) -> None:
    project.write("tests/test_orders.py", (
        "import pytest\n\nfrom shop.orders import total\n\n\n"
        "def test_total():\n    assert total([1, 2])\n    assert total([]) is not None\n\n\n"
        "def test_error():\n    with pytest.raises(Exception):\n        total(None)\n"
    ))
    report = staged_report(project)
    assert smells(report) == [
        ("DR-S003", "tests/test_orders.py", 6), ("DR-S003", "tests/test_orders.py", 11), ("DR-S003", "tests/test_orders.py", 12),
    ]
    assert sorted(messages(report, "DR-S003")) == [
        "weakened test: pytest.raises(Exception) accepts any error",
        "weakened test: test `test_total` assertions weakened: 2 that pin a value -> 0",
        "weakened test: test `test_types` removed (it had 1 assertion)",
    ]


def test_emptied_and_thinned_tests(project: Repo) -> None:
    project.write("tests/test_orders.py", (
        "from shop.orders import total\n\n\n"
        "def test_total():\n    assert total([1, 2]) == 3\n\n\n"
        "def test_types():\n    pass\n"
    ))
    report = staged_report(project)
    assert sorted(messages(report, "DR-S003")) == [
        "weakened test: test `test_total` assertions 2 -> 1",
        "weakened test: test `test_types` body emptied",
    ]


def test_a_test_moved_to_another_file_or_strengthened_is_not_weakened(project: Repo) -> None:
    project.write("tests/test_orders.py", (
        "from shop.orders import total\n\n\n"
        "def test_total():\n    assert total([1, 2]) == 3\n    assert total([]) == 0\n    assert total([5]) == 5\n"
    ))
    project.write("tests/test_types.py", (
        "from shop.orders import total\n\n\n"
        "def test_types():\n    assert isinstance(total([1]), int)\n"
    ))
    assert smells(staged_report(project)) == []


# -- DR-S004 swallowed errors ---------------------------------------------------------------------


def test_swallowed_errors(project: Repo) -> None:
    project.write("shop/orders.py", (
        "import logging\n\n\n"
        "def total(items):\n"
        "    try:\n        return sum(items)\n    except:\n        pass\n"  # 7
        "    try:\n        return sum(items)\n    except Exception:\n        return None\n"  # 11
        "    try:\n        return sum(items)\n    except (TypeError, ValueError):\n        pass\n"  # specific: fine
        "    try:\n        return sum(items)\n    except Exception:\n        logging.exception('total')\n"  # recorded: fine
        "    for item in items:\n        try:\n            item()\n        except BaseException:\n            continue\n"  # 24
        "    return 0\n"
    ))
    report = staged_report(project)
    assert [rule for rule in smells(report) if rule[0] == "DR-S004"] == [
        ("DR-S004", "shop/orders.py", 7), ("DR-S004", "shop/orders.py", 11), ("DR-S004", "shop/orders.py", 24),
    ]
    assert messages(report, "DR-S004") == [
        "swallowed error: bare except that does nothing",
        "swallowed error: except Exception that does nothing",
        "swallowed error: except BaseException that does nothing",
    ]


# -- DR-S005 stubs and elisions -------------------------------------------------------------------


def test_stubs_and_elisions(project: Repo) -> None:
    project.write("shop/orders.py", (
        "import abc\nimport typing\n\n\n"
        "def total(items):\n    return sum(items)\n\n\n"
        "def refund(order):\n    \"\"\"Refund an order.\"\"\"\n    raise NotImplementedError\n\n\n"  # 9
        "def ship(order):\n    ...\n\n\n"  # 14
        "def cancel(order):\n    # ... rest of the code remains the same\n    return order\n\n\n"  # 19
        "class Store(abc.ABC):\n    @abc.abstractmethod\n    def open(self):\n        ...\n\n\n"  # abstract: fine
        "class Reader(typing.Protocol):\n    def read(self) -> str: ...\n\n\n"  # protocol: fine
        "class BaseGateway:\n    def charge(self):\n        raise NotImplementedError\n\n\n"  # base class: fine
        "@typing.overload\ndef pick(x: int) -> int: ...\n"  # overload: fine
        "def pick(x):\n    return x\n"
    ))
    report = staged_report(project)
    assert [rule for rule in smells(report) if rule[0] == "DR-S005"] == [
        ("DR-S005", "shop/orders.py", 9), ("DR-S005", "shop/orders.py", 14), ("DR-S005", "shop/orders.py", 19),
    ]
    assert messages(report, "DR-S005") == [
        "stub left behind: `refund` body is only `raise NotImplementedError`",
        "stub left behind: `ship` body is only `...`",
        "elision comment: code may have been left out here",
    ]


def test_an_existing_stub_that_only_moved_is_not_new(project: Repo) -> None:
    project.write("shop/orders.py", "def total(items):\n    return sum(items)\n\n\ndef later():\n    pass\n")
    project.commit("stub")
    project.write("shop/orders.py", "def later():\n    pass\n\n\ndef total(items):\n    return sum(items)\n")
    assert smells(staged_report(project)) == []


# -- DR-S006 copy-paste ---------------------------------------------------------------------------


BLOCK = (
    "    response = session.get(url, timeout=timeout)\n"
    "    response.raise_for_status()\n"
    "    payload = response.json()\n"
    "    records = payload.get('records', [])\n"
    "    cleaned = [record for record in records if record.get('id')]\n"
    "    return sorted(cleaned, key=lambda record: record['id'])\n"
)


def test_copy_pasted_block_is_found_at_its_second_copy(project: Repo) -> None:
    project.write("shop/fetch.py", f"def users(session, url, timeout):\n{BLOCK}\n\ndef orders(session, url, timeout):\n{BLOCK}")
    project.write("shop/other.py", f"def items(session, url, timeout):\n{BLOCK}")
    report = staged_report(project)
    assert [rule for rule in smells(report) if rule[0] == "DR-S006"] == [("DR-S006", "shop/fetch.py", 11), ("DR-S006", "shop/other.py", 2)]
    assert messages(report, "DR-S006") == [
        "copy-pasted block: lines 11-16 repeat lines added at line 2",
        "copy-pasted block: lines 2-7 repeat lines added at shop/fetch.py:2",
    ]


def test_short_or_trivial_repeats_are_not_copy_paste(project: Repo) -> None:
    five = "".join(BLOCK.splitlines(keepends=True)[:5])
    closers = "    x = [\n        1,\n    ]\n    y = [\n        1,\n    ]\n    return x, y\n"
    project.write("shop/fetch.py", f"def a(session, url, timeout):\n{five}\n\ndef b(session, url, timeout):\n{five}\n\ndef c():\n{closers}\n\ndef d():\n{closers}")
    assert [rule for rule in smells(staged_report(project)) if rule[0] == "DR-S006"] == []


# -- DR-S007 sensitive files and DR-S008 untested changes -----------------------------------------


def test_sensitive_files(project: Repo) -> None:
    project.write(".github/workflows/ci.yml", "on: push\njobs: {}\n")
    project.write("Dockerfile", "FROM python:3.12\n")
    project.write("requirements.txt", "requests==2.32.0\n")
    project.write("pyproject.toml", project.path.joinpath("pyproject.toml").read_text() + "\n[tool.black]\nline-length = 100\n")
    report = staged_report(project)
    assert smells(report) == [
        ("DR-S007", ".github/workflows/ci.yml", 1), ("DR-S007", "Dockerfile", 1), ("DR-S007", "requirements.txt", 1),
    ]
    project.commit("ci")
    project.write("pyproject.toml", project.path.joinpath("pyproject.toml").read_text().replace('"PyYAML"', '"PyYAML>=6"'))
    assert smells(staged_report(project)) == [("DR-S007", "pyproject.toml", 3)]


def test_large_code_change_without_tests(project: Repo) -> None:
    body = "".join(f"    value_{index} = items[{index}] * {index + 2}\n" for index in range(100))
    project.write("shop/orders.py", f"def total(items):\n{body}    return sum(items)\n")
    report = staged_report(project)
    assert [rule for rule in smells(report) if rule[0] == "DR-S008"] == [("DR-S008", "shop/orders.py", 2)]
    assert messages(report, "DR-S008") == ["large code change without tests: 100 lines of Python code added, no test file changed"]
    project.write("tests/test_orders.py", "def test_more():\n    assert True\n")
    assert [rule for rule in smells(staged_report(project)) if rule[0] == "DR-S008"] == []


# -- accountable suppression ----------------------------------------------------------------------


def test_diffrisk_ignore_silences_with_a_reason_and_reports_bad_ones(project: Repo) -> None:
    project.write("shop/orders.py", (
        "def total(items):\n"
        "    try:\n        return sum(items)\n"
        "    except Exception:  # diffrisk: ignore[DR-S004] -- totals must never break checkout\n        return None\n"
        "    try:\n        return sum(items)\n"
        "    except Exception:  # diffrisk: ignore[DR-S004]\n        return None\n"
        "    value = 1  # diffrisk: ignore[DR-X999] -- typo\n"
        "    other = 2  # diffrisk: ignore[DR-S004] -- nothing here\n"
        "    return value + other\n"
    ))
    report = staged_report(project)
    # The ignore this change adds marks its finding; it does not take it away (a change cannot
    # write away its own risk).
    assert smells(report) == [
        ("DR-S004", "shop/orders.py", 4), ("DR-S004", "shop/orders.py", 8), ("DR-S009", "shop/orders.py", 8),
        ("DR-S009", "shop/orders.py", 10), ("DR-S009", "shop/orders.py", 11),
    ]
    assert [item["suppression"] for item in report["findings"] if item["rule"] == "DR-S004"] == [
        "# diffrisk: ignore[DR-S004] -- totals must never break checkout", None,
    ]
    assert messages(report, "DR-S009") == [
        "diffrisk ignore[DR-S004] has no reason (add: -- why), so it covers nothing",
        "diffrisk ignore names unknown rule DR-X999",
        "diffrisk ignore[DR-S004] covers no finding on this line",
    ]
    assert [
        (item["finding"]["rule"], item["finding"]["line"], item["reason"], item["counted"]) for item in report["suppressed"]
    ] == [("DR-S004", 4, "totals must never break checkout", True)]


def test_an_older_ignore_on_unchanged_code_still_silences(project: Repo) -> None:
    body = (
        "def total(items):\n"
        "    try:\n        return sum(items)\n"
        "    except Exception:  # diffrisk: ignore[DR-S004] -- totals must never break checkout\n        return None\n"
    )
    project.write("shop/orders.py", body)
    project.commit("total")
    project.write("shop/orders.py", body + "\n\ndef count(items):\n    return len(items)\n")
    report = staged_report(project)
    assert smells(report) == []


def test_explain_prints_each_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "dr-s001"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("DR-S001: undeclared import\n\nFires when: An added import of a top-level module that is not standard library")
    assert "\n\nThe change imports a top-level module" in out
    assert "# diffrisk: ignore[DR-S001] -- reason" in out
    assert main(["explain"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[0] == "DR-E001  changed Python that does not parse or decode"
    assert "DR-S009  invalid diffrisk ignore" in listed
    assert main(["explain", "DR-Z000"]) == 2
    assert capsys.readouterr().err == "diffrisk: error: unknown rule 'DR-Z000'; `diffrisk explain` lists them\n"


def test_empty_bodies_that_are_the_point_are_not_stubs(project: Repo) -> None:
    project.write("shop/cli.py", (
        "import click\n\n\n"
        "@click.group()\ndef cli():\n    pass\n\n\n"  # a click group
        "class Transport:\n    def send(self, request):\n        raise NotImplementedError\n\n"  # abstract by convention
        "    def __exit__(self, *args):\n        pass\n"  # a dunder no-op
    ))
    project.write("tests/test_cli.py", (
        "class FakeTransport:\n    def send(self, request):\n        pass\n\n\n"  # a test double
        "def test_fake():\n    assert FakeTransport().send(None) is None\n"
    ))
    project.write("examples/demo.py", "import click\nimport rich_click\n")
    project.write("pyproject.toml", project.path.joinpath("pyproject.toml").read_text().replace('"PyYAML"', '"PyYAML", "click"'))
    assert [rule for rule in smells(staged_report(project)) if rule[0] in ("DR-S001", "DR-S005")] == []


def test_flit_metadata_declares_dependencies(repo: Repo) -> None:
    repo.write("pyproject.toml", '[tool.flit.metadata]\nmodule = "shop"\nrequires = ["starlette >=0.12"]\n'
               '[tool.flit.metadata.requires-extra]\ntest = ["pytest >=4"]\n')
    repo.write("shop/__init__.py", "")
    repo.commit("start")
    repo.write("shop/app.py", "import starlette\nimport pytest\nimport uvicorn\n")
    assert [rule for rule in smells(staged_report(repo)) if rule[0] == "DR-S001"] == [("DR-S001", "shop/app.py", 3)]


# -- what an outside review found ------------------------------------------------------------------


def test_precision_cases(project: Repo) -> None:
    project.write("shop/orders.py", (
        "import flask\n\napp = flask.Flask(__name__)\n\n\n"
        "@app.route('/users')\ndef list_users():\n    pass\n\n\n"  # 7: a decorated stub is still a stub
        "class Base:\n    pass\n\n\n"
        "class User(Base):\n    def full_name(self):\n        pass\n\n\n"  # 16: a subclass of Base is no interface
        "def total(items):\n"
        "    # Validate early so the rest of the function can assume ints\n"  # prose, not an elision
        "    # Mock code goes here instead of network calls\n"
        "    try:\n        return sum(items)\n    except (OSError, Exception):\n        pass\n"  # 25
        "\n\nclass Handle:\n    def __del__(self):\n        try:\n            self.close()\n        except Exception:\n            pass\n"
    ))
    project.write("shop/legacy.py", "# flake8: noqa\n# mypy: ignore-errors\nX = 1\n")
    project.write("pyproject.toml", '[project]\nname = "shop"\ndependencies = ["requests-mock", "PyYAML", "requests", "pytest"]\n')
    project.write("tests/test_orders.py", (
        "import pytest\n\nfrom shop.orders import total\n\n\n"
        "@pytest.mark.parametrize(('items', 'expected'), [([1, 2], 3), ([], 0)])\n"
        "def test_total(items, expected):\n    assert total(items) == expected\n\n\n"  # 2 cases x 1 assert: no loss
        "def test_types():\n    assert isinstance(total([1]), int)\n"
        "    with pytest.raises(Exception, match='bad input'):\n        total(None)\n"  # pinned by match=
        "    with pytest.raises((ValueError, Exception)):\n        total('x')\n"  # 15: broad in a tuple
    ))
    report = staged_report(project)
    assert smells(report) == [
        ("DR-S001", "shop/orders.py", 1),  # requests-mock does not declare flask (nor would it requests)
        ("DR-S002", "shop/legacy.py", 1), ("DR-S002", "shop/legacy.py", 2),
        ("DR-S003", "tests/test_orders.py", 15),
        ("DR-S004", "shop/orders.py", 25),
        ("DR-S005", "shop/orders.py", 7), ("DR-S005", "shop/orders.py", 16),
        ("DR-S007", "pyproject.toml", 3),
    ]
    assert messages(report, "DR-S002") == ["new suppression: file-wide # noqa", "new suppression: file-wide # mypy: ignore-errors"]


def test_tool_only_manifest_declares_nothing_and_conda_environments_do(repo: Repo) -> None:
    repo.write("pyproject.toml", "[tool.black]\nline-length = 100\n")
    repo.write("app.py", "X = 1\n")
    repo.commit("start")
    repo.write("app.py", "import requests\nX = 1\n")
    assert smells(staged_report(repo)) == []
    repo.write("environment.yml", "name: app\ndependencies:\n  - python=3.12\n  - numpy=1.26\n  - pip:\n    - requests>=2\n")
    repo.commit("conda")
    repo.write("app.py", "import requests\nimport numpy\nimport pandas\nX = 1\n")
    assert smells(staged_report(repo)) == [("DR-S001", "app.py", 3)]


LONG = 50_000  # a regular expression that backtracks would take minutes on these; linear ones take milliseconds


def test_hostile_long_lines_are_read_in_linear_time(project: Repo) -> None:
    from diffrisk.change import dependencies
    from diffrisk.history import commits, provenance
    from diffrisk.pyfile import ignores

    assert provenance.of_commit("a", "a@x", "a", "a@x", "co-authored-by: " + " " * LONG + "x").ai_authored is False
    assert provenance.of_commit("a", "a@x", "a", "a@x", "\n" * LONG + "Generated with Claude Code").reason == "footer:claude"
    assert commits.parse_trailers("subject\n\nKey: a" + " " * LONG + "b") == (("Key", "a" + " " * LONG + "b"),)
    assert ignores.find("a.py", [(1, "# diffrisk: ignore[DR-S004] -- a" + " " * LONG + "b")], set()) == ()
    assert ignores.find("a.py", [(1, "# diffrisk: ignore[" * 1000)], set()) == ()
    assert list(dependencies.declared_in("requirements.txt", "a" + " " * LONG + "x\n")) == []
    project.write("shop/orders.py", "def total(items):\n    return sum(items)  " + "#" * LONG + "\n" + "# add " * 10_000 + "\n")
    assert smells(staged_report(project)) == []


def test_an_agent_cannot_accept_its_own_risk(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("pyproject.toml", '[tool.diffrisk]\nfail_level = "L1"\n')
    repo.write("app.py", "X = 1\n")
    repo.commit("start")
    repo.write("app.py", "".join(f"VALUE_{index} = {index}\n" for index in range(60)))
    repo.commit("Values\n\nCo-authored-by: Claude <noreply@anthropic.com>\nRisk-Accepted-By: Ana <ana@example.com>")
    assert main(["-C", str(repo.path), "check", "--commit", "HEAD", "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["verdict"]["accepted_by"] is None
    repo.git("commit", "-q", "--amend", "-m", "Values\n\nRisk-Accepted-By: Claude <noreply@anthropic.com>")
    assert main(["-C", str(repo.path), "check", "--commit", "HEAD", "--format", "json"]) == 1
    capsys.readouterr()


def test_command_line_fail_level_beats_the_ai_policy(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("pyproject.toml", '[tool.diffrisk.ai]\nfail_level = "L0"\n')
    repo.write("app.py", "X = 1\n")
    repo.commit("start")
    repo.write("app.py", "X = 2\n")
    assert main(["-C", str(repo.path), "check", "--ai", "--format", "json"]) == 1
    assert main(["-C", str(repo.path), "check", "--ai", "--fail-level", "L3", "--format", "json"]) == 0
    capsys.readouterr()


def test_ignore_text_inside_strings_is_not_an_ignore(project: Repo) -> None:
    project.write("shop/orders.py", (
        "HELP = 'silence with `# diffrisk: ignore[DR-S004] -- reason`'\n"
        "DOC = '''\n# diffrisk: ignore[DR-X999]\n'''\n\n\n"
        "def total(items):\n    return sum(items)\n"
    ))
    report = staged_report(project)
    assert (smells(report), report["suppressed"]) == ([], [])


def test_ignores_in_ci_files_count_and_markdown_documentation_does_not(project: Repo) -> None:
    project.write(".github/workflows/ci.yml", "on: push  # diffrisk: ignore[DR-S007] -- reviewed by the platform team\njobs: {}\n")
    project.write("README.md", "# Shop\n\nSilence a rule with `# diffrisk: ignore[DR-S004]` and a reason.\n")
    report = staged_report(project)
    # A workflow that names diffrisk may run it: editing it is a policy edit too (DR-S010).
    assert smells(report) == [("DR-S007", ".github/workflows/ci.yml", 1), ("DR-S010", ".github/workflows/ci.yml", 1)]
    assert [(item["finding"]["rule"], item["finding"]["path"], item["reason"]) for item in report["suppressed"]] == [
        ("DR-S007", ".github/workflows/ci.yml", "reviewed by the platform team"),
    ]


def test_comments_that_quote_the_ignore_syntax_are_not_ignores(project: Repo) -> None:
    project.write("shop/orders.py", (
        "#: ``# diffrisk: ignore[...]`` comments are read by diffrisk\n"
        "def total(items):\n    return sum(items)  # noqa: E501  # diffrisk: ignore[DR-S002] -- long on purpose\n"
    ))
    report = staged_report(project)
    assert smells(report) == [("DR-S002", "shop/orders.py", 3)]
    assert [(item["finding"]["rule"], item["finding"]["line"]) for item in report["suppressed"]] == [("DR-S002", 3)]


@pytest.mark.parametrize(("name", "near"), [
    ("reqeusts", "requests"), ("dateutils", "dateutil"), ("numpyy", "numpy"), ("requests", None), ("attrs", None),
])
def test_near_misses_of_popular_packages(name: str, near: str | None) -> None:
    from diffrisk.change.near_misses import POPULAR, near_miss

    assert near_miss(name, POPULAR) == near
