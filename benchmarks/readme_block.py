"""Write a generated table into benchmarks/README.md between its two marker comments."""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).resolve().parent / "README.md"


def write(name: str, stamp: str, body: str) -> None:
    """Replace what stands between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` (appended
    at the end when the markers are missing) with ``stamp``, a blank line and ``body``."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = README.read_text()
    block = f"{start}\n{stamp}\n\n{body}{end}"
    if start in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end):]
    else:
        text += f"\n{block}\n"
    README.write_text(text)
