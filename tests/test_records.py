"""diffrisk.records: frozen dataclasses that behave as ``@dataclass(frozen=True)`` does."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from dataclasses import field

import pytest

from diffrisk import model
from diffrisk.records import record


@record
class Span:
    """A record with every kind of field."""

    path: str
    line: int = 0
    names: list[str] = field(default_factory=list)
    kind: str = field(default="unit", kw_only=True)
    cached: dict[str, int] = field(default_factory=dict, init=False)


@dataclasses.dataclass(frozen=True)
class SpanDataclass:
    path: str
    line: int = 0
    names: list[str] = field(default_factory=list)
    kind: str = field(default="unit", kw_only=True)
    cached: dict[str, int] = field(default_factory=dict, init=False)


@record(order=True)
class Version:
    major: int
    minor: int


def test_construction_defaults_and_repr_are_a_frozen_dataclass_s() -> None:
    made = Span("a.py", 3, ["f"], kind="function")
    same = SpanDataclass("a.py", 3, ["f"], kind="function")
    assert repr(made) == "Span(path='a.py', line=3, names=['f'], kind='function', cached={})"
    assert repr(made).replace("Span", "SpanDataclass", 1) == repr(same)
    assert (Span("b.py").line, Span("b.py").names, Span("b.py").kind) == (0, [], "unit")
    assert Span("b.py").names is not Span("b.py").names
    assert Span.__match_args__ == SpanDataclass.__match_args__ == ("path", "line", "names")
    with pytest.raises(TypeError):
        Span("a.py", 1, [], "function")  # type: ignore[call-arg]


def test_equality_and_hash_are_those_of_the_fields_tuple() -> None:
    @record
    class Point:
        x: int
        y: tuple[int, ...]

    @dataclasses.dataclass(frozen=True)
    class PointDataclass:
        x: int
        y: tuple[int, ...]

    assert Point(1, (2,)) == Point(1, (2,))
    assert Point(1, (2,)) != Point(1, (3,))
    assert hash(Point(1, (2,))) == hash(PointDataclass(1, (2,))) == hash((1, (2,)))
    assert Point(1, (2,)) != PointDataclass(1, (2,))  # type: ignore[comparison-overlap]
    assert Point.__eq__(Point(1, ()), (1, ())) is NotImplemented
    assert len({Point(1, (2,)), Point(1, (2,)), Point(2, ())}) == 2


def test_order_compares_the_fields_tuple() -> None:
    assert sorted([Version(2, 0), Version(1, 9), Version(1, 10)]) == [Version(1, 9), Version(1, 10), Version(2, 0)]
    assert Version(1, 2) <= Version(1, 2) < Version(1, 3)
    assert Version(1, 3) >= Version(1, 3) > Version(1, 2)
    with pytest.raises(TypeError):
        _ = Version(1, 2) < (1, 3)  # type: ignore[operator]


def test_frozen() -> None:
    made = Span("a.py")
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'line'"):
        made.line = 4  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot delete field 'line'"):
        del made.line
    assert made.line == 0


def test_dataclasses_functions_and_copies_work() -> None:
    made = Span("a.py", 3, ["f"])
    assert dataclasses.is_dataclass(made)
    assert [item.name for item in dataclasses.fields(made)] == ["path", "line", "names", "kind", "cached"]
    assert dataclasses.replace(made, line=5) == Span("a.py", 5, ["f"])
    assert dataclasses.asdict(made) == {"path": "a.py", "line": 3, "names": ["f"], "kind": "unit", "cached": {}}
    assert pickle.loads(pickle.dumps(made)) == made
    assert copy.deepcopy(made) == made
    assert Span.__init__.__qualname__ == "Span.__init__"


def test_a_docstring_is_written_when_the_class_has_none() -> None:
    assert Version.__doc__ == "Version(major, minor)"
    assert Span.__doc__ == "A record with every kind of field."


def test_only_field_names_reach_the_compiled_source() -> None:
    namespace = {"__annotations__": {"not a name": int}, "__module__": __name__}
    with pytest.raises(TypeError, match="field name 'not a name' cannot be a parameter"):
        record(type("Odd", (), namespace))


def test_the_report_model_round_trips_through_replace() -> None:
    finding = model.Finding(
        rule="DR-S101", analyzer="smells", path="a.py", line=3, end_line=3, severity=model.Severity.HIGH, message="m"
    )
    assert dataclasses.replace(finding, line=4).line == 4
    assert dataclasses.replace(finding, line=3) == finding
