"""diffrisk.records: classes that behave as the same ``@dataclass`` classes do."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import subprocess
import sys
from typing import ClassVar

import pytest

from diffrisk import model
from diffrisk.records import FrozenInstanceError, field, fields, is_record, record, replace


@record
class Span:
    """A record with every kind of field."""

    path: str
    line: int = 0
    names: list[str] = field(default_factory=list)
    kind: str = field(default="unit", kw_only=True)
    cached: dict[str, int] = field(default_factory=dict, init=False)
    note: str = field(default="", repr=False, compare=False)


@dataclasses.dataclass(frozen=True)
class SpanDataclass:
    path: str
    line: int = 0
    names: list[str] = dataclasses.field(default_factory=list)
    kind: str = dataclasses.field(default="unit", kw_only=True)
    cached: dict[str, int] = dataclasses.field(default_factory=dict, init=False)
    note: str = dataclasses.field(default="", repr=False, compare=False)


@record(order=True)
class Version:
    major: int
    minor: int


@record(frozen=False)
class Tally:
    count: int = 0
    seen: set[str] = field(default_factory=set)


def test_construction_defaults_and_repr_are_the_dataclass_s() -> None:
    made = Span("a.py", 3, ["f"], kind="function", note="x")
    same = SpanDataclass("a.py", 3, ["f"], kind="function", note="x")
    assert repr(made) == "Span(path='a.py', line=3, names=['f'], kind='function', cached={})"
    assert repr(made).replace("Span", "SpanDataclass", 1) == repr(same)
    assert (Span("b.py").line, Span("b.py").names, Span("b.py").kind, Span("b.py").note) == (0, [], "unit", "")
    assert Span("b.py").names is not Span("b.py").names
    assert Span.__match_args__ == SpanDataclass.__match_args__ == ("path", "line", "names", "note")
    assert Span.line == SpanDataclass.line == 0
    assert "names" not in vars(Span)
    with pytest.raises(TypeError):
        Span("a.py", 1, [], "note", "function")  # type: ignore[call-arg]


def test_equality_and_hash_are_those_of_the_compared_fields_tuple() -> None:
    @record
    class Point:
        x: int
        y: tuple[int, ...]

    assert Point(1, (2,)) == Point(1, (2,))
    assert Point(1, (2,)) != Point(1, (3,))
    assert hash(Point(1, (2,))) == hash((1, (2,)))
    assert Point.__eq__(Point(1, ()), (1, ())) is NotImplemented
    assert len({Point(1, (2,)), Point(1, (2,)), Point(2, ())}) == 2
    assert Span("a.py", note="one") == Span("a.py", note="two")
    assert Span("a.py", 2, kind="k") != Span("a.py", 2, kind="j")


def test_order_compares_the_fields_tuple() -> None:
    assert sorted([Version(2, 0), Version(1, 9), Version(1, 10)]) == [Version(1, 9), Version(1, 10), Version(2, 0)]
    assert Version(1, 2) <= Version(1, 2) < Version(1, 3)
    assert Version(1, 3) >= Version(1, 3) > Version(1, 2)
    with pytest.raises(TypeError):
        _ = Version(1, 2) < (1, 3)  # type: ignore[operator]


def test_frozen_and_mutable() -> None:
    made = Span("a.py")
    with pytest.raises(FrozenInstanceError, match="cannot assign to field 'line'"):
        made.line = 4  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError, match="cannot delete field 'line'"):
        del made.line
    assert made.line == 0
    tally = Tally()
    tally.count += 2
    tally.seen.add("a")
    assert tally == Tally(2, {"a"})
    with pytest.raises(TypeError, match="unhashable"):
        hash(tally)


def test_fields_replace_and_copies() -> None:
    made = Span("a.py", 3, ["f"], note="n")
    assert is_record(made) and not is_record(Span) and not is_record(("a.py",))
    assert [item.name for item in fields(made)] == ["path", "line", "names", "kind", "cached", "note"]
    assert fields(Span) == fields(made)
    assert replace(made, line=5) == Span("a.py", 5, ["f"], note="n")
    assert replace(made, kind="k").kind == "k"
    with pytest.raises(ValueError, match="init=False"):
        replace(made, cached={})
    with pytest.raises(TypeError, match="has no field 'bogus'"):
        replace(made, bogus=1)  # type: ignore[call-arg]
    assert pickle.loads(pickle.dumps(made)) == made
    assert copy.deepcopy(made) == made
    assert Span.__init__.__qualname__ == "Span.__init__"
    with pytest.raises(TypeError, match="takes a record"):
        fields(("a",))  # type: ignore[arg-type]


def test_a_docstring_is_written_when_the_class_has_none() -> None:
    assert Version.__doc__ == "Version(major, minor)"
    assert Span.__doc__ == "A record with every kind of field."


def test_what_a_record_does_not_support_is_refused() -> None:
    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):
        record(type("Order", (), {"__annotations__": {"a": "int", "b": "int"}, "a": 0}))
    with pytest.raises(ValueError, match="mutable default list is not allowed"):
        record(type("Shared", (), {"__annotations__": {"a": "list[int]"}, "a": []}))
    with pytest.raises(TypeError, match="ClassVar, InitVar and KW_ONLY fields are not supported"):
        record(type("Counter", (), {"__annotations__": {"total": ClassVar[int]}}))
    with pytest.raises(TypeError, match="cannot inherit another record's fields"):
        record(type("Child", (Version,), {"__annotations__": {"patch": "int"}}))
    with pytest.raises(TypeError, match="field name 'not a name' cannot be a parameter"):
        record(type("Odd", (), {"__annotations__": {"not a name": "int"}}))


def test_the_report_model_round_trips_through_replace_and_plain() -> None:
    finding = model.Finding(
        rule="DR-S101", analyzer="smells", path="a.py", line=3, end_line=3, severity=model.Severity.HIGH, message="m"
    )
    assert replace(finding, line=4).line == 4
    assert replace(finding, line=3) == finding
    assert model.plain(finding)["severity"] == "high"
    assert model.plain(finding)["line"] == 3


def test_a_check_imports_neither_dataclasses_nor_inspect() -> None:
    program = "import sys, diffrisk.main, diffrisk.commands.check; print('dataclasses' in sys.modules, 'inspect' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True).stdout
    assert out == "False False\n"


def test_init_is_compiled_when_the_first_record_is_made() -> None:
    @record
    class Pair:
        left: int
        right: int = 2

    assert Pair.__init__.__code__.co_filename == sys.modules["diffrisk.records"].__file__  # a stand-in, until a Pair is made
    assert Pair.__init__.__qualname__ == f"{Pair.__qualname__}.__init__"
    with pytest.raises(TypeError, match=r"Pair.__init__\(\) missing 1 required positional argument: 'left'"):
        Pair()  # type: ignore[call-arg]
    assert Pair.__init__.__code__.co_filename == "<record test_init_is_compiled_when_the_first_record_is_made.<locals>.Pair>"
    assert (Pair(1), Pair(1, right=3)) == (Pair(1, 2), Pair(left=1, right=3))
