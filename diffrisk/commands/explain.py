"""``diffrisk explain [RULE]``: what a rule means and what to do, or the list of rules."""

from __future__ import annotations

import argparse

from diffrisk import rules
from diffrisk.errors import ExitCode, UsageError


def command(args: argparse.Namespace) -> int:
    if args.rule is None:
        for listed in rules.RULES.values():
            print(f"{listed.id}  {listed.title}")
        print("B101..B703  bandit's rules (see https://bandit.readthedocs.io)")
        return ExitCode.WITHIN_POLICY
    rule = rules.RULES.get(args.rule.upper())
    if rule is None:
        raise UsageError(f"unknown rule {args.rule!r}; `diffrisk explain` lists them")
    print(f"{rule.id}: {rule.title}\n\n{rule.explanation}\n\ncomponent: {rule.component.value}; silence one line with "
          f"`# diffrisk: ignore[{rule.id}] -- reason`")
    return ExitCode.WITHIN_POLICY
