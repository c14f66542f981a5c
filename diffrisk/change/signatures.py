"""Function signatures, as a caller sees them: read from ``ast`` (never from running the code),
compared before and after a change, and bound to a call's arguments the way Python binds them.

change.impact uses them to tell a call that the change broke from one that still fits.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence

from diffrisk.records import record


@record
class Signature:
    """The parameters a call binds to, without the ``self``/``cls`` a method call supplies."""

    #: Positional-only and positional-or-keyword parameters, in order.
    positional: tuple[str, ...]
    #: How many of ``positional`` are positional-only.
    positional_only: int
    #: How many of ``positional``, from the first, have no default.
    required: int
    keyword_only: tuple[str, ...]
    required_keywords: frozenset[str]
    varargs: bool
    varkw: bool

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self.positional) | frozenset(self.keyword_only)

    def by_keyword(self, name: str) -> bool:
        """Whether a call may pass ``name=...``."""
        return name in self.positional[self.positional_only:] or name in self.keyword_only or self.varkw


def signature(arguments: ast.arguments, drop_first: bool) -> Signature:
    positional = [argument.arg for argument in arguments.posonlyargs + arguments.args]
    positional_only = len(arguments.posonlyargs)
    required = len(positional) - len(arguments.defaults)
    if drop_first and positional:
        positional, positional_only, required = positional[1:], max(0, positional_only - 1), required - 1
    return Signature(
        tuple(positional),
        positional_only,
        max(0, required),
        tuple(argument.arg for argument in arguments.kwonlyargs),
        frozenset(argument.arg for argument, default in zip(arguments.kwonlyargs, arguments.kw_defaults) if default is None),
        arguments.vararg is not None,
        arguments.kwarg is not None,
    )


# -- comparing and binding signatures -------------------------------------------------------------


def changes(old: Signature, new: Signature) -> dict[str, str]:
    """What makes some call that fitted ``old`` fail on ``new`` (or silently bind differently, for
    a moved parameter), keyed by the parameter concerned ("*args", "**kwargs" for those)."""
    found: dict[str, str] = {}
    renamed = _renamed(old, new)
    for index, name in enumerate(old.positional):
        why = _positional_change(old, new, index, name, renamed)
        if why is not None:
            found.setdefault(name, why)
    for name in old.keyword_only:
        if not new.by_keyword(name):
            found.setdefault(name, _gone(name, renamed))
    for name in [*new.positional[:new.required], *sorted(new.required_keywords)]:
        if name not in _required(old) and name not in renamed.values():
            had = name in old.names
            found.setdefault(name, f"parameter '{name}' no longer has a default" if had else f"new parameter '{name}' has no default")
    if old.varargs and not new.varargs:
        found["*args"] = "*args was removed"
    if old.varkw and not new.varkw:
        found["**kwargs"] = "**kwargs was removed"
    return found


def _renamed(old: Signature, new: Signature) -> dict[str, str]:
    """Positional parameters whose name changed in place: neither name is found on the other side."""
    return {
        before: after
        for before, after in zip(old.positional, new.positional)
        if before != after and before not in new.names and after not in old.names
    }


def _positional_change(old: Signature, new: Signature, index: int, name: str, renamed: Mapping[str, str]) -> str | None:
    if index < len(new.positional) and new.positional[index] != name:
        if name in new.positional:
            return f"parameter '{name}' moved from position {index + 1} to {new.positional.index(name) + 1}"
        if name in new.keyword_only:
            return f"parameter '{name}' is now keyword-only"
        return _gone(name, renamed)
    if index >= len(new.positional) and not new.varargs:
        return f"parameter '{name}' is now keyword-only" if name in new.keyword_only else _gone(name, renamed)
    if index >= old.positional_only and not new.by_keyword(name):
        return f"parameter '{name}' is now positional-only" if name in new.positional else _gone(name, renamed)
    return None


def _gone(name: str, renamed: Mapping[str, str]) -> str:
    return f"parameter '{name}' was renamed to '{renamed[name]}'" if name in renamed else f"parameter '{name}' was removed"


def _required(signature: Signature) -> frozenset[str]:
    return frozenset(signature.positional[:signature.required]) | signature.required_keywords


#: Why a call does not bind: ("positional", count), ("unexpected", name), ("twice", name) or ("missing", name).
Failure = tuple[str, str]


def bind(signature: Signature, positional: int, keywords: Sequence[str]) -> Failure | None:
    """Whether a call with ``positional`` arguments and these keyword names binds, as Python binds it."""
    if positional > len(signature.positional) and not signature.varargs:
        return ("positional", str(positional))
    filled = set(signature.positional[:positional])
    for name in keywords:
        if name in signature.positional[signature.positional_only:]:
            if name in filled:
                return ("twice", name)
            filled.add(name)
        elif name in signature.keyword_only:
            filled.add(name)
        elif not signature.varkw:
            return ("unexpected", name)
    missing = [name for name in signature.positional[:signature.required] if name not in filled]
    missing += sorted(signature.required_keywords - filled)
    return ("missing", missing[0]) if missing else None


def why(failure: Failure, old: Signature, new: Signature, changed: Mapping[str, str]) -> str:
    """Why a call that fitted ``old`` fails on ``new``, in the words of the signature's changes."""
    kind, detail = failure
    if kind == "positional":
        slot = len(new.positional)
        name = old.positional[slot] if slot < len(old.positional) else "*args"
        return changed.get(name) or changed.get("*args") or f"it takes at most {plural(slot, 'positional argument')} now"
    if kind == "unexpected":
        return changed.get(detail) or changed.get("**kwargs") or f"it has no parameter '{detail}' now"
    if kind == "twice":
        return changed.get(detail) or f"parameter '{detail}' would get two values"
    return changed.get(detail) or f"parameter '{detail}' is required now"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
