"""diffrisk.regex.Regex: re.compile's pattern, compiled when first used."""

from __future__ import annotations

import re

from diffrisk.regex import Regex


def test_a_pattern_is_compiled_on_its_first_use_and_answers_as_re_does() -> None:
    lazy = Regex(r"(?P<word>\w+)=(\d+)?", re.I)
    assert lazy._compiled is None
    eager = re.compile(r"(?P<word>\w+)=(\d+)?", re.I)
    text = "Alpha=1 beta= GAMMA=3"
    found, expected = lazy.search(text, 2), eager.search(text, 2)
    assert found is not None and expected is not None
    assert (found.group("word"), found.span()) == (expected.group("word"), expected.span()) == ("pha", (2, 7))
    assert lazy._compiled is not None
    assert [match.groups() for match in lazy.finditer(text)] == [match.groups() for match in eager.finditer(text)]
    assert lazy.split(text) == eager.split(text) == ["", "Alpha", "1", " ", "beta", None, " ", "GAMMA", "3", ""]
    assert lazy.sub(lambda match: match.group("word").upper(), text) == "ALPHA BETA GAMMA"
    assert lazy.match(text) is not None and lazy.fullmatch(text) is None
    assert (lazy.pattern, lazy.flags) == (r"(?P<word>\w+)=(\d+)?", re.I)


def test_a_bytes_pattern_matches_bytes() -> None:
    shebang = Regex(rb"python|pypy")
    assert shebang.search(b"#!/usr/bin/env python3") is not None
    assert shebang.search(b"#!/bin/sh") is None
