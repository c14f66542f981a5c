"""``diffrisk calibrate``: label the repository's own history with SZZ, score its mature commits
with unit weights, and fit the weights and thresholds to it (scoring.calibration)."""

from __future__ import annotations

import argparse
import os

from diffrisk import config as configuration
from diffrisk.change import parallel
from diffrisk.commands import log
from diffrisk.config import COMPONENTS, Config
from diffrisk.diffsource import git
from diffrisk.errors import ExitCode, UsageError
from diffrisk.history import commits, fixes, szz
from diffrisk.model import CommitScore
from diffrisk.records import replace
from diffrisk.scoring import calibration
from diffrisk.scoring.calibration import MATURITY_DAYS, MIN_COMMITS, Calibration, CalibrationRefused


def calibrate(repo: git.Repo, config: Config, since: str | None, jobs: int) -> Calibration:
    """The calibration of ``config`` on the history of ``repo`` (optionally since ``since``)."""
    scored, labels, blamed = labelled_history(repo, config, since, jobs)
    return calibration.fit(scored, labels, blamed)


def labelled_history(repo: git.Repo, config: Config, since: str | None, jobs: int) -> tuple[list[CommitScore], list[int], int]:
    """The mature commits that change Python, scored with unit weights, their SZZ labels, and
    how many fixes were blamed; refuses a history too short to learn from."""
    history = commits.history(repo, since)
    if not history:
        raise CalibrationRefused("no commits to learn from")
    newest = max(commit.timestamp for commit in history)
    mature = [commit for commit in history if commit.timestamp <= newest - MATURITY_DAYS * 86400]
    calibration.require(len(mature) >= MIN_COMMITS, f"only {len(mature)} commits are over {MATURITY_DAYS} days old")
    found = [commit for commit in history if fixes.is_fix(commit.message)]
    # Blaming the fixes is git's work, a twentieth of the run: on one core it left the others idle.
    inducing = set().union(*parallel.imap(_bug_inducing, repo, found, jobs, chunksize=4))
    shas = [commit.sha for commit in mature]
    baseline = replace(config, weights=dict.fromkeys(COMPONENTS, 1.0))
    rows = log.score(repo, baseline, shas, {commit.sha: commit for commit in mature}, jobs)
    scored = [row for row in rows if row.size is not None and row.size.python_files]
    return scored, [int(row.sha in inducing) for row in scored], len(found)


def _bug_inducing(repo: git.Repo, fix: commits.CommitRecord) -> set[str]:
    return szz.bug_inducing(repo, [fix])


def command(args: argparse.Namespace) -> int:
    repo = git.Repo(cwd=args.directory, git_dir=args.git_dir)
    git.check_repository(repo)
    root = git.toplevel(repo)
    settings = configuration.for_history(configuration.load(args.config, root))
    result = calibrate(repo, settings, args.since, args.jobs or os.cpu_count() or 1)
    print(
        f"{result.commits} mature commits changing Python, {result.bug_inducing} bug-inducing by SZZ "
        f"({result.fixes} fixes blamed).\n"
        f"ROC-AUC on this history: default weights {_figure(result.auc_default)}, calibrated "
        f"{_figure(result.auc_calibrated)} in-sample, {_figure(result.auc_calibrated_cv)} by 5-fold cross-validation.\n"
    )
    print(calibration.as_toml(result), end="")
    if args.write:
        if root is None:
            raise UsageError("--write needs a work tree with a pyproject.toml; paste the tables instead")
        target = os.path.join(root, "pyproject.toml")
        write(target, result)
        print(f"\nwritten to {target}")
    return ExitCode.OK


def _figure(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def write(pyproject: str, result: Calibration) -> None:
    """Set ``[tool.diffrisk] weights`` and ``thresholds`` in ``pyproject``, keeping everything else."""
    import tomlkit

    try:
        with open(pyproject, encoding="utf-8") as handle:
            document = tomlkit.parse(handle.read())
    except FileNotFoundError:
        document = tomlkit.document()
    except (OSError, tomlkit.exceptions.TOMLKitError) as error:
        raise CalibrationRefused(f"cannot update {pyproject}: {error}") from None
    tool = document.setdefault("tool", tomlkit.table(is_super_table=True))
    section = tool.setdefault("diffrisk", tomlkit.table())
    weights = tomlkit.table()
    for name, value in result.weights.items():
        weights[name] = value
        if value == 0:
            weights[name].comment(calibration.SWITCHED_OFF)
    thresholds = tomlkit.table()
    for name, value in zip(("L1", "L2", "L3"), result.thresholds):
        thresholds[name] = value
    section["weights"] = weights
    section["thresholds"] = thresholds
    with open(pyproject, "w", encoding="utf-8") as handle:
        handle.write(tomlkit.dumps(document))
