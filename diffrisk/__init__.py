"""diffrisk: how deeply a human must review a diff, and where to look first."""

__version__ = "0.1.0"
