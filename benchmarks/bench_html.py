"""How fast the HTML review map is made and rendered on a big diff (not run in CI).

    python benchmarks/bench_html.py --git-dir /work/.mirror/psf+requests/repo --range v2.20.0..v2.31.0

Times, in one process and alternately, 5 runs each after an untimed round, medians:
- making the page: ``diffrisk check --range R --format html`` against ``--format json`` of the
  same range (the analysis is the same; the difference is the page);
- rendering it: headless Chromium loading the page and serializing its DOM (``--dump-dom``)
  against the same Chromium on an empty page, so the browser's own start-up is the baseline.
Prints the diff's size, the page's size, and the medians with their ratios.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=False, capture_output=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--git-dir", required=True)
    parser.add_argument("--range", required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    browser = next((found for name in ("chromium", "chromium-browser", "google-chrome") if (found := shutil.which(name))), None)
    diffrisk = [sys.executable, "-m", "diffrisk", "--git-dir", args.git_dir, "check", "--range", args.range]
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder, "report.html")
        empty = Path(folder, "empty.html")
        empty.write_text("<!DOCTYPE html><title>empty</title>")
        subprocess.run([*diffrisk, "--format", "html", "-o", str(page)], capture_output=True, check=False)
        stat = subprocess.run(["git", "--git-dir", args.git_dir, "diff", "--shortstat", *args.range.split("..")],
                              capture_output=True, text=True, check=True).stdout.strip()
        print(f"diff: {stat}; page: {page.stat().st_size:,} bytes")
        chrome = [browser or "chromium", "--headless=new", "--no-sandbox", "--disable-gpu",
                  f"--user-data-dir={Path(folder, 'profile')}", "--dump-dom"]
        cases = {
            "html": [*diffrisk, "--format", "html"],
            "json": [*diffrisk, "--format", "json"],
        }
        if browser:
            cases |= {"render page": [*chrome, page.as_uri()], "render empty": [*chrome, empty.as_uri()]}
        times: dict[str, list[float]] = {name: [] for name in cases}
        for round_number in range(args.runs + 1):
            for name, command in cases.items():
                elapsed = timed(command)
                if round_number:
                    times[name].append(elapsed)
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"check --format html {median['html']:.2f} s, --format json {median['json']:.2f} s: "
          f"{median['html'] / median['json']:.2f}x")
    if browser:
        print(f"chromium on the page {median['render page']:.2f} s, on an empty page {median['render empty']:.2f} s: "
              f"{median['render page'] / median['render empty']:.2f}x")
    else:
        print("chromium not found: rendering not measured")
    return 0


if __name__ == "__main__":
    sys.exit(main())
