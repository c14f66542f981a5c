"""Was a commit written by a coding agent?  Read from its metadata, by one table of markers.

A marker names an agent by something only the agent leaves: its own author identity (a bot
account, an agent's noreply address, aider's "(aider)" suffix), a ``Co-authored-by:`` trailer
naming such an identity or exactly an agent's product name, a "Generated with" footer, or aider's
"aider:" subject prefix.  A person whose name merely contains "Claude" or "Devin" is not an agent:
names must match an agent's name exactly, or the address must be the agent's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from diffrisk.history.commits import CommitRecord
from diffrisk.model import Authorship
from diffrisk.regex import Regex

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
    (Regex(r"^noreply@anthropic\.com$", re.I), "claude"),
    (Regex(r"^(\d+\+)?copilot@users\.noreply\.github\.com$", re.I), "copilot"),
    (Regex(r"^(\d+\+)?copilot-swe-agent(\[bot\])?@users\.noreply\.github\.com$", re.I), "copilot"),
    (Regex(r"^cursoragent@cursor\.com$", re.I), "cursor"),
    (Regex(r"^(\d+\+)?chatgpt-codex-connector(\[bot\])?@users\.noreply\.github\.com$", re.I), "codex"),
    (Regex(r"^(\d+\+)?devin-ai-integration(\[bot\])?@users\.noreply\.github\.com$", re.I), "devin"),
    (Regex(r"^openhands@all-hands\.dev$", re.I), "openhands"),
    (Regex(r"^(\d+\+)?google-labs-jules(\[bot\])?@users\.noreply\.github\.com$", re.I), "jules"),
    (Regex(r"^(\d+\+)?gemini-code-assist(\[bot\])?@users\.noreply\.github\.com$", re.I), "gemini"),
)
_FOOTER = Regex(
    # [^\w\n]: a line's leading emoji or punctuation, never across lines (no quadratic rescans).
    r"^[^\w\n]*generated (?:with|by) \[?(?P<agent>claude code|claude|codex|cursor|aider|copilot|devin|openhands|gemini|jules)\b",
    re.I | re.M,
)
#: Messages are hostile text: only so much of one is read.
MAX_MESSAGE = 100_000
_AIDER_AUTHOR = Regex(r"\(aider\)\s*$", re.I)
_AIDER_PREFIX = Regex(r"^aider: ", re.I)


#: No marker: nothing says an agent wrote it ("human" only in that sense).
HUMAN = Authorship(False, None)
#: The trailer with which a person accepts a change beyond policy.
ACCEPTED_BY = "Risk-Accepted-By"


def of_record(record: CommitRecord) -> Authorship:
    """The first agent marker in a commit's metadata (reason None: no marker)."""
    return of_commit(record.author, record.email, record.committer, record.committer_email, record.message)


def of_commit(author: str, author_email: str, committer: str, committer_email: str, message: str) -> Authorship:
    """The first marker found in a commit's identities and message, in the order the table lists."""
    for role, name, email in (("author", author, author_email), ("committer", committer, committer_email)):
        agent = _identity(name, email, role)
        if agent:
            return Authorship(True, f"{role}:{agent}")
    message = message[:MAX_MESSAGE]
    for name, email in co_authors(message):
        agent = _agent_name(name) or _agent_email(email)
        if agent:
            return Authorship(True, f"trailer:{agent}")
    footer = _FOOTER.search(message)
    if footer:
        return Authorship(True, f"footer:{footer.group('agent').lower().replace(' code', '')}")
    if _AIDER_PREFIX.match(message):
        return Authorship(True, "prefix:aider")
    return HUMAN


def names_agent(identity: str) -> bool:
    """Whether "Name <address>" (or either part alone) is a coding agent's identity."""
    name, _, rest = identity.partition("<")
    email = rest.partition(">")[0]
    return bool(_agent_name(name) or _agent_email(email) or _AIDER_AUTHOR.search(name.strip()))


def co_authors(message: str) -> list[tuple[str, str]]:
    """(name, address) of each ``Co-authored-by: Name <address>`` line, by string operations
    (a regular expression with optional spaces on both sides of the name backtracks badly)."""
    found = []
    for line in message.splitlines():
        key, colon, value = line.partition(":")
        if not colon or key.strip().lower() != "co-authored-by":
            continue
        name, bracket, rest = value.partition("<")
        email, closing, _ = rest.partition(">")
        if bracket and closing:
            found.append((name.strip(), email.strip()))
    return found


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


# -- staged changes: the environment an agent's shell runs in ---------------------------------------

#: Variables coding agents set in the shells they run commands in, with the value that marks them
#: (None: any non-empty value).  Only markers the agent documents or sets in its own public source
#: are listed; docs/ai-authored.md gives each one's source.  Checked in this order.
ENVIRONMENT_MARKERS: tuple[tuple[str, str | None, str], ...] = (
    ("CLAUDECODE", "1", "claude"),  # docs: code.claude.com/docs/en/env-vars; Amp sets it too, see below
    ("GEMINI_CLI", "1", "gemini"),  # google-gemini/gemini-cli docs/tools/shell.md
    ("CODEX_THREAD_ID", None, "codex"),  # openai/codex codex-rs/protocol/src/shell_environment.rs
    ("CODEX_CI", "1", "codex"),  # openai/codex codex-rs/core/src/unified_exec/process_manager.rs
    ("CODEX_SANDBOX", None, "codex"),  # openai/codex codex-rs/core/src/seatbelt.rs (macOS)
    ("OPENCODE", "1", "opencode"),  # sst/opencode packages/opencode/src/index.ts
    ("GOOSE_TERMINAL", "1", "goose"),  # block/goose documentation/docs/guides/environment-variables.md
    ("CLINE_ACTIVE", "true", "cline"),  # cline/cline VscodeTerminalRegistry.ts
    ("CURSOR_AGENT", "1", "cursor"),  # cursor/cursor issue 3612
    ("COPILOT_AGENT_SESSION_ID", None, "copilot"),  # Copilot coding agent (environment dump in watson/is-ci#28)
    ("KIRO_SESSION_ID", None, "kiro"),  # kiro.dev/docs/cli/reference/built-in-tools
)
#: Agents that share the ``AGENT`` variable (opencode sets AGENT=1, also read above).
_AGENT_VARIABLE = {"amp": "amp", "goose": "goose"}
_TRUE = frozenset({"1", "true", "yes", "on", "ai", "agent"})
_FALSE = frozenset({"0", "false", "no", "off", "human"})


def of_environment(environ: Mapping[str, str]) -> Authorship:
    """The agent whose marker the environment carries (for staged changes, before a commit exists)."""
    shared = environ.get("AGENT", "").strip().lower()
    if shared in _AGENT_VARIABLE:
        return Authorship(True, f"environment:AGENT={shared}")
    for variable, value, agent in ENVIRONMENT_MARKERS:
        found = environ.get(variable, "").strip()
        if found and (value is None or found.lower() == value):
            return Authorship(True, f"environment:{variable} ({agent})")
    amazon_q = environ.get("AWS_EXECUTION_ENV", "")
    if "AmazonQ-For-CLI" in amazon_q:
        return Authorship(True, "environment:AWS_EXECUTION_ENV (amazon-q)")
    return HUMAN


def declared(flag: bool | None, environ: Mapping[str, str]) -> Authorship | None:
    """What the user said: ``--ai``/``--no-ai``, else ``DIFFRISK_AI``; None when they said nothing.

    Raises ValueError for a DIFFRISK_AI value that is neither yes nor no.
    """
    if flag is not None:
        return Authorship(flag, "--ai" if flag else "--no-ai")
    value = environ.get("DIFFRISK_AI", "").strip()
    if not value:
        return None
    if value.lower() in _TRUE:
        return Authorship(True, "DIFFRISK_AI")
    if value.lower() in _FALSE:
        return Authorship(False, "DIFFRISK_AI")
    raise ValueError(f"DIFFRISK_AI must be 1/true/yes or 0/false/no, not {value!r}")


def of_commits(commits: Sequence[tuple[str, Authorship]]) -> Authorship:
    """A range is AI-authored when any of its commits is; the reason names the first such commit."""
    for sha, provenance in commits:
        if provenance.ai_authored:
            return Authorship(True, f"{provenance.reason} in commit {sha[:12]}")
    return HUMAN


def of_change(
    records: Sequence[CommitRecord], declared_by_user: Authorship | None, environ: Mapping[str, str], uncommitted: bool,
    require_trailer: str | None,
) -> Authorship:
    """Whether to treat a change as AI-authored, and why: its commits' metadata, and (``uncommitted``:
    staged or unstaged changes, or a local range such as a pre-push hook's) the environment's agent
    markers; a user's declaration can make a
    change AI-authored, and can make it human only where no marker says otherwise.  With
    ``require_trailer``, the AI-authored commits that lack that trailer."""
    markers = [(record.sha, of_record(record)) for record in records]
    if records:
        detected = of_commits(markers)
        if uncommitted and not detected.ai_authored:
            # A local range (what a pre-push hook checks) pushed from an agent's shell: the agent
            # may have committed with --no-verify and plain metadata.
            detected = of_environment(environ) if of_environment(environ).ai_authored else detected
    elif uncommitted:
        detected = of_environment(environ)
    else:
        detected = HUMAN
    found = detected
    if declared_by_user is not None and declared_by_user.ai_authored:
        found = declared_by_user
    elif declared_by_user is not None and detected.ai_authored:
        # Whoever declares "not an agent" may be the agent: a marker it left outweighs the claim.
        found = Authorship(True, f"{detected.reason} ({declared_by_user.reason} does not override an agent's marker)")
    elif declared_by_user is not None:
        found = declared_by_user
    if not found.ai_authored:
        default = "no agent marker in the commits" if records else (
            "no agent marker in the environment" if uncommitted else "no commit metadata (a patch)"
        )
        return Authorship(False, found.reason or default)
    lacking: tuple[str, ...] = ()
    if require_trailer:
        lacking = tuple(
            record.sha for record, (_, marker) in zip(records, markers) if marker.ai_authored and not record.trailer(require_trailer)
        )
        if declared_by_user is not None and records and not any(marker.ai_authored for _, marker in markers):
            lacking = tuple(record.sha for record in records if not record.trailer(require_trailer))
    return Authorship(True, found.reason or "AI-authored", lacking)


def accepted_by(records: Sequence[CommitRecord]) -> str | None:
    """Who accepted the change's risk: the newest Risk-Accepted-By trailer in its commits.

    Only a person's commit can accept: a trailer in a commit a coding agent wrote (which the agent
    may have written itself) is not honoured, nor one naming an agent's identity.
    """
    for record in records:
        who = record.trailer(ACCEPTED_BY)
        if who and not of_record(record).ai_authored and not names_agent(who):
            return who
    return None
