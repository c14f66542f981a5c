"""Which Python, bandit and radon the analyzers run on, read without importing bandit or radon.

A result kept between runs (the analysis cache, ``log --db``'s stored scores) is reused only
where these are the same: a new bandit adds tests and changes messages, and a new Python parses
the same text into another syntax tree (f-strings became nodes of their own in 3.12).
"""

from __future__ import annotations

import functools
import importlib.util
import os
import sys

#: The installed tools the analyzers call.
TOOLS = ("bandit", "radon")


@functools.cache
def identity() -> str:
    """``python-3.11.7;bandit-1.9.4.dist-info;radon-6.0.1.dist-info``, or the like."""
    # sys.version's first word, not version_info[:3]: a release candidate is not the release.
    python = f"python-{sys.implementation.name}-{sys.version.split()[0]}"
    return ";".join((python, *(_distribution(tool) for tool in TOOLS)))


def _distribution(package: str) -> str:
    """The metadata folder installed with ``package`` (its name holds the version), found beside
    the package, as pip installs both; where there is none (a source checkout on the path), the
    package's own location."""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        return f"{package}-absent"
    folder = os.path.dirname(os.path.dirname(spec.origin))
    try:
        names = os.listdir(folder)
    except OSError:
        names = []
    found = sorted(name for name in names if _names_distribution(name, package))
    # Several (an upgrade's leftovers): all of them, so that a change to any one is seen.
    return "+".join(found) if found else f"{package}@{spec.origin}"


def _names_distribution(folder: str, package: str) -> bool:
    """Whether ``folder`` is the metadata of ``package``: ``name-version.dist-info`` (or
    ``.egg-info``), its name normalized as metadata folders write it, so that a plugin's
    (``bandit_sarif-1.0.dist-info``) is not taken for it."""
    if not folder.endswith((".dist-info", ".egg-info")):
        return False
    name = folder.split("-", 1)[0]
    return name.lower().replace(".", "_") == package
