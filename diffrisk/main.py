"""The command line: parse the arguments and dispatch to the command (diffrisk.commands).

Exit codes (errors.ExitCode): 0 within policy, 1 beyond policy, 2 usage/config/git/input error,
3 internal error (or an analyzer failed, so the report is incomplete), 130 interrupted.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from diffrisk import commands
from diffrisk.commands import arguments, collection
from diffrisk.errors import ExitCode


def main(argv: Sequence[str] | None = None, *, ends_process: bool = False) -> int:
    """Run the command line ``argv`` (default: the process's); ``ends_process``: the process
    exits right after, so nothing is restored for later code (diffrisk.commands.collection)."""
    parser = arguments.parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_usage(sys.stderr)
        print("diffrisk: error: a command is required (try: diffrisk check)", file=sys.stderr)
        return ExitCode.ERROR
    with collection.by_hand(restore=not ends_process):
        return commands.run(args)


def program() -> int:
    """The ``diffrisk`` program, installed or run as ``python -m diffrisk``: ``main``, and then the
    process ends."""
    return main(ends_process=True)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(program())
