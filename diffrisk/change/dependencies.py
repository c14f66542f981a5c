"""What a project declares it depends on, and what is its own code: the context that tells an
undeclared import (DR-S001) from a declared one.

Read from the project's files at the new side of the change (a commit's tree, or the index):
pyproject.toml (PEP 621 dependencies and extras, PEP 735 dependency groups, build requires,
Poetry, PDM, uv and Hatch tables), setup.cfg, setup.py (every string that reads as a requirement),
requirements files (``*requirements*.txt``/``.in``, ``requirements/*.txt``), Pipfile and tox.ini.
The repository's own modules are the names of its Python files and of folders holding them.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from diffrisk.diffsource import git

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

#: Import names whose distribution is called something else (the best-known cases; a project can
#: always declare the distribution and have the import found through this table).
DISTRIBUTIONS = {
    "yaml": ("pyyaml",), "PIL": ("pillow",), "cv2": ("opencv-python", "opencv-python-headless", "opencv-contrib-python"),
    "bs4": ("beautifulsoup4",), "sklearn": ("scikit-learn",), "skimage": ("scikit-image",), "dateutil": ("python-dateutil",),
    "attr": ("attrs",), "jwt": ("pyjwt",), "OpenSSL": ("pyopenssl",), "Crypto": ("pycryptodome", "pycrypto"),
    "Cryptodome": ("pycryptodomex",), "magic": ("python-magic",), "dotenv": ("python-dotenv",), "docx": ("python-docx",),
    "serial": ("pyserial",), "usb": ("pyusb",), "zmq": ("pyzmq",), "git": ("gitpython",), "MySQLdb": ("mysqlclient",),
    "psycopg2": ("psycopg2-binary",), "win32api": ("pywin32",), "win32con": ("pywin32",), "gi": ("pygobject",),
    "_pytest": ("pytest",), "pkg_resources": ("setuptools",), "google": ("protobuf",), "jose": ("python-jose",),
    "multipart": ("python-multipart",), "socks": ("pysocks",), "markdown_it": ("markdown-it-py",), "fitz": ("pymupdf",),
    "mpl_toolkits": ("matplotlib",), "Levenshtein": ("python-levenshtein", "levenshtein"), "slugify": ("python-slugify",),
    "lxml": ("lxml",), "nacl": ("pynacl",), "ruamel": ("ruamel.yaml",), "websocket": ("websocket-client",),
    "importlib_metadata": ("importlib-metadata",), "tree_sitter": ("tree-sitter",),
}
#: Top-level namespace packages that many distributions share.
NAMESPACE_ROOTS = frozenset({
    "google", "azure", "zope", "jaraco", "sphinxcontrib", "backports", "opentelemetry", "plone", "oslo",
    "ruamel", "aws_cdk", "nvidia",
})
#: Always present where Python packages are installed.
IMPLICIT = frozenset({"setuptools", "pkg_resources", "pip", "wheel", "_distutils_hack"})
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\]\s*)?(?:[<>=!~;@(]|$)")
_EGG = re.compile(r"#egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
_REQUIREMENTS_FILE = re.compile(r"(?:^|/)(?:[^/]*requirements[^/]*\.(?:txt|in)|requirements/[^/]+\.(?:txt|in))$")
_MANIFESTS = frozenset({"pyproject.toml", "setup.cfg", "setup.py", "Pipfile", "tox.ini", "environment.yml", "environment.yaml"})
#: Bounds on what is read: a repository vendoring thousands of projects is not read whole.
MAX_MANIFESTS = 200
MAX_MANIFEST_BYTES = 1_000_000
MAX_LINE = 10_000


def normalize(name: str) -> str:
    """PEP 503: case and runs of "-", "_", "." do not tell distributions apart."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Project:
    #: Normalized distribution names declared anywhere in the project.
    declared: frozenset[str]
    #: Module names the repository itself provides (file stems and package folders).
    local: frozenset[str]
    #: Whether the project declares its dependencies anywhere (a manifest with a dependency
    #: section); without that, nothing can be called undeclared.
    has_manifest: bool

    def provides(self, module: str) -> bool:
        """Whether importing top-level ``module`` is accounted for by the project."""
        if module in self.local or module in IMPLICIT:
            return True
        wanted = normalize(module)
        candidates = {wanted, f"python-{wanted}", f"py{wanted}", f"{wanted}-python", f"py-{wanted}", f"{wanted}py"}
        candidates |= {normalize(name) for name in DISTRIBUTIONS.get(module, ())}
        if candidates & self.declared:
            return True
        # Namespace packages: "google.cloud" is provided by "google-cloud-storage" and friends.
        # Only for known namespace roots: "requests-mock" must not make "requests" declared.
        return module in NAMESPACE_ROOTS and any(name.startswith(f"{wanted}-") for name in self.declared)


def load(
    repo: git.Repo, treeish: str | None, extra_lines: Iterable[tuple[str, str]] = (), extra_paths: Iterable[str] = ()
) -> Project:
    """The project as of ``treeish`` (a commit; None: the index), plus ``extra_lines`` ((path,
    added line) of manifests a patch changes) and ``extra_paths`` (files a patch adds)."""
    listing = _listing(repo, treeish)
    local = _local_modules([*(path for path, _ in listing), *extra_paths])
    manifests = [(path, blob) for path, blob in listing if is_manifest(path)][:MAX_MANIFESTS]
    blobs = git.read_blobs(repo, [blob for _, blob in manifests], MAX_MANIFEST_BYTES)
    declared: set[str] = set()
    declares = False
    for path, blob in manifests:
        data = blobs.get(blob)
        if data is not None:
            text = data.decode("utf-8", "replace")
            declared |= set(declared_in(path, text))
            declares = declares or declares_dependencies(path, text)
    from_patch = {name for _, line in extra_lines for name in _requirement_names([line])}
    declared |= from_patch
    declares = declares or bool(from_patch)
    return Project(frozenset(normalize(name) for name in declared), frozenset(local), declares)


def declares_dependencies(path: str, text: str) -> bool:
    """Whether a manifest is where this project declares what it needs (a pyproject.toml or
    setup.cfg holding only tool settings is not: then nothing can be called undeclared)."""
    name = path.rsplit("/", 1)[-1]
    if name == "pyproject.toml":
        try:
            document = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, ValueError):
            return False
        tool = _table(document.get("tool"))
        return any(key in document for key in ("project", "dependency-groups")) or any(
            key in tool for key in ("poetry", "flit", "pdm")
        )
    if name in ("setup.cfg", "tox.ini"):
        return bool(re.search(r"^\s*(?:install_requires|deps)\s*=", text, re.M))
    return True


def _listing(repo: git.Repo, treeish: str | None) -> list[tuple[str, str]]:
    """(path, blob id) of every file at ``treeish``, or in the index."""
    if treeish is None:
        out = git.try_run(repo, ["ls-files", "-s", "-z"])
    else:
        out = git.try_run(repo, ["ls-tree", "-r", "-z", "--full-tree", treeish])
    entries = []
    for record in (out or b"").decode("utf-8", "surrogateescape").split("\0"):
        meta, _, path = record.partition("\t")
        fields = meta.split()
        if len(fields) >= 3 and path:
            # ls-files: mode id stage; ls-tree: mode type id.
            blob = fields[1] if treeish is None else fields[2]
            entries.append((path, blob))
    return entries


def is_manifest(path: str) -> bool:
    return path.rsplit("/", 1)[-1] in _MANIFESTS or bool(_REQUIREMENTS_FILE.search(path))


def _local_modules(paths: Iterable[str]) -> set[str]:
    local: set[str] = set()
    for path in paths:
        if not path.endswith((".py", ".pyi", ".pyx", ".so", ".pyd")):
            continue
        parts = path.split("/")
        local.update(part for part in parts[:-1] if part.isidentifier())
        local.add(parts[-1].split(".", 1)[0])
    return local


def declared_in(path: str, text: str) -> Iterator[str]:
    """The distribution names one manifest declares (the project's own name included)."""
    name = path.rsplit("/", 1)[-1]
    if name == "pyproject.toml" or name == "Pipfile":
        yield from _from_toml(text)
    elif name == "setup.cfg" or name == "tox.ini":
        yield from _from_ini(text)
    elif name == "setup.py":
        yield from _from_setup_py(text)
    elif name.startswith("environment."):
        # conda: "  - numpy=1.26" and, under "- pip:", "    - requests>=2".
        yield from _requirement_names(line.strip().lstrip("-").strip() for line in text.splitlines() if line.strip().startswith("-"))
    else:
        yield from _requirement_names(text.splitlines())


def _requirement_names(lines: Iterable[str]) -> Iterator[str]:
    for line in lines:
        if len(line) > MAX_LINE:
            continue
        line = line.strip().strip("\"',")
        egg = _EGG.search(line)
        if egg:
            yield egg.group(1)
            continue
        if not line or line.startswith(("#", "-")):
            continue
        match = _REQUIREMENT.match(line.split("#", 1)[0])
        if match:
            yield match.group(1)


def _from_toml(text: str) -> Iterator[str]:
    try:
        document = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError):
        return
    project = _table(document.get("project"))
    if isinstance(project.get("name"), str):
        yield project["name"]
    yield from _requirement_names(_strings(project.get("dependencies")))
    for extra in _table(project.get("optional-dependencies")).values():
        yield from _requirement_names(_strings(extra))
    for group in _table(document.get("dependency-groups")).values():
        yield from _requirement_names(_strings(group))
    yield from _requirement_names(_strings(_table(document.get("build-system")).get("requires")))
    tool = _table(document.get("tool"))
    poetry = _table(tool.get("poetry"))
    if isinstance(poetry.get("name"), str):
        yield poetry["name"]
    yield from _table(poetry.get("dependencies"))
    yield from _table(poetry.get("dev-dependencies"))
    for group in _table(poetry.get("group")).values():
        yield from _table(_table(group).get("dependencies"))
    flit = _table(_table(tool.get("flit")).get("metadata"))  # flit's pre-PEP 621 metadata
    if isinstance(flit.get("module"), str):
        yield flit["module"]
    yield from _requirement_names(_strings(flit.get("requires")))
    for extra in _table(flit.get("requires-extra")).values():
        yield from _requirement_names(_strings(extra))
    for group in _table(_table(tool.get("pdm")).get("dev-dependencies")).values():
        yield from _requirement_names(_strings(group))
    yield from _requirement_names(_strings(_table(tool.get("uv")).get("dev-dependencies")))
    for env in _table(_table(_table(tool.get("hatch")).get("envs"))).values():
        for key in ("dependencies", "extra-dependencies"):
            yield from _requirement_names(_strings(_table(env).get(key)))
    for key in ("packages", "dev-packages"):  # Pipfile
        yield from _table(document.get(key))


def _table(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _strings(value: Any) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _from_ini(text: str) -> Iterator[str]:
    import configparser  # only projects with a setup.cfg or tox.ini pay for it

    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return
    for section in parser.sections():
        for key, value in parser.items(section):
            if key == "name" and section == "metadata":
                yield value.strip()
            elif key in ("install_requires", "tests_require", "setup_requires", "deps") or section == "options.extras_require":
                yield from _requirement_names(value.splitlines())


def _from_setup_py(text: str) -> Iterator[str]:
    """Every string literal of setup.py that reads as a requirement: lenient, so a real
    declaration is never missed (a stray word only makes an import look declared)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) < 200:
            yield from _requirement_names([node.value])
