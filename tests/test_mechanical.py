"""change.mechanical: a change is mechanical when Python sees the same code before and after."""

from __future__ import annotations

import pytest

from diffrisk.change.mechanical import is_mechanical
from diffrisk.pyfile.source import parse
from testing.diffgen import file_change

BEFORE = '''\
def total(items, start=0):
    """Sum the items."""
    result = start
    for item in items:
        result += item
    return result
'''


def mechanical(old: str, new: str) -> bool:
    change = file_change(old, new)
    return is_mechanical(parse("m.py", old), parse("m.py", new), set(change.deleted_lines), set(change.added_lines))


@pytest.mark.parametrize("after", [
    BEFORE.replace("items, start=0", "items,  start = 0"),  # spacing
    BEFORE.replace("    result = start\n", "    # start from the given value\n    result = start\n"),  # a comment
    BEFORE.replace("def total(items, start=0):", "def total(\n    items,\n    start=0,\n):"),  # wrapped
    BEFORE.replace("    result += item\n", "    result += (\n        item\n    )\n"),  # parenthesised
])
def test_formatting_and_comments_are_mechanical(after: str) -> None:
    assert mechanical(BEFORE, after) is True


@pytest.mark.parametrize("after", [
    BEFORE.replace("start=0", "start=1"),  # a default changed
    BEFORE.replace('"""Sum the items."""', '"""Sum all the items."""'),  # a docstring is a value
    BEFORE.replace("    return result\n", "    return result  # noqa: RET504\n"),  # a suppression
    BEFORE.replace("    return result\n", "    return result  # type: ignore\n"),
    BEFORE.replace("    result = start\n", "    # result = start * 2\n    result = start\n"),  # commented-out code
    "# -*- coding: latin-1 -*-\n" + BEFORE,  # the encoding changes what the bytes mean
    BEFORE + "\n\ndef extra():\n    pass\n",  # a new statement
])
def test_anything_python_sees_differently_is_not(after: str) -> None:
    assert mechanical(BEFORE, after) is False
