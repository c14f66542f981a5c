"""The project's own coverage.py ``[paths]`` remapping, from its configuration files.

coverage.py looks for its settings in ``.coveragerc``, then ``setup.cfg`` and ``tox.ini``
(``[coverage:paths]``), then ``pyproject.toml`` (``[tool.coverage.paths]``), and uses the first
file that has them.  The caller passes the files' texts as the change's base has them: a remapping
decides which data counts for which file, so the change under review must not write it (it could
map a tested file's data onto an untested one).
"""

from __future__ import annotations

import configparser
import sys
from collections.abc import Mapping

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

#: The files coverage.py reads its settings from, in its order, and the section holding [paths].
CONFIG_FILES = (
    (".coveragerc", "paths"), ("setup.cfg", "coverage:paths"), ("tox.ini", "coverage:paths"), ("pyproject.toml", ""),
)

Groups = tuple[tuple[str, ...], ...]


def path_groups(texts: Mapping[str, str]) -> tuple[Groups, str | None]:
    """The ``[paths]`` groups (canonical first, then aliases, in the file's order: the first group
    that matches wins) of the first configuration file in coverage.py's order that has them, and
    that file's name; ((), None) when none has them.  A
    file that does not parse is skipped, as it cannot configure coverage.py either."""
    for name, section in CONFIG_FILES:
        text = texts.get(name)
        if text is None:
            continue
        groups = _from_toml(text) if name == "pyproject.toml" else _from_ini(text, section)
        if groups:
            return groups, name
    return (), None


def _from_ini(text: str, section: str) -> Groups:
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(text)
    except configparser.Error:
        return ()
    if not parser.has_section(section):
        return ()
    return tuple(
        group for group in (
            tuple(line.strip() for line in value.splitlines() if line.strip()) for _, value in parser.items(section)
        ) if group
    )


def _from_toml(text: str) -> Groups:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return ()
    paths = document.get("tool", {}).get("coverage", {}).get("paths", {})
    if not isinstance(paths, dict):
        return ()
    return tuple(
        tuple(item for item in value if isinstance(item, str) and item)
        for value in paths.values() if isinstance(value, list) and value
    )
