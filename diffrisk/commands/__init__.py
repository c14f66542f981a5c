"""Stage 8, the commands: each verb of the command line (check, log, calibrate, explain, the git
hooks' trailer, note and install-hooks) and the GitHub Action, as a function of the parsed
arguments that returns an exit code.  ``check.run`` is the whole pipeline for one diff.

``run`` is the one place that turns errors into exit codes; a command's module is imported only
when that command runs, so a hook pays for nothing else.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable
from typing import cast

from diffrisk.errors import DiffriskError, ExitCode

#: Command name -> (module in this package, function taking the parsed arguments).
COMMANDS = {
    "check": ("check", "command"),
    "log": ("log", "command"),
    "calibrate": ("calibrate", "command"),
    "report": ("report", "command"),
    "explain": ("explain", "command"),
    "trailer": ("hooks", "trailer_command"),
    "note": ("hooks", "note_command"),
    "install-hooks": ("hooks", "install_command"),
}


def run(args: argparse.Namespace, command: Callable[[argparse.Namespace], int] | None = None) -> int:
    """Run the command ``args.command`` names (or ``command``, which the GitHub Action gives what
    the code host said); errors become exit codes and one line on stderr."""
    module, function = COMMANDS[args.command]
    try:
        if command is None:
            command = cast(Callable[[argparse.Namespace], int], getattr(importlib.import_module(f"diffrisk.commands.{module}"), function))
        return int(command(args))
    except KeyboardInterrupt:
        print("diffrisk: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        # The reader stopped early (`diffrisk explain | head`): nothing is wrong with the run.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.OK
    except DiffriskError as error:
        print(f"diffrisk: error: {error}", file=sys.stderr)
        return ExitCode.ERROR
    except Exception as error:  # noqa: BLE001 - the one place that turns errors into exit codes
        print(f"diffrisk: internal error: {type(error).__name__}: {error} (please report this)", file=sys.stderr)
        return ExitCode.INTERNAL
