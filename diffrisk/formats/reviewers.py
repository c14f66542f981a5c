"""Who should review a change, as lines every human-readable format shows the same way (each
format escapes them for itself)."""

from __future__ import annotations

from diffrisk.model import Expert, Reviewers

#: Changed paths listed with their owners at most; the JSON lists all.
MAX_OWNED_PATHS = 10


def lines(reviewers: Reviewers) -> list[tuple[str, str]]:
    """(label, text) rows: experts, departed experts, knowledge at risk, owners, notes."""
    rows = [("expert", _person(expert)) for expert in reviewers.experts]
    if reviewers.touched_lines and not reviewers.experts:
        nobody = "nobody else" if reviewers.author_knows else "nobody still active"
        rows.append(("expert", f"{nobody} wrote the code this change touches"))
    rows += [("departed", f"{_person(expert)} (no commit in the activity period)") for expert in reviewers.departed]
    if reviewers.knowledge_at_risk:
        rows.append(("at risk", f"{round(100 * reviewers.knowledge_at_risk)}% of the {reviewers.touched_lines} touched lines "
                                "were last written by people no longer active"))
    rows += _owners(reviewers)
    rows += [("note", note) for note in reviewers.notes]
    return rows


def _person(expert: Expert) -> str:
    return f"{expert.name} <{expert.email}>: {expert.reason}"


def _owners(reviewers: Reviewers) -> list[tuple[str, str]]:
    if not reviewers.codeowners:
        return []
    owned = [item for item in reviewers.owners if item.owners]
    rows = [
        ("owners", f"{item.path}: {' '.join(item.owners)} ({reviewers.codeowners}: {item.pattern})")
        for item in owned[:MAX_OWNED_PATHS]
    ]
    if len(owned) > MAX_OWNED_PATHS:
        rows.append(("owners", f"(+{len(owned) - MAX_OWNED_PATHS} more paths)"))
    unowned = len(reviewers.owners) - len(owned)
    if unowned:
        rows.append(("owners", f"{unowned} changed {'path has' if unowned == 1 else 'paths have'} no owner in {reviewers.codeowners}"))
    return rows
