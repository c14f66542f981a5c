"""The package's layers: each package imports only what docs/architecture.md says it may, and no
package imports a later stage.  The table in that page is the rule; this test reads it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
PACKAGE = PROJECT / "diffrisk"
ROW = re.compile(r"^\| `(?P<unit>diffrisk[\w.]*)` \| [^|]+ \| (?P<allowed>[^|]+) \|$")


def table() -> list[tuple[str, set[str]]]:
    """(package, the packages it may import) in the order of the architecture page's table."""
    rows = []
    for line in (PROJECT / "docs" / "architecture.md").read_text().splitlines():
        match = ROW.match(line)
        if match:
            allowed = match.group("allowed").strip()
            names = set() if allowed == "nothing" else {name.strip(" `") for name in allowed.split(",")}
            rows.append((match.group("unit"), {name if name == "diffrisk" else f"diffrisk.{name}" for name in names}))
    return rows


def unit_of(module: str, units: list[str]) -> str:
    """The table's package a module belongs to: the longest name that is it or contains it."""
    matching = [unit for unit in units if module == unit or module.startswith(unit + ".")]
    assert matching, f"{module} belongs to no package of docs/architecture.md's table"
    return max(matching, key=len)


def module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """Every diffrisk module ``path`` imports, anywhere in it (inside functions too); ``from
    diffrisk import x`` names the module ``diffrisk.x`` when there is one."""
    found: set[str] = set()
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if _is_module(candidate) else base)
    return {name for name in found if name == "diffrisk" or name.startswith("diffrisk.")}


def _is_module(name: str) -> bool:
    relative = Path(*name.split("."))
    return (PROJECT / relative).with_suffix(".py").exists() or (PROJECT / relative / "__init__.py").exists()


def test_the_table_is_layered() -> None:
    rows = table()
    units = [unit for unit, _ in rows]
    assert len(units) == len(set(units))
    for index, (unit, allowed) in enumerate(rows):
        later = sorted(name for name in allowed if name not in units[:index])
        assert not later, f"{unit} may import {later}, which are not earlier in the table"


def test_every_package_is_in_the_table() -> None:
    units = {unit for unit, _ in table()}
    top_level = {f"diffrisk.{path.stem}" for path in PACKAGE.glob("*.py") if path.stem != "__init__"}
    top_level |= {f"diffrisk.{path.parent.name}" for path in PACKAGE.glob("*/__init__.py")}
    assert top_level | {"diffrisk"} == units


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda path: str(path.relative_to(PROJECT)))
def test_imports_follow_the_table(path: Path) -> None:
    rows = dict(table())
    units = list(rows)
    own = unit_of(module_name(path), units)
    wrong = sorted(
        name for name in imported(path)
        if (target := unit_of(name, units)) != own and target not in rows[own]
    )
    assert not wrong, f"{own} may import only {sorted(rows[own]) or 'nothing'}; {path.name} imports {wrong}"


def _top_level_compiles(tree: ast.AST) -> list[int]:
    """Lines of ``re.compile`` calls run on import: outside every function body."""
    found = []
    for child in ast.iter_child_nodes(tree):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        if isinstance(child, ast.Call) and _is_re_compile(child.func):
            found.append(child.lineno)
        found += _top_level_compiles(child)
    return found


def _is_re_compile(function: ast.expr) -> bool:
    if not isinstance(function, ast.Attribute) or function.attr != "compile":
        return False
    return isinstance(function.value, ast.Name) and function.value.id == "re"


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda path: str(path.relative_to(PROJECT)))
def test_patterns_are_compiled_on_first_use(path: Path) -> None:
    """A pattern compiled on import costs every run; regex.Regex compiles it when it is used."""
    allowed = {PACKAGE / "regex.py"}
    lines = [] if path in allowed else _top_level_compiles(ast.parse(path.read_text(), filename=str(path)))
    assert lines == [], f"{path.name}: re.compile on import at lines {lines}; use diffrisk.regex.Regex"
