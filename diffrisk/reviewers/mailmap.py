"""git's ``.mailmap``: one person under several names and addresses becomes one identity.

Read from the trusted side of the change (its base), never from the work tree, and applied by
diffrisk itself to the raw identities git records (``%an``/``%ae``): a change that edits
``.mailmap`` cannot make its author one of the people who know the code it touches.

The four forms git accepts, matched on the commit's address (and name, when given), both without
regard to case::

    Proper Name <commit@email>
    <proper@email> <commit@email>
    Proper Name <proper@email> <commit@email>
    Proper Name <proper@email> Commit Name <commit@email>
"""

from __future__ import annotations

from collections.abc import Mapping

from diffrisk.records import field, record
from diffrisk.regex import Regex

_ENTRY = Regex(r"^\s*([^<#]*?)\s*<([^>]*)>\s*(?:([^<#]*?)\s*<([^>]*)>)?\s*(?:#.*)?$")


@record
class Mailmap:
    #: (commit address, commit name or "") -> (proper name or "", proper address or "").
    entries: Mapping[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    #: Proper address (lower case) -> proper name, from the entries that give both.
    names: Mapping[str, str] = field(default_factory=dict)

    def canonical(self, name: str, email: str) -> tuple[str, str]:
        """The identity's proper (name, address).  An address that is itself some entry's
        proper address takes that entry's proper name: one person, one name."""
        key = email.strip().lower()
        proper = self.entries.get((key, name.strip().lower())) or self.entries.get((key, ""))
        if proper is None:
            return self.names.get(key, name), email
        return proper[0] or name, proper[1] or email


def parse(text: str) -> Mailmap:
    """The entries of a ``.mailmap``; lines that are none of git's forms are skipped, as git does."""
    entries: dict[tuple[str, str], tuple[str, str]] = {}
    for line in text.splitlines():
        match = _ENTRY.match(line)
        if match is None or not line.strip() or line.lstrip().startswith("#"):
            continue
        first_name, first_email, second_name, second_email = match.groups()
        if second_email is None:
            # "Proper Name <commit@email>": the address both matches and stays.
            entries[(first_email.strip().lower(), "")] = (first_name, "")
        else:
            entries[(second_email.strip().lower(), (second_name or "").strip().lower())] = (first_name, first_email.strip())
    names = {address.lower(): proper_name for proper_name, address in sorted(entries.values()) if proper_name and address}
    return Mailmap(entries, names)
