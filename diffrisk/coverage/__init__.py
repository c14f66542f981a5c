"""Test coverage of the files a change touched, read from coverage data files the user names
(``.coverage`` databases, Cobertura XML, LCOV, coverage.py JSON), for the tests component.

Data files are untrusted input (they may come from a pull request's branch): their size is
capped, XML may not declare a DTD, and the paths they hold are only compared, never opened.
"""

from __future__ import annotations

from diffrisk.coverage.files import MAX_BYTES
from diffrisk.coverage.model import CoverageData, FileCoverage
from diffrisk.coverage.reading import read

__all__ = ["MAX_BYTES", "CoverageData", "FileCoverage", "read"]
