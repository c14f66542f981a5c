"""A real git repository in a temporary folder, with a few shortcuts for tests."""

from __future__ import annotations

import subprocess
from pathlib import Path


class Repo:
    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def create(cls, path: Path) -> Repo:
        """``git init`` at ``path`` (made if missing)."""
        path.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "init", "-q", str(path)], check=True)
        return cls(path)

    def git(self, *args: str, input: bytes | None = None) -> str:
        completed = subprocess.run(
            ["git", *args], cwd=self.path, input=input, capture_output=True, check=True
        )
        return completed.stdout.decode("utf-8", "surrogateescape")

    def write(self, name: str, text: str | bytes) -> Path:
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_bytes(text.encode("utf-8"))
        return target

    def stage(self, *names: str) -> None:
        self.git("add", *(("--", *names) if names else ("-A",)))

    def commit(self, message: str = "change") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD").strip()
