"""AI authorship from commit metadata."""

from __future__ import annotations

import pytest

from diffrisk.provenance import of_commit


@pytest.mark.parametrize(
    ("author", "email", "committer", "message", "reason"),
    [
        ("Ana", "ana@example.com", "Ana", "Fix it\n\nCo-authored-by: Claude <noreply@anthropic.com>\n", "trailer:claude"),
        ("Ana", "ana@example.com", "Ana", "Fix it\n\nCo-authored-by: Copilot <copilot@github.com>\n", "trailer:copilot"),
        ("Paul Gauthier (aider)", "paul@example.com", "Paul Gauthier (aider)", "refactor", "author:aider"),
        ("Paul Gauthier", "paul@example.com", "Paul Gauthier (aider)", "refactor", "committer:aider"),
        ("Ana", "ana@example.com", "Ana", "aider: add retries", "prefix:aider"),
        ("Ana", "ana@example.com", "Ana", "Add x\n\n🤖 Generated with [Claude Code](https://claude.ai/code)\n", "footer:claude"),
        ("devin-ai-integration[bot]", "158243242+devin-ai-integration[bot]@users.noreply.github.com", "GitHub", "Add x", "author:devin"),
        ("google-labs-jules[bot]", "161369871+google-labs-jules[bot]@users.noreply.github.com", "GitHub", "Add x", "author:jules"),
    ],
)
def test_agents_are_recognised(author: str, email: str, committer: str, message: str, reason: str) -> None:
    found = of_commit(author, email, committer, "c@example.com", message)
    assert (found.ai_authored, found.reason) == (True, reason)


@pytest.mark.parametrize(
    ("author", "email", "message"),
    [
        ("Claude Monet", "claude@monet.fr", "Paint\n\nCo-authored-by: Claude Debussy <claude@debussy.fr>\n"),
        ("Devin Booker", "devin@suns.com", "Fix the bug Devin found"),
        ("Ana", "ana@example.com", "Mention that docs were generated with sphinx"),
        ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com", "Bump x"),
    ],
)
def test_people_and_other_bots_are_not_agents(author: str, email: str, message: str) -> None:
    assert of_commit(author, email, author, email, message).ai_authored is False
