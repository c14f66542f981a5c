"""Stage 4, what the repository's history says: its commits read from one record format, which
of them a coding agent wrote, which are bug fixes and how often the touched files needed them,
and (SZZ) which commits later fixes blamed."""
