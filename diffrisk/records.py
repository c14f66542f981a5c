"""Records: classes made from their annotated fields, as ``@dataclass`` makes them, for a fifth of
the cost of making them.

A warm one-file check spent about a quarter of its time making classes before doing any work:
``@dataclass(frozen=True)`` compiles six generated methods for each class with its own call to the
compiler (1.3 ms a class, for diffrisk's 90; a record takes 0.26 ms), and importing
``dataclasses`` imports ``inspect`` (about 14 ms more; benchmarks/README.md, "Speed, round
two").  ``record`` compiles only ``__init__``, whose speed matters because ``log`` makes records
by the million, and shares one implementation of the other methods that reads the fields
through a precomputed getter.

What a record does is what the same ``@dataclass(frozen=True)`` class does, for the features
diffrisk uses (tests/test_records.py compares them): positional and keyword-only fields, defaults
and default factories, ``init=False``, ``repr=False`` and ``compare=False`` fields, the same
``repr`` text, equality and hash of the compared fields' tuple, ``order=True``, immutability, and
``__match_args__``.  ``frozen=False`` gives a mutable, unhashable record, as ``@dataclass`` does.
Anything else a dataclass would accept (``ClassVar``, ``InitVar``, ``KW_ONLY``, inheriting a
record's fields) is refused when the class is made, not half-supported.

For the type checker these are dataclasses: ``record`` is a ``dataclass_transform`` and
``field``, ``fields`` and ``replace`` are typed as the ``dataclasses`` functions they stand for,
so mypy checks their uses (``replace``'s keywords included) as it checks a dataclass's.
"""

from __future__ import annotations

import keyword
import operator
import reprlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, overload

if TYPE_CHECKING:
    from dataclasses import field, fields, replace

    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_: object) -> Callable[[Any], Any]:
        return lambda decorated: decorated


__all__ = ["FrozenInstanceError", "Field", "field", "fields", "is_record", "record", "replace"]

RecordT = TypeVar("RecordT", bound=type)


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


#: No default (or no default factory) was given.
MISSING: Any = _Missing()


class FrozenInstanceError(AttributeError):
    """Assigning to (or deleting) a field of a frozen record."""


class Field:
    """One field of a record (``name`` is set when the record is made)."""

    __slots__ = ("name", "default", "default_factory", "init", "repr", "compare", "kw_only")

    def __init__(
        self, default: Any, default_factory: Any, init: bool, repr: bool, compare: bool, kw_only: bool,
    ) -> None:
        if default is not MISSING and default_factory is not MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.init = init
        self.repr = repr
        self.compare = compare
        self.kw_only = kw_only

    def __repr__(self) -> str:
        return f"Field(name={self.name!r}, default={self.default!r}, init={self.init}, kw_only={self.kw_only})"


if not TYPE_CHECKING:

    def field(
        *, default: Any = MISSING, default_factory: Any = MISSING, init: bool = True, repr: bool = True,
        compare: bool = True, kw_only: bool = False,
    ) -> Any:
        """A field's settings, as ``dataclasses.field`` takes them."""
        return Field(default, default_factory, init, repr, compare, kw_only)

    def fields(record_or_class: Any) -> tuple[Field, ...]:
        """The record's fields in order, as ``dataclasses.fields`` gives a dataclass's."""
        try:
            return record_or_class.__record_fields__
        except AttributeError:
            raise TypeError("fields() takes a record or a record class") from None

    def replace(obj: Any, /, **changes: Any) -> Any:
        """A copy of ``obj`` with ``changes``, made through ``__init__`` as ``dataclasses.replace``
        makes it (fields that ``__init__`` does not take are made anew, not copied)."""
        values = {}
        for item in fields(obj):
            if item.init:
                values[item.name] = changes.pop(item.name) if item.name in changes else getattr(obj, item.name)
            elif item.name in changes:
                raise ValueError(f"field {item.name!r} is declared with init=False, it cannot be specified with replace()")
        if changes:
            raise TypeError(f"{type(obj).__qualname__} has no field {next(iter(changes))!r}")
        return type(obj)(**values)


def is_record(value: object) -> bool:
    """Whether ``value`` is a record (an instance, not a record class)."""
    return not isinstance(value, type) and hasattr(type(value), "__record_fields__")


@overload
def record(cls: RecordT, /) -> RecordT: ...


@overload
def record(*, order: bool = False, frozen: bool = True) -> Callable[[RecordT], RecordT]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(cls: RecordT | None = None, /, *, order: bool = False, frozen: bool = True) -> Any:
    """Make ``cls`` a record; ``order=True`` adds ``<`` and the rest, ``frozen=False`` lets its
    fields be assigned (and makes it unhashable)."""

    def build(target: RecordT) -> RecordT:
        return _build(target, order=order, frozen=frozen)

    return build if cls is None else build(cls)


def _build(cls: RecordT, *, order: bool, frozen: bool) -> RecordT:
    found = _fields(cls)
    if not cls.__doc__:
        cls.__doc__ = f"{cls.__name__}({', '.join(item.name for item in found)})"
    methods: dict[str, object] = {
        "__record_fields__": found,
        "__record_key__": staticmethod(_tuple_getter([item.name for item in found if item.compare])),
        "__record_repr_fields__": tuple(item.name for item in found if item.repr),
        "__match_args__": tuple(item.name for item in found if item.init and not item.kw_only),
        "__init__": _compiled_on_first_call(cls, found),
        "__repr__": _repr,
        "__eq__": _eq,
        # A mutable record that compares by value cannot be hashed (its hash would change).
        "__hash__": _hash if frozen else None,
    }
    if frozen:
        methods.update(__setattr__=_refuse_assignment, __delattr__=_refuse_deletion)
    if order:
        methods.update(__lt__=_lt, __le__=_le, __gt__=_gt, __ge__=_ge)
    for name, method in methods.items():
        setattr(cls, name, method)
    return cls


def _fields(cls: type) -> tuple[Field, ...]:
    """The fields ``cls`` annotates, in order, with their class attributes turned into defaults."""
    if any(hasattr(base, "__record_fields__") for base in cls.__mro__[1:]):
        raise TypeError(f"{cls.__qualname__}: a record cannot inherit another record's fields")
    annotations: dict[str, Any] | None = cls.__dict__.get("__annotations__")
    if annotations is None:
        # Where the class body's annotations are evaluated lazily (Python 3.14 without the
        # ``annotations`` future import), the class gives them when asked.
        annotations = getattr(cls, "__annotations__", None) or {}
    found = [_field(cls, name, annotation) for name, annotation in annotations.items()]
    positional = [item for item in found if item.init and not item.kw_only]
    for earlier, later in zip(positional, positional[1:]):
        if _has_default(earlier) and not _has_default(later):
            raise TypeError(f"{cls.__qualname__}: non-default argument {later.name!r} follows default argument")
    return tuple(found)


def _field(cls: type, name: str, annotation: Any) -> Field:
    """The field ``name`` of ``cls``, its class attribute made its default as dataclasses does."""
    if _is_special(annotation):
        raise TypeError(f"{cls.__qualname__}.{name}: ClassVar, InitVar and KW_ONLY fields are not supported")
    if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("__record_"):
        # The generated __init__ is made of field names; nothing else may reach it.
        raise TypeError(f"{cls.__qualname__}: field name {name!r} cannot be a parameter")
    value = cls.__dict__.get(name, MISSING)
    item = value if isinstance(value, Field) else Field(value, MISSING, True, True, True, False)
    item.name = name
    if item.default is not MISSING and type(item.default).__hash__ is None:
        kind = type(item.default).__name__
        raise ValueError(f"{cls.__qualname__}.{name}: mutable default {kind} is not allowed: use default_factory")
    if item.default is not MISSING:
        setattr(cls, name, item.default)
    elif isinstance(value, Field):
        delattr(cls, name)
    return item


def _is_special(annotation: Any) -> bool:
    text = annotation if isinstance(annotation, str) else repr(annotation)
    return any(marker in text.split("[", 1)[0] for marker in ("ClassVar", "InitVar", "KW_ONLY"))


def _has_default(item: Field) -> bool:
    return item.default is not MISSING or item.default_factory is not MISSING


def _tuple_getter(names: list[str]) -> Callable[[object], tuple[object, ...]]:
    if not names:
        return lambda _: ()
    if len(names) == 1:
        single = operator.attrgetter(names[0])
        return lambda item: (single(item),)
    return operator.attrgetter(*names)


def _compiled_on_first_call(cls: type, found: tuple[Field, ...]) -> Any:
    """An ``__init__`` that compiles the real one (``_init_method``), puts it in its place and
    runs it: compiling is most of what making a record class costs, and a run makes records of
    only some of the classes it imports (48 of 74 in a warm check)."""

    def __init__(self: object, *args: object, **kwargs: object) -> None:
        init = _init_method(cls, found)
        type.__setattr__(cls, "__init__", init)
        init(self, *args, **kwargs)

    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    return __init__


def _init_method(cls: type, found: tuple[Field, ...]) -> Any:
    """``__init__`` for ``cls``, compiled once: it sets each field as a dataclass's does."""
    namespace: dict[str, object] = {"__record_no_value__": MISSING}
    parameters = ["self"]
    keyword_only: list[str] = []
    body: list[str] = []
    for item in found:
        name, default, factory = item.name, f"__record_default_{item.name}__", f"__record_factory_{item.name}__"
        if item.default is not MISSING:
            namespace[default] = item.default
        if item.default_factory is not MISSING:
            namespace[factory] = item.default_factory
        if not item.init:
            # Made without a parameter: from its factory or its default, else left unset.
            made = f"{factory}()" if factory in namespace else default if default in namespace else None
            body += [f"    __record_fields__[{name!r}] = {made}"] if made else []
            continue
        omitted = default if default in namespace else "__record_no_value__" if factory in namespace else None
        (keyword_only if item.kw_only else parameters).append(f"{name}={omitted}" if omitted else name)
        value = f"{factory}() if {name} is __record_no_value__ else {name}" if factory in namespace else name
        body.append(f"    __record_fields__[{name!r}] = {value}")
    if keyword_only:
        parameters += ["*", *keyword_only]
    source = "\n".join([f"def __init__({', '.join(parameters)}):", "    __record_fields__ = self.__dict__", *body])
    exec(compile(source, f"<record {cls.__qualname__}>", "exec"), namespace)
    init: Any = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


@reprlib.recursive_repr()
def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__record_repr_fields__)
    return f"{self.__class__.__qualname__}({shown})"


def _comparison(compare: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """A comparison method: ``compare`` of the two records' compared fields, for records of one
    class; NotImplemented otherwise (so that Python tries the other side, then fails)."""

    def method(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            key = self.__record_key__
            return compare(key(self), key(other))
        return NotImplemented

    return method


_eq, _lt, _le = _comparison(operator.eq), _comparison(operator.lt), _comparison(operator.le)
_gt, _ge = _comparison(operator.gt), _comparison(operator.ge)


def _hash(self: Any) -> int:
    return hash(self.__record_key__(self))


def _refuse_assignment(self: Any, name: str, value: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _refuse_deletion(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")
