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
import json
import re
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from diffrisk.diffsource import git
from diffrisk.records import record
from diffrisk.regex import Regex

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
_REQUIREMENT = Regex(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\]\s*)?(?:[<>=!~;@(]|$)")
_EGG = Regex(r"#egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
_REQUIREMENTS_FILE = Regex(r"(?:^|/)(?:[^/]*requirements[^/]*\.(?:txt|in)|requirements/[^/]+\.(?:txt|in))$")
_MANIFESTS = frozenset({"pyproject.toml", "setup.cfg", "setup.py", "Pipfile", "tox.ini", "environment.yml", "environment.yaml"})
#: Bounds on what is read: a repository vendoring thousands of projects is not read whole.
MAX_MANIFESTS = 200
MAX_MANIFEST_BYTES = 1_000_000
MAX_LINE = 10_000


def normalize(name: str) -> str:
    """PEP 503: case and runs of "-", "_", "." do not tell distributions apart."""
    return re.sub(r"[-_.]+", "-", name).lower()


@record
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
    for entry in (out or b"").decode("utf-8", "surrogateescape").split("\0"):
        meta, _, path = entry.partition("\t")
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
        yield from _own_names(text)
    elif name == "setup.cfg":
        yield from _ini_own_name(text)
    for requirement in _requirements(path, text):
        if requirement.name is not None:
            yield requirement.name


def requirements_in(path: str, text: str) -> frozenset[str]:
    """Every requirement one manifest declares, as written (so an added URL, a removed pin or a
    new entry in a multi-line list all make a difference).  Of a setup.py, only what ``setup()``'s
    requirement arguments hold: its version or description is no dependency."""
    if path.rsplit("/", 1)[-1] == "setup.py":
        return frozenset(_setup_py_requirements(text))
    return frozenset(" ".join(requirement.raw.split()) for requirement in _requirements(path, text))


@record
class _Requirement:
    #: As written: "requests>=2.0", or for a table entry "requests = {'version': '^2'}".
    raw: str
    #: The distribution it names, when one can be read from it.
    name: str | None


def _requirements(path: str, text: str) -> Iterator[_Requirement]:
    name = path.rsplit("/", 1)[-1]
    if name == "pyproject.toml" or name == "Pipfile":
        yield from _from_toml(text)
    elif name == "setup.cfg" or name == "tox.ini":
        yield from _listed(_from_ini(text))
    elif name == "setup.py":
        yield from _listed(_from_setup_py(text))
    elif name.startswith("environment."):
        # conda: "  - numpy=1.26" and, under "- pip:", "    - requests>=2".
        yield from _listed(line.strip().lstrip("-").strip() for line in text.splitlines() if line.strip().startswith("-"))
    else:
        yield from _listed(text.splitlines())


def _listed(lines: Iterable[str]) -> Iterator[_Requirement]:
    """Requirement strings ("requests>=2.0"), each with the name it reads as (the lines that read
    as none are not requirements)."""
    for line in lines:
        for name in _requirement_names([line]):
            yield _Requirement(line.strip().strip("\"',"), name)


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


def _load_toml(text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError):
        return {}


def _own_names(text: str) -> Iterator[str]:
    """The names a pyproject.toml gives the project itself (PEP 621, Poetry, flit's module)."""
    document = _load_toml(text)
    tool = _table(document.get("tool"))
    for value in (
        _table(document.get("project")).get("name"), _table(tool.get("poetry")).get("name"),
        _table(_table(tool.get("flit")).get("metadata")).get("module"),
    ):
        if isinstance(value, str):
            yield value


def _from_toml(text: str) -> Iterator[_Requirement]:
    document = _load_toml(text)
    project = _table(document.get("project"))
    yield from _listed(_strings(project.get("dependencies")))
    for extra in _table(project.get("optional-dependencies")).values():
        yield from _listed(_strings(extra))
    for group in _table(document.get("dependency-groups")).values():
        yield from _listed(_strings(group))
    yield from _listed(_strings(_table(document.get("build-system")).get("requires")))
    tool = _table(document.get("tool"))
    poetry = _table(tool.get("poetry"))
    yield from _entries(_table(poetry.get("dependencies")))
    yield from _entries(_table(poetry.get("dev-dependencies")))
    for group in _table(poetry.get("group")).values():
        yield from _entries(_table(_table(group).get("dependencies")))
    flit = _table(_table(tool.get("flit")).get("metadata"))  # flit's pre-PEP 621 metadata
    yield from _listed(_strings(flit.get("requires")))
    for extra in _table(flit.get("requires-extra")).values():
        yield from _listed(_strings(extra))
    for group in _table(_table(tool.get("pdm")).get("dev-dependencies")).values():
        yield from _listed(_strings(group))
    yield from _listed(_strings(_table(tool.get("uv")).get("dev-dependencies")))
    for env in _table(_table(_table(tool.get("hatch")).get("envs"))).values():
        for key in ("dependencies", "extra-dependencies"):
            yield from _listed(_strings(_table(env).get(key)))
    for key in ("packages", "dev-packages"):  # Pipfile
        yield from _entries(_table(document.get(key)))


def _entries(table: dict[str, Any]) -> Iterator[_Requirement]:
    """Poetry's and Pipfile's ``name = spec`` tables."""
    for name, spec in table.items():
        yield _Requirement(f"{name} = {json.dumps(spec, sort_keys=True)}", name)


def _table(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _strings(value: Any) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _ini(text: str) -> Any:
    import configparser  # only projects with a setup.cfg or tox.ini pay for it

    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    return parser


def _ini_own_name(text: str) -> Iterator[str]:
    parser = _ini(text)
    if parser is not None and parser.has_option("metadata", "name"):
        yield parser.get("metadata", "name").strip()


#: The keys of setup.cfg and tox.ini that list requirements (bdist_rpm's "requires" too).
_INI_REQUIREMENT_KEYS = frozenset({"install_requires", "tests_require", "setup_requires", "deps", "requires", "requires-dist"})


def _from_ini(text: str) -> Iterator[str]:
    """The requirement lines of setup.cfg's and tox.ini's requirement keys."""
    parser = _ini(text)
    if parser is None:
        return
    for section in parser.sections():
        for key, value in parser.items(section):
            if key in _INI_REQUIREMENT_KEYS or section == "options.extras_require":
                yield from value.splitlines()


#: setup()'s arguments that decide what gets installed.
_SETUP_REQUIREMENTS = frozenset({"install_requires", "extras_require", "setup_requires", "tests_require", "dependency_links"})


def _setup_py_requirements(text: str) -> Iterator[str]:
    """What setup()'s requirement arguments hold: their strings (through names assigned in the
    file) and the text of any call that computes them (reading a requirements file, say).  A
    setup.py that does not parse yields its text: any edit of it counts."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        yield text
        return
    assigned: dict[str, list[ast.expr]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    assigned.setdefault(target.id, []).append(node.value)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            assigned.setdefault(node.target.id, []).append(node.value)
        elif isinstance(node, ast.Call):
            grown = _grown_list(node)  # requires.append("x"), requires.extend([...]), requires.insert(0, "x")
            if grown is not None:
                assigned.setdefault(grown, []).extend(node.args)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and ast.unparse(node.func).rsplit(".", 1)[-1] == "setup":
            for keyword in node.keywords:
                if keyword.arg in _SETUP_REQUIREMENTS or keyword.arg is None:
                    yield from (f"{keyword.arg}: {value}" for value in _values(keyword.value, assigned, 3))


def _grown_list(call: ast.Call) -> str | None:
    """The name of the list a call grows in place, if it does."""
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.attr in ("append", "extend", "insert"):
        return func.value.id
    return None


def _values(node: ast.expr, assigned: dict[str, list[ast.expr]], depth: int) -> Iterator[str]:
    """The strings in an expression, names followed to what the file assigns them, and calls as
    their text."""
    for part in ast.walk(node):
        if isinstance(part, ast.Constant) and isinstance(part.value, str):
            yield part.value
        elif isinstance(part, ast.Call):
            yield ast.unparse(part)
        elif isinstance(part, ast.Name) and isinstance(part.ctx, ast.Load) and depth > 0:
            for value in assigned.get(part.id, []):
                yield from _values(value, assigned, depth - 1)


def _from_setup_py(text: str) -> Iterator[str]:
    """Every string literal of setup.py: lenient, so a real declaration is never missed (a stray
    word that reads as a requirement only makes an import look declared)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) < 200:
            yield node.value
