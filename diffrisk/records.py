"""Frozen records: dataclasses that cost one compile to create, not six.

``@dataclass(frozen=True)`` compiles six generated methods for every class
(``__init__``, ``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__``,
``__delattr__``), each with its own call to the compiler: about 1.5 ms a class,
and with the 85 records of diffrisk that was a fifth of a warm hook's time
(benchmarks/README.md, "Speed, round two").

``record`` lets :mod:`dataclasses` do the bookkeeping (fields, defaults,
``__dataclass_fields__``, ``__match_args__``), so ``dataclasses.replace``,
``fields`` and ``is_dataclass`` keep working, and compiles only ``__init__``,
whose speed matters because ``log`` creates records by the million. The other
methods are shared functions that read the fields through one precomputed
getter; they give what the generated ones give (the same repr text, equality
and hash of the fields' tuple, the same ``FrozenInstanceError``).
"""

from __future__ import annotations

import dataclasses
import keyword
import reprlib
from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar, overload

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_: object) -> Callable[[Any], Any]:
        return lambda decorated: decorated


__all__ = ["record"]

RecordT = TypeVar("RecordT", bound=type)

#: The fields' tuple of a record, the thing its equality, hash and order compare.
_KEY = "__record_key__"
_NO_DEFAULT = dataclasses.MISSING


@overload
def record(cls: RecordT, /) -> RecordT: ...


@overload
def record(*, order: bool = False) -> Callable[[RecordT], RecordT]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def record(cls: RecordT | None = None, /, *, order: bool = False) -> Any:
    """Make ``cls`` a frozen dataclass; ``order=True`` adds ``<`` and the rest."""

    def build(target: RecordT) -> RecordT:
        return _build(target, order=order)

    return build if cls is None else build(cls)


def _build(cls: RecordT, *, order: bool) -> RecordT:
    undocumented = not cls.__doc__
    if undocumented:
        # Without a docstring, dataclasses writes one from inspect.signature,
        # whose parsing compiles tokenize's largest regular expression.
        cls.__doc__ = cls.__name__
    dataclasses.dataclass(cls, init=False, repr=False, eq=False)
    fields = dataclasses.fields(cls)
    if undocumented:
        cls.__doc__ = f"{cls.__name__}({', '.join(item.name for item in fields)})"
    methods: dict[str, object] = {
        _KEY: staticmethod(_tuple_getter([item.name for item in fields if item.compare])),
        "__record_repr_fields__": tuple(item.name for item in fields if item.repr),
        "__init__": _init_method(cls, fields),
        "__repr__": _repr,
        "__eq__": _eq,
        "__hash__": _hash,
        "__setattr__": _refuse_assignment,
        "__delattr__": _refuse_deletion,
    }
    if order:
        methods.update(__lt__=_lt, __le__=_le, __gt__=_gt, __ge__=_ge)
    for name, method in methods.items():
        setattr(cls, name, method)
    return cls


def _tuple_getter(names: list[str]) -> Callable[[object], tuple[object, ...]]:
    if not names:
        return lambda _: ()
    if len(names) == 1:
        single = attrgetter(names[0])
        return lambda item: (single(item),)
    return attrgetter(*names)


def _init_method(cls: type, fields: tuple[dataclasses.Field[Any], ...]) -> Any:
    """``__init__`` for ``cls``, compiled once: it sets each field as a frozen dataclass's does."""
    namespace: dict[str, object] = {"__record_no_value__": _NO_DEFAULT}
    parameters = ["self"]
    keyword_only: list[str] = []
    body: list[str] = []
    for item in fields:
        name = item.name
        if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("__record_"):
            # The source below is made of field names only; nothing else may reach it.
            raise TypeError(f"{cls.__qualname__}: field name {name!r} cannot be a parameter")
        factory = item.default_factory
        if item.default is not _NO_DEFAULT:
            namespace[f"__record_default_{name}__"] = item.default
            value_default = f"__record_default_{name}__"
        elif factory is not _NO_DEFAULT:
            namespace[f"__record_factory_{name}__"] = factory
            value_default = "__record_no_value__"
        else:
            value_default = ""
        if not item.init:
            if factory is not _NO_DEFAULT:
                body.append(f"    __record_fields__[{name!r}] = __record_factory_{name}__()")
            elif value_default:
                body.append(f"    __record_fields__[{name!r}] = {value_default}")
            continue
        parameter = f"{name}={value_default}" if value_default else name
        (keyword_only if item.kw_only is True else parameters).append(parameter)
        if factory is not _NO_DEFAULT:
            value = f"__record_factory_{name}__() if {name} is __record_no_value__ else {name}"
        else:
            value = name
        body.append(f"    __record_fields__[{name!r}] = {value}")
    if keyword_only:
        parameters += ["*", *keyword_only]
    source = "\n".join(
        [
            f"def __init__({', '.join(parameters)}):",
            "    __record_fields__ = self.__dict__",
            *body,
        ]
    )
    exec(compile(source, f"<record {cls.__qualname__}>", "exec"), namespace)
    init: Any = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


@reprlib.recursive_repr()
def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__record_repr_fields__)
    return f"{self.__class__.__qualname__}({shown})"


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        key = self.__record_key__
        return key(self) == key(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(self.__record_key__(self))


def _lt(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        key = self.__record_key__
        return key(self) < key(other)
    return NotImplemented


def _le(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        key = self.__record_key__
        return key(self) <= key(other)
    return NotImplemented


def _gt(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        key = self.__record_key__
        return key(self) > key(other)
    return NotImplemented


def _ge(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        key = self.__record_key__
        return key(self) >= key(other)
    return NotImplemented


def _refuse_assignment(self: Any, name: str, value: object) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _refuse_deletion(self: Any, name: str) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
