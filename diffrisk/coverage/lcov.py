"""LCOV tracefiles (``coverage lcov``, and most other tools): ``SF:`` starts a file's record,
``DA:line,hits[,checksum]`` lists a statement, ``BRDA:line,block,branch,taken`` a branch exit,
``end_of_record`` ends it."""

from __future__ import annotations

from collections.abc import Callable

from diffrisk.coverage.files import problem
from diffrisk.coverage.listed import Listed, merge
from diffrisk.regex import Regex

#: coverage.py names an exit by where it goes ("jump to line 7"); anything else it writes leaves
#: the function or module, which its other formats call "exit".
_JUMP = Regex(r"jump to line (\d+)")


class _Record:
    def __init__(self) -> None:
        self.lines: dict[int, bool] = {}
        self.checksums: dict[int, str] = {}
        #: (line, exit id, taken)
        self.branches: list[tuple[int, str, bool]] = []

    def data(self, fields: list[str]) -> None:
        line = int(fields[0])
        self.lines[line] = self.lines.get(line, False) or int(fields[1]) > 0
        if len(fields) > 2:
            self.checksums[line] = fields[2]

    def branch(self, fields: list[str]) -> None:
        # The branch field is free text in coverage.py's output and may hold commas.
        line, block, *rest = fields
        taken = rest[-1]
        name = ",".join(rest[:-1])
        jump = _JUMP.fullmatch(name)
        exit_id = jump[1] if jump else ("exit" if not name.isdigit() else f"?{block},{name}")
        self.branches.append((int(line), exit_id, taken not in ("-", "0")))

    def listed(self) -> Listed:
        executed = frozenset(line for line, ran in self.lines.items() if ran)
        missing: dict[int, set[str]] = {}
        for line, exit_id, taken in self.branches:
            if line in executed and not taken:
                missing.setdefault(line, set()).add(exit_id)
        return Listed(
            executable=frozenset(self.lines),
            executed=executed,
            missing_exits={line: frozenset(exits) for line, exits in missing.items()},
            has_branches=bool(self.branches),
            checksums=self.checksums,
        )


def parse(path: str, content: bytes, keep: Callable[[str], bool] = lambda _: True) -> dict[str, Listed]:
    """Each ``SF:`` path's lines (none for a path ``keep`` refuses); a path in several records
    is merged."""
    files: dict[str, Listed] = {}
    name: str | None = None
    keeping = False
    record = _Record()
    for number, raw in enumerate(content.decode("utf-8", "replace").splitlines(), 1):
        key, _, value = raw.strip().partition(":")
        try:
            if key == "SF":
                name, record, keeping = value, _Record(), keep(value)
            elif key == "DA" and keeping:
                record.data(value.split(",", 2))
            elif key == "BRDA" and keeping:
                record.branch(value.split(","))
            elif key == "end_of_record" and name is not None:
                files[name] = merge(files[name], record.listed()) if name in files else record.listed()
                name, keeping = None, False
        except (ValueError, IndexError):
            raise problem(path, f"malformed LCOV at line {number}: {raw[:80]!r}") from None
    return files
