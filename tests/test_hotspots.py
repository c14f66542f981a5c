"""Where to look first: the bug list's tiers and order, the security list beside it, and the files
that usually change with a changed one (DR-H001), on real repositories."""

from __future__ import annotations

from typing import Any

from testing.repo import Repo
from testing.run import check_json

PARSER = '''def parse(text):
    """Split a line into fields."""
    fields = []
    for part in text.split(","):
        part = part.strip()
        if part.startswith('"') and part.endswith('"'):
            part = part[1:-1]
        if not part:
            continue
        fields.append(part)
    return fields
'''


def spots(report: dict[str, Any], key: str = "hotspots") -> list[tuple[Any, ...]]:
    return [(spot["path"], spot["name"], spot["source"]) for spot in report[key]]


def test_product_code_comes_before_tests_and_deleted_functions_come_last(repo: Repo) -> None:
    repo.write("app/old.py", 'def gone():\n    """Gone."""\n    return 1\n')
    repo.commit("start")
    repo.write("app/old.py", "")
    repo.write("app/fields.py", PARSER)
    # A much bigger test function: most added lines, but test code never leads the list.
    repo.write("tests/test_fields.py", "def test_parse():\n" + "".join(f"    assert {n} == {n}\n" for n in range(40)))
    repo.stage()
    _, report = check_json(repo)
    assert spots(report) == [
        ("app/fields.py", "parse", "bugs"), ("tests/test_fields.py", "test_parse", "bugs"), ("app/old.py", "gone", "bugs"),
    ]
    assert [spot["likelihood"] for spot in report["hotspots"]] == [94, 6, 0]
    first = report["hotspots"][0]
    assert (first["terms"]["added"], first["terms"]["test"], first["terms"]["removed_unit"]) == (2.4849, 0.0, 0.0)  # log(1 + 11 added lines)


def test_a_security_finding_has_its_own_list_and_does_not_take_the_top_spot(repo: Repo) -> None:
    repo.write("app/__init__.py", "")
    repo.commit("start")
    repo.write("app/fields.py", PARSER)
    repo.write("app/run.py", 'import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n')
    repo.stage()
    _, report = check_json(repo)
    assert spots(report)[0] == ("app/fields.py", "parse", "bugs")
    assert [(spot["path"], spot["name"], spot["source"], spot["lines"], spot["reasons"]) for spot in report["security_hotspots"]] == [
        ("app/run.py", "run", "security", [5], ["B602"]),
        ("app/run.py", "<module>", "security", [1], ["B404"]),
    ]


def _couple(repo: Repo, rounds: int) -> None:
    """``rounds`` commits that change app/model.py and app/schema.py together."""
    for index in range(rounds):
        repo.write("app/model.py", f"VERSION = {index}\n")
        repo.write("app/schema.py", f"FIELDS = {index}\n")
        repo.commit(f"model and schema {index}")


def test_a_file_that_always_changed_with_this_one_and_is_left_out_is_dr_h001(repo: Repo) -> None:
    _couple(repo, 5)
    repo.write("app/model.py", "VERSION = 99\n")
    repo.stage()
    _, report = check_json(repo)
    assert [(f["rule"], f["path"], f["line"], f["subject"], f["message"]) for f in report["findings"]] == [
        ("DR-H001", "app/model.py", 1, "app/schema.py",
         "changed with app/schema.py in 5 of its last 5 changes; app/schema.py is not in this change"),
    ]


def test_co_change_needs_support_and_is_quiet_when_the_partner_is_in_the_change(repo: Repo) -> None:
    _couple(repo, 4)  # together 4 times: below the support of 5
    repo.write("app/model.py", "VERSION = 99\n")
    repo.stage()
    assert [f["rule"] for f in check_json(repo)[1]["findings"]] == []
    repo.git("reset", "-q", "--hard")
    _couple(repo, 1)
    repo.write("app/model.py", "VERSION = 99\n")
    repo.write("app/schema.py", "FIELDS = 99\n")
    repo.stage()
    assert [f["rule"] for f in check_json(repo)[1]["findings"]] == []


def test_a_partner_deleted_since_is_not_expected(repo: Repo) -> None:
    _couple(repo, 5)
    repo.git("rm", "-q", "app/schema.py")
    repo.commit("drop the schema")
    repo.write("app/model.py", "VERSION = 99\n")
    repo.stage()
    assert [f["rule"] for f in check_json(repo)[1]["findings"]] == []


def test_a_call_the_change_left_behind_is_dr_s013_and_the_hotspot_says_who_uses_it(repo: Repo) -> None:
    repo.write("app/io.py", 'def parse_row(text, sep=","):\n    return text.split(sep)\n')
    repo.write("app/cli.py", 'from app.io import parse_row\n\n\ndef main(line):\n    return parse_row(line, ";")\n')
    repo.commit("start")
    repo.write("app/io.py", "def parse_row(text):\n    return text.split()\n")
    sha = repo.commit("split on whitespace")
    _, report = check_json(repo, "--commit", sha)
    assert [(f["rule"], f["path"], f["line"], f["subject"]) for f in report["findings"]] == [
        ("DR-S013", "app/cli.py", 5, "parse_row"),
    ]
    spot = report["hotspots"][0]
    assert (spot["name"], spot["terms"]["uses"]) == ("parse_row", 1.0986)  # log(1 + 2 uses)
    assert spot["reasons"][-1] == (
        "`parse_row` changed its parameters (parameter 'sep' was removed); 2 uses in 1 file, "
        "none changed in this diff (app/cli.py 2)"
    )


def test_impact_can_be_switched_off(repo: Repo) -> None:
    repo.write("pyproject.toml", "[tool.diffrisk.analyzers]\nimpact = false\n")
    repo.write("app/io.py", 'def parse_row(text, sep=","):\n    return text.split(sep)\n')
    repo.write("app/cli.py", 'from app.io import parse_row\n\n\ndef main(line):\n    return parse_row(line, ";")\n')
    repo.commit("start")
    repo.write("app/io.py", "def parse_row(text):\n    return text.split()\n")
    sha = repo.commit("split on whitespace")
    _, report = check_json(repo, "--commit", sha)
    assert (report["findings"], report["hotspots"][0]["terms"]["uses"]) == ([], 0.0)
