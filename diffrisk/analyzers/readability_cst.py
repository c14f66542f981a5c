"""The comments of a module, through libcst (``ast`` drops comments).

libcst knows which ``#`` starts a comment and which sits inside a string, and where each comment
is.  It costs about 0.3 s to import and 0.35 ms per line to parse and position, so the readability
analyzer calls it only for code that holds a comment that looks like code.
"""

from __future__ import annotations

import io
import tokenize

import libcst
from libcst.metadata import MetadataWrapper, PositionProvider


def full_line_comments(text: str) -> list[tuple[int, str]]:
    """(1-based line, text) of every comment that stands on a line of its own."""
    try:
        module = libcst.parse_module(text)
    except libcst.ParserSyntaxError:
        # Valid Python that libcst's grammar does not know yet: the tokenizer still finds comments.
        return _tokenized_comments(text)
    # unsafe_skip_copy: the wrapper would otherwise deep-copy the whole tree, which we never change.
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    collector = _CommentCollector()
    wrapper.visit(collector)
    return collector.comments


class _CommentCollector(libcst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self) -> None:
        super().__init__()
        self.comments: list[tuple[int, str]] = []

    def visit_EmptyLine(self, node: libcst.EmptyLine) -> None:
        if node.comment is not None:
            position = self.get_metadata(PositionProvider, node.comment)
            self.comments.append((position.start.line, node.comment.value))


def _tokenized_comments(text: str) -> list[tuple[int, str]]:
    lines = text.split("\n")
    comments: list[tuple[int, str]] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            row, column = token.start
            if token.type == tokenize.COMMENT and not lines[row - 1][:column].strip():
                comments.append((row, token.string))
    except (tokenize.TokenError, SyntaxError):
        pass  # the file parsed with ast, so this is the tokenizer's limit; keep what was found
    return comments
