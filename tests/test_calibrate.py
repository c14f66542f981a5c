"""SZZ labelling and ``diffrisk calibrate`` on real repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from diffrisk.diffsource import git
from diffrisk.history import commits, fixes, szz
from diffrisk.main import main
from testing.repo import Repo


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Fix crash when the header is empty", True),
        ("fixes a regression in parse()", True),
        ("Fix typo in README", False),
        ("docs: fix link", False),
        ("Add retry support\n\nFixes #123", True),
        ("Prefix names with the module", False),
        ("Bump version", False),
    ],
)
def test_fix_commits_are_recognised(message: str, expected: bool) -> None:
    assert fixes.is_fix(message) is expected


def test_blame_names_the_commit_that_wrote_the_fixed_line(repo: Repo) -> None:
    repo.write("calc.py", 'def ratio(a, b):\n    """Ratio."""\n    return a / b\n')
    first = repo.commit("add ratio")
    repo.write("calc.py", 'def ratio(a, b):\n    """Ratio."""\n    total = a + b\n    return a / b\n')
    inducing = repo.commit("add total")
    repo.write("calc.py", 'def ratio(a, b):\n    """Ratio."""\n    total = a + b\n    return a / b if b else 0.0\n')
    repo.commit("Fix division by zero in ratio")
    repo.write("tests/test_calc.py", "def test_ratio():\n    assert True\n")
    repo.commit("Fix the test")
    target = git.Repo(cwd=str(repo.path))
    found = [commit for commit in commits.history(target, None) if fixes.is_fix(commit.message)]
    assert [commit.message.split("\n")[0] for commit in found] == ["Fix the test", "Fix division by zero in ratio"]
    assert szz.bug_inducing(target, found) == {first}
    assert inducing not in szz.bug_inducing(target, found)


def test_blamed_lines_keep_the_path_and_line_the_inducing_commit_wrote(repo: Repo) -> None:
    repo.write("old name.py", "def ratio(a, b):\n    return 1\n")
    repo.commit("start")
    repo.write("old name.py", "import math\n\n\ndef ratio(a, b):\n    return a / b\n")
    inducing = repo.commit("divide")
    repo.git("mv", "old name.py", "calc.py")
    repo.commit("rename")
    repo.write("calc.py", "import math\n\n\ndef ratio(a, b):\n    return a / b if b else 0.0\n")
    repo.commit("Fix division by zero")
    target = git.Repo(cwd=str(repo.path))
    found = [commit for commit in commits.history(target, None) if fixes.is_fix(commit.message)]
    assert szz.blamed_lines(target, found) == {szz.BlamedLine(inducing, "old name.py", 5)}


def test_a_short_history_is_refused(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("a.py", "A = 1\n")
    repo.commit("a")
    assert main(["calibrate", "-C", str(repo.path), "--jobs", "1"]) == 2
    assert capsys.readouterr().err == (
        "diffrisk: error: the history is too short to fit anything honest: only 0 commits are over 365 days old "
        "(needs 200 mature commits changing Python, 30 of them bug-inducing)\n"
    )


def test_write_replaces_only_the_weights_and_thresholds(tmp_path: pytest.TempPathFactory) -> None:
    from pathlib import Path

    from diffrisk import config
    from diffrisk.commands.calibrate import write
    from diffrisk.scoring import calibration

    path = Path(str(tmp_path)) / "pyproject.toml"
    path.write_text('[project]\nname = "demo"  # keep me\n\n[tool.diffrisk]\nfail_level = "L2"\nweights = { size = 3 }\n')
    result = calibration.Calibration(
        300, 40, 90, {"size": 1.2, "complexity": 0.1, "security": 0.9, "readability": 0.02}, (12, 30, 55), 0.7, 0.75, 0.74,
    )
    write(str(path), result)
    text = path.read_text()
    assert 'name = "demo"  # keep me' in text
    loaded = config.load(None, str(path.parent))
    assert loaded.fail_level.value == "L2"
    assert loaded.weights == {"size": 1.2, "complexity": 0.1, "security": 0.9, "readability": 0.02, "smells": 1.0, "history": 1.0, "tests": 1.0}
    assert loaded.thresholds == (12, 30, 55)


def test_fit_writes_only_scored_components_and_rising_thresholds() -> None:
    from diffrisk.model import CommitScore, ComponentName
    from diffrisk.scoring import calibration

    def row(index: int, size: float, history: float) -> CommitScore:
        parts = tuple((name, 0, {ComponentName.SIZE: size, ComponentName.HISTORY: history}.get(name, 0.0)) for name in ComponentName)
        return CommitScore(f"{index:040x}", "a", "a@x", 0, components=parts)

    # 300 commits: the bigger ones (size 1.0) and those with a history of fixes are more often
    # bug-inducing; nothing else has points, so nothing else is fitted.
    rows = [row(index, 1.0 if index % 2 else 0.2, 0.5 if index % 3 == 0 else 0.0) for index in range(300)]
    labels = [int(index % 2 == 1 and index % 5 < 3 or index % 3 == 0 and index % 4 == 0) for index in range(300)]
    result = calibration.fit(rows, labels, fixes=40)
    assert (result.commits, result.bug_inducing, result.fixes) == (300, 115, 40)
    assert result.weights == {"size": 0.658, "history": 0.932}
    assert result.thresholds == (48, 49, 68)  # the 50%, 80% and 95% quantiles, made to rise
    assert (round(result.auc_default or 0, 4), round(result.auc_calibrated_cv or 0, 4)) == (0.7879, 0.7522)
    assert calibration.as_toml(result) == (
        "[tool.diffrisk.weights]\nsize = 0.658\nhistory = 0.932\n\n[tool.diffrisk.thresholds]\nL1 = 48\nL2 = 49\nL3 = 68\n"
    )


def test_a_component_fitted_to_zero_says_why(tmp_path: Path) -> None:
    from diffrisk.commands.calibrate import write
    from diffrisk.scoring import calibration

    result = calibration.Calibration(300, 100, 40, {"size": 0.7, "history": 0.0}, (20, 45, 70), 0.7, 0.72, 0.7)
    assert calibration.as_toml(result) == (
        "[tool.diffrisk.weights]\nsize = 0.7\nhistory = 0.0  # switched off: it did not predict bugs in this history\n\n"
        "[tool.diffrisk.thresholds]\nL1 = 20\nL2 = 45\nL3 = 70\n"
    )
    target = tmp_path / "pyproject.toml"
    target.write_text("[project]\nname = 'x'\n")
    write(str(target), result)
    assert "history = 0.0 # switched off: it did not predict bugs in this history\n" in target.read_text()
