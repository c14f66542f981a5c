"""Errors that stop a run, and the exit codes they map to.  Library code raises them; only
``commands.run`` turns them into exit codes."""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """What ``diffrisk`` exits with."""

    #: Success; for a check, the change is within policy.
    OK = 0
    BEYOND_POLICY = 1
    #: Usage, configuration, git or input error (a DiffriskError).
    ERROR = 2
    #: A bug of ours, or an analyzer failed on a file (the report is printed but incomplete).
    INTERNAL = 3
    INTERRUPTED = 130


class DiffriskError(Exception):
    """A problem with the user's input, configuration or repository (exit code 2).

    The message is one line that says what went wrong and, where possible, what to do.
    """


class UsageError(DiffriskError):
    """Command-line arguments that do not fit together."""


class ConfigError(DiffriskError):
    """A configuration file or value that is not valid."""


class GitError(DiffriskError):
    """git failed, or the repository lacks something the diff needs."""


class DiffParseError(DiffriskError):
    """Text that is not a unified diff, or a diff that is cut short or inconsistent."""

    def __init__(self, message: str, line_number: int) -> None:
        #: 1-based line of the diff text where parsing went wrong.
        self.line_number = line_number
        super().__init__(f"diff input line {line_number}: {message}")
