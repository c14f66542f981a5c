"""``--format html``: a self-contained, inert, escaped page, checked as text and in a real browser."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from diffrisk.main import main
from testing.repo import Repo
from testing.samples import RISKY

HOSTILE_NAME = '<img src=x onerror=alert(1)>.py'
HOSTILE_CODE = 'X = "</code></td></tr><script>alert(1)</script>"  # \u202e evil\nY = eval(X)\n'


@pytest.fixture
def change(repo: Repo) -> Repo:
    repo.write("README.md", "# demo\n")
    repo.write("app/__init__.py", "")
    repo.write("app/util.py", "def helper():\n    return 1\n")
    repo.commit("initial")
    repo.write("app/runner.py", RISKY)
    repo.write("app/util.py", "def helper():\n    return 2\n")
    repo.write("docs/notes.md", "Some notes.\n")
    repo.write(HOSTILE_NAME, HOSTILE_CODE)
    repo.commit("a multi-file change")
    return repo


def render(repo: Repo, path: Path) -> str:
    assert main(["-C", str(repo.path), "check", "--commit", "HEAD", "--fail-level", "L2", "--format", "html", "-o", str(path)]) == 1
    return path.read_text(encoding="utf-8")


class _Dom(HTMLParser):
    """Elements by class and id, with their text, from a page or chromium's serialized DOM."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.by_class: dict[str, list[str]] = {}
        self.by_id: dict[str, str] = {}
        self.open: list[tuple[str, str | None, list[str]]] = []
        self.tags: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = {name: value or "" for name, value in attrs}
        if values.get("href", "").startswith("#"):
            self.links.append(values["href"][1:])
        if tag in ("meta", "br", "input", "img", "link"):
            return
        self.open.append((tag, values.get("id"), []))
        for name in values.get("class", "").split():
            self.by_class.setdefault(name, [])
        self.stack.append((tag, values))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            open_tag, values = self.stack.pop()
            _, element_id, text = self.open.pop()
            joined = "".join(text)
            for name in values.get("class", "").split():
                self.by_class[name].append(joined)
            if element_id:
                self.by_id[element_id] = joined
            if self.open:
                self.open[-1][2].append(joined)
            if open_tag == tag:
                return

    def handle_data(self, data: str) -> None:
        if self.open:
            self.open[-1][2].append(data)


def dom_of(text: str) -> _Dom:
    parser = _Dom()
    parser.feed(text)
    return parser


def test_page_is_self_contained_inert_and_escaped(change: Repo, tmp_path: Path) -> None:
    page = render(change, tmp_path / "report.html")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    dom = dom_of(page)
    assert {"script", "link", "img", "iframe", "object"} & set(dom.tags) == set()
    # Links go to anchors in the page, or (as text to click, never loaded) to bandit's docs.
    assert re.search(r"<[a-z]+[^<>]*\s(?:src|href)=(?![\"']?(?:#|https://bandit))", page) is None
    assert "@import" not in page and "url(" not in page
    # Hostile file name and code arrive as text, and the bidi override is shown, not obeyed.
    assert "&lt;img src=x onerror=alert(1)&gt;.py" in page
    assert "&lt;/code&gt;&lt;/td&gt;&lt;/tr&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "\u202e" not in page and "&lt;U+202E&gt;" in page
    # Deterministic: the same change gives the same bytes.
    assert render(change, tmp_path / "again.html") == page


HOTSPOTS = [
    # Where a bug most likely is: the biggest, most complex new function first.
    "app/runner.py:14-42 parse_row likely 80% risk 30 (low) +29 −0 — new; complexity 15; DR-C001",
    "<img src=x onerror=alert(1)>.py:1-2 <module> likely 5% risk 65 (medium) +2 −0 — B613; B307; DR-R005",
    "app/runner.py:4-6 run_command likely 5% risk 59 (medium) +3 −0 — new; B602",
    "app/runner.py:9-11 evaluate likely 5% risk 39 (low) +3 −0 — new; B307",
    "app/util.py:1-2 helper likely 3% risk 6 (minimal) +1 −1",
    "app/runner.py:1-1 <module> likely 3% risk 15 (low) +1 −0 — B404",
    # Security: read these lines, the most severe first.
    "<img src=x onerror=alert(1)>.py:1-2 <module> lines 1-2 — B613; B307",
    "app/runner.py:4-6 run_command lines 6 — B602",
    "app/runner.py:9-11 evaluate lines 11 — B307",
    "app/runner.py:1-1 <module> lines 1 — B404",
]
NOTES = [
    "B613 high line 1:", "DR-R005 low line 1:", "B307 medium line 2:", "DR-R005 low line 2:",
    "B404 low line 1:", "B602 high line 6:", "B307 medium line 11:", "DR-C001 medium line 14:",
]


def check_page(dom: _Dom) -> None:
    assert (dom.by_class["badge"], dom.by_id["verdict"]) == (["L2"], "✖ Verdict: beyond policy: L2 reaches the fail level L2")
    # Review order: riskiest file first, each labelled in words as well as colour.
    assert [text.split("risk")[0] for text in dom.by_class["block"]] == [
        "<img src=x onerror=alert(1)>.py", "app/runner.py", "app/util.py", "docs/notes.md",
    ]
    assert dom.by_class["hotspot"] == HOTSPOTS
    # Every link lands on something: hotspots on the first row the diff shows inside them.
    assert [link for link in dom.links if link not in dom.by_id] == []
    assert [" ".join(text.split()[:4]) for text in dom.by_class["note"]] == NOTES
    # Changed lines carry the risk of their function as a letter: M(edium) for run_command,
    # L(ow) for parse_row.
    assert (dom.by_id["file-2-n6"], dom.by_id["file-2-n16"]) == (
        "6+M    return subprocess.call(cmd, shell=True)", "16+L    total = 0",
    )


def test_page_shows_level_order_hotspots_and_findings(change: Repo, tmp_path: Path) -> None:
    check_page(dom_of(render(change, tmp_path / "report.html")))


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.mark.skipif(_chromium() is None, reason="Chromium is not installed (CI installs Debian's chromium in .ci/run)")
def test_chromium_renders_the_report(change: Repo, tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    render(change, report)
    browser = _chromium()
    assert browser is not None
    common = [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
              f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,2000"]
    env = {**os.environ, "HOME": str(tmp_path)}
    dumped = subprocess.run([*common, "--dump-dom", report.as_uri()], capture_output=True, check=True, env=env, timeout=120)
    dom = dom_of(dumped.stdout.decode("utf-8"))
    # What the browser built from the page: the same hotspots, findings and line marks.
    check_page(dom)
    assert "script" not in dom.tags
    shot = tmp_path / "report.png"
    subprocess.run([*common, f"--screenshot={shot}", report.as_uri()], capture_output=True, check=True, env=env, timeout=120)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_links_land_on_rows_the_diff_shows(repo: Repo, tmp_path: Path) -> None:
    body = "".join(f"    x{number} = {number}\n" for number in range(10))
    repo.write("mod.py", f"def f():\n    \"\"\"F.\"\"\"\n{body}    return subprocess.call(x, shell=True,\n        cwd=None)\n")
    repo.commit("initial")
    repo.write("mod.py", f"def f():\n    \"\"\"F.\"\"\"\n{body.replace('x5 = 5', 'x5 = 55')}    return subprocess.call(x,\n        cwd=None)\n")
    repo.commit("edit")
    path = tmp_path / "report.html"
    main(["-C", str(repo.path), "check", "--commit", "HEAD", "--format", "html", "-o", str(path)])
    page = path.read_text(encoding="utf-8")
    dom = dom_of(page)
    # The def (line 1) is outside both hunks: the link goes to the first row shown inside f.
    assert '<li class="hotspot" id="hotspot-1"><a href="#file-1-n5">mod.py:1-14</a>' in page
    assert dom.by_id["file-1-n5"].startswith("55 ★ f")
    assert [link for link in dom.links if link not in dom.by_id] == []
    # The removed shell=True sits under its own line, a deleted row, not above the table.
    assert '<tr class="finding"><td colspan="5"><div class="note sev-high" role="note"><span class="rule">B602</span>' in page
