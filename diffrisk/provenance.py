"""Was a commit written by a coding agent?  Read from its metadata, by one table of markers.

A marker names an agent by something only the agent leaves: its own author identity (a bot
account, an agent's noreply address, aider's "(aider)" suffix), a ``Co-authored-by:`` trailer
naming such an identity or exactly an agent's product name, a "Generated with" footer, or aider's
"aider:" subject prefix.  A person whose name merely contains "Claude" or "Devin" is not an agent:
names must match an agent's name exactly, or the address must be the agent's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Product names an agent signs trailers with, matched whole and case-insensitively.
AGENT_NAMES = {
    "claude": "claude", "claude code": "claude", "copilot": "copilot", "github copilot": "copilot",
    "copilot-swe-agent[bot]": "copilot", "cursor": "cursor", "cursor agent": "cursor", "cursoragent": "cursor",
    "codex": "codex", "chatgpt-codex-connector[bot]": "codex", "devin": "devin", "devin ai": "devin",
    "devin-ai-integration[bot]": "devin", "aider": "aider", "openhands": "openhands", "openhands-agent": "openhands",
    "gemini": "gemini", "gemini code assist": "gemini", "gemini-code-assist[bot]": "gemini", "jules": "jules",
    "google-labs-jules[bot]": "jules", "amazon q": "amazon-q", "amazon-q-developer[bot]": "amazon-q",
    "sweep-ai[bot]": "sweep", "windsurf": "windsurf", "cascade": "windsurf",
}
#: Addresses only an agent commits with.
AGENT_EMAILS = (
    (re.compile(r"^noreply@anthropic\.com$", re.I), "claude"),
    (re.compile(r"^(\d+\+)?copilot@users\.noreply\.github\.com$", re.I), "copilot"),
    (re.compile(r"^(\d+\+)?copilot-swe-agent(\[bot\])?@users\.noreply\.github\.com$", re.I), "copilot"),
    (re.compile(r"^cursoragent@cursor\.com$", re.I), "cursor"),
    (re.compile(r"^(\d+\+)?chatgpt-codex-connector(\[bot\])?@users\.noreply\.github\.com$", re.I), "codex"),
    (re.compile(r"^(\d+\+)?devin-ai-integration(\[bot\])?@users\.noreply\.github\.com$", re.I), "devin"),
    (re.compile(r"^openhands@all-hands\.dev$", re.I), "openhands"),
    (re.compile(r"^(\d+\+)?google-labs-jules(\[bot\])?@users\.noreply\.github\.com$", re.I), "jules"),
    (re.compile(r"^(\d+\+)?gemini-code-assist(\[bot\])?@users\.noreply\.github\.com$", re.I), "gemini"),
)
_TRAILER = re.compile(r"^co-authored-by:\s*(?P<name>[^<\n]*?)\s*<(?P<email>[^>\n]*)>\s*$", re.I | re.M)
_FOOTER = re.compile(
    r"^\W*generated (?:with|by) \[?(?P<agent>claude code|claude|codex|cursor|aider|copilot|devin|openhands|gemini|jules)\b",
    re.I | re.M,
)
_AIDER_AUTHOR = re.compile(r"\(aider\)\s*$", re.I)
_AIDER_PREFIX = re.compile(r"^aider: ", re.I)


@dataclass(frozen=True)
class Provenance:
    ai_authored: bool
    #: Which marker said so, e.g. "trailer:claude", "author:aider"; None for no marker.
    reason: str | None


HUMAN = Provenance(False, None)


def of_commit(author: str, author_email: str, committer: str, committer_email: str, message: str) -> Provenance:
    """The first marker found in a commit's identities and message, in the order the table lists."""
    for role, name, email in (("author", author, author_email), ("committer", committer, committer_email)):
        agent = _identity(name, email, role)
        if agent:
            return Provenance(True, f"{role}:{agent}")
    for match in _TRAILER.finditer(message):
        agent = _agent_name(match.group("name")) or _agent_email(match.group("email"))
        if agent:
            return Provenance(True, f"trailer:{agent}")
    footer = _FOOTER.search(message)
    if footer:
        return Provenance(True, f"footer:{footer.group('agent').lower().replace(' code', '')}")
    if _AIDER_PREFIX.match(message):
        return Provenance(True, "prefix:aider")
    return HUMAN


def _identity(name: str, email: str, role: str) -> str | None:
    """The agent an author or committer identity belongs to (``role`` is for the reason only)."""
    if _AIDER_AUTHOR.search(name):
        return "aider"
    agent = _agent_email(email)
    if agent:
        return agent
    lowered = name.strip().lower()
    return AGENT_NAMES.get(lowered) if lowered.endswith("[bot]") else None


def _agent_name(name: str) -> str | None:
    return AGENT_NAMES.get(name.strip().lower())


def _agent_email(email: str) -> str | None:
    for pattern, agent in AGENT_EMAILS:
        if pattern.match(email.strip()):
            return agent
    return None
