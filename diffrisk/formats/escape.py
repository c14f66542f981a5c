"""Escaping shared by the formats."""

from __future__ import annotations

# Paths and contents are decoded with "surrogateescape": a byte that is not UTF-8 becomes a lone
# surrogate U+DC80..U+DCFF, which no strict JSON or terminal accepts.
_UNDECODABLE_BYTES = {code: f"\\x{code - 0xDC00:02x}" for code in range(0xDC80, 0xDD00)}


def show_bytes(text: str) -> str:
    """Write each byte that was not UTF-8 as the four characters ``\\xNN``."""
    return text.translate(_UNDECODABLE_BYTES)
