"""Cobertura XML, as coverage.py and pytest-cov write it (``coverage xml``).

The file may come from a pull request's branch, so no DTD is accepted at all: expat calls the
doctype handler before it reads the internal subset, so an entity bomb ("billion laughs") or an
external entity is refused before any entity is defined, let alone expanded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from xml.parsers import expat

from diffrisk.coverage.files import problem
from diffrisk.coverage.listed import Listed, merge
from diffrisk.regex import Regex

_CONDITIONS = Regex(r"\((\d+)/(\d+)\)")


class _Refused(Exception):
    pass


class _Collector:
    """expat callbacks: ``<source>`` texts, and each ``<class>``'s own ``<line>`` elements
    (those under ``<method>`` repeat them, in tools that write methods)."""

    def __init__(self, parser: expat.XMLParserType, keep: Callable[[str], bool]) -> None:
        self._parser = parser
        self._keep = keep
        self._keeping = False
        self.sources: list[str] = []
        self.files: dict[str, Listed] = {}
        self._text: list[str] | None = None
        self._filename: str | None = None
        self._in_method = 0
        self._lines: list[tuple[int, bool, frozenset[str] | None]] = []
        #: The document's top element: Cobertura's is ``<coverage>``.
        self.root: str | None = None

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if self.root is None:
            self.root = name
        if name == "line":
            if self._keeping and not self._in_method:
                self._lines.append(_line(attributes))
        elif name == "source":
            self._text = []
            self._parser.CharacterDataHandler = self.text
        elif name == "class":
            self._filename, self._lines = attributes.get("filename", ""), []
            self._keeping = self._keep(self._filename)
        elif name == "method":
            self._in_method += 1

    def end(self, name: str) -> None:
        if name == "source" and self._text is not None:
            self.sources.append("".join(self._text).strip())
            self._text = None
            self._parser.CharacterDataHandler = None
        elif name == "method":
            self._in_method -= 1
        elif name == "class" and self._filename is not None:
            listed = _listed(self._lines)
            previous = self.files.get(self._filename)
            self.files[self._filename] = listed if previous is None else merge(previous, listed)
            self._filename, self._keeping = None, False

    def text(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)


def _line(attributes: dict[str, str]) -> tuple[int, bool, frozenset[str] | None]:
    """(number, ran, the exits not taken when it is a branch line)."""
    number, ran = int(attributes["number"]), int(attributes.get("hits", "0")) > 0
    if attributes.get("branch") != "true":
        return number, ran, None
    if "missing-branches" in attributes:
        return number, ran, frozenset(exit.strip() for exit in attributes["missing-branches"].split(",") if exit.strip())
    # Other tools give only "50% (1/2)": exits without names, which merge only with themselves.
    counts = _CONDITIONS.search(attributes.get("condition-coverage", ""))
    missing = int(counts[2]) - int(counts[1]) if counts else 0
    return number, ran, frozenset(f"?{index}" for index in range(missing))


def _listed(lines: Sequence[tuple[int, bool, frozenset[str] | None]]) -> Listed:
    executed = frozenset(number for number, ran, _ in lines if ran)
    return Listed(
        executable=frozenset(number for number, _, _ in lines),
        executed=executed,
        missing_exits={number: exits for number, ran, exits in lines if ran and exits},
        has_branches=any(exits is not None for _, _, exits in lines),
    )


def _refuse(*_: object) -> int:
    raise _Refused


def parse(path: str, content: bytes, keep: Callable[[str], bool] = lambda _: True) -> tuple[tuple[str, ...], dict[str, Listed]]:
    """(the ``<source>`` folders, each ``<class filename>``'s lines: none for a filename ``keep``
    refuses, which saves most of the time on a large project's report)."""
    parser = expat.ParserCreate()
    collector = _Collector(parser, keep)
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    parser.StartElementHandler = collector.start
    parser.EndElementHandler = collector.end
    try:
        parser.Parse(content, True)
    except _Refused:
        raise problem(path, "XML with a DOCTYPE or entity declaration is refused (coverage reports have none)") from None
    except expat.ExpatError as error:
        raise problem(path, f"malformed XML ({expat.ErrorString(error.code)}, line {error.lineno})") from None
    except (KeyError, ValueError):
        raise problem(path, "a Cobertura <line> without a whole-number 'number' or 'hits'") from None
    if collector.root != "coverage":
        raise problem(path, f"XML whose top element is <{collector.root}>, not Cobertura's <coverage>")
    return tuple(collector.sources), collector.files
