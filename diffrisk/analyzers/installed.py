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
    python = f"python-{sys.implementation.name}-{'.'.join(str(part) for part in sys.version_info[:3])}"
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
    prefix = f"{package}-"
    found = sorted(name for name in names if name.lower().startswith(prefix) and name.endswith((".dist-info", ".egg-info")))
    return found[-1] if found else f"{package}@{spec.origin}"
