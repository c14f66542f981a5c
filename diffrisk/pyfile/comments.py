"""Comments in Python source, told apart from text that only looks like one (a ``#`` in a string)."""

from __future__ import annotations

import ast
import io
import tokenize

#: Longer lines are data (minified code, embedded blobs), not code a person wrote a comment on;
#: they are not searched for comments, which also bounds the work a hostile line can cause.
MAX_LINE = 10_000


def comment_of(line: str) -> str | None:
    """The comment on one line of code, read by Python's tokenizer (None: no comment), so a
    ``#`` inside a string on that line is not taken for one."""
    try:
        for token in tokenize.generate_tokens(io.StringIO(line.lstrip()).readline):
            if token.type == tokenize.COMMENT:
                return token.string
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None  # an unclosed bracket ends the line's tokens; a comment would have come first
    return None


def string_lines(tree: ast.AST) -> set[int]:
    """Lines inside a string literal that spans lines (after its first line), where a ``#`` is
    text, not a comment.  Anywhere else, a line whose first character is ``#`` is a comment."""
    inside: set[int] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        # A node on one line holds only nodes on that line (decorators, above a ``def``, aside):
        # skipping those skips most of a tree.
        if getattr(node, "end_lineno", None) == getattr(node, "lineno", 0) and not getattr(node, "decorator_list", None):
            continue
        if isinstance(node, (ast.Constant, ast.JoinedStr)) and node.end_lineno and node.end_lineno > node.lineno:
            if isinstance(node, ast.JoinedStr) or isinstance(node.value, (str, bytes)):
                inside.update(range(node.lineno + 1, node.end_lineno + 1))
        stack.extend(ast.iter_child_nodes(node))
    return inside
