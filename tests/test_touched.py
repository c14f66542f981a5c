"""change.touched: which functions and blocks a change touched, and how functions pair across it."""

from __future__ import annotations

from diffrisk.change import touched
from diffrisk.pyfile.source import parse
from testing.diffgen import file_change

OLD = '''\
import os


def load(path):
    """Read it."""
    with open(path) as handle:
        return handle.read()


class Store:
    def get(self, key):
        return self.items[key]

    def put(self, key, value):
        self.items[key] = value
'''


def pairs_and_touched(old: str, new: str) -> tuple[dict[str, str], touched.Touched]:
    change = file_change(old, new)
    before, after = parse("m.py", old), parse("m.py", new)
    added, deleted = set(change.added_lines), set(change.deleted_lines)
    pairs = touched.pair_functions(before, after, added, deleted)
    return pairs, touched.touched(change, before, after, added, deleted, pairs)


def summary(found: touched.Touched) -> dict[str, object]:
    """What was touched, as (name, old name or None, added, deleted)."""
    return {
        "functions": sorted(
            (unit.qualname, previous.qualname if previous else None, touch.added, touch.deleted)
            for unit, previous, touch in found.functions.values()
        ),
        "deleted": sorted((unit.qualname, touch.deleted) for unit, touch in found.deleted.values()),
        "blocks": sorted((start, end, name, touch.added, touch.deleted) for (start, end, name), touch in found.blocks.items()),
    }


def test_an_edit_inside_a_method_touches_that_method_only() -> None:
    pairs, found = pairs_and_touched(OLD, OLD.replace("return self.items[key]", "return self.items.get(key)"))
    assert pairs["Store.get"] == "Store.get"
    assert summary(found) == {"functions": [("Store.get", "Store.get", 1, 1)], "deleted": [], "blocks": []}


def test_a_renamed_function_continues_its_old_self() -> None:
    pairs, found = pairs_and_touched(OLD, OLD.replace("def load(path):", "def read_file(path):"))
    assert pairs["load"] == "read_file"
    assert summary(found)["functions"] == [("read_file", "load", 1, 1)]


def test_a_function_moved_into_a_class_continues_its_old_self() -> None:
    moved = OLD.replace('def load(path):\n    """Read it."""\n    with open(path) as handle:\n        return handle.read()\n\n\n', "")
    moved = moved.replace(
        "class Store:\n",
        'class Store:\n    def load(path):\n        """Read it."""\n        with open(path) as handle:\n            return handle.read()\n\n',
    )
    pairs, found = pairs_and_touched(OLD, moved)
    assert pairs["load"] == "Store.load"
    assert summary(found)["functions"] == [("Store.load", "load", 4, 4)]


def test_a_new_function_that_took_a_renamed_ones_name_is_new() -> None:
    renamed = OLD.replace("def load(path):", "def read_all(path):")
    renamed += "\n\ndef load(path, codec):\n    return codec.decode(read_all(path))\n"
    pairs, found = pairs_and_touched(OLD, renamed)
    assert pairs["load"] == "read_all"
    assert summary(found)["functions"] == [("load", None, 2, 0), ("read_all", "load", 1, 1)]


def test_a_rewritten_function_keeps_its_name_and_a_deleted_one_is_deleted() -> None:
    rewritten = OLD.replace(
        '    """Read it."""\n    with open(path) as handle:\n        return handle.read()\n',
        "    return json.dumps({'path': path, 'size': os.path.getsize(path)}, indent=2, sort_keys=True)\n",
    ).replace("    def put(self, key, value):\n        self.items[key] = value\n", "")
    pairs, found = pairs_and_touched(OLD, rewritten)
    assert pairs["load"] == "load" and "Store.put" not in pairs
    assert summary(found)["functions"] == [("load", "load", 1, 3)]
    assert summary(found)["deleted"] == [("Store.put", 2)]


def test_module_level_lines_count_for_their_statement() -> None:
    _, found = pairs_and_touched(OLD, OLD.replace("import os\n", "import os\nimport sys\n"))
    assert summary(found)["blocks"] == [(2, 2, None, 1, 0)]


def test_deleted_lines_anchor_where_they_stood() -> None:
    change = file_change("a = 1\nb = 2\nc = 3\n", "a = 1\nc = 3\n")
    assert touched.deleted_anchors(change) == {2: 2}
    change = file_change("a = 1\nb = 2\n", "a = 1\n")
    assert touched.deleted_anchors(change) == {2: 2}


def test_consecutive_module_statements_merge_into_one_block() -> None:
    new = OLD.replace("import os\n", "import os\nimport re\nimport sys\n")
    _, found = pairs_and_touched(OLD, new)
    after = parse("m.py", new)
    merged = [(start, end, name, touch.added, touch.deleted) for start, end, name, touch in touched.merge_blocks(after, found.blocks)]
    assert merged == [(2, 3, None, 2, 0)]


def test_readers_of_a_rebound_name_are_found_where_it_is_written() -> None:
    """Only nodes spanning a line that mentions the name are walked: a decorator comes before its
    function's ``def`` line, and a name in another spelling (NFKC) is not on any line as written."""
    from diffrisk.change.rebound import readers_of_rebound_names

    source = parse("m.py", (
        "import helper\n"                      # 1
        "\n"
        "@helper.wrap\n"                       # 3
        "def decorated():\n"                   # 4
        "    return 1\n"
        "\n"
        "class Helper:\n"                      # 7
        "    def method(self):\n"
        "        return 'helper'\n"            # a string, not a read
        "\n"
        "    @staticmethod\n"
        "    @helper.cached\n"                 # 12
        "    def other():\n"
        "        pass\n"
        "\n"
        "def spelled():\n"                     # 16
        "    return \uff48elper.x\n"           # fullwidth h: the same name to Python
        "\n"
        "def unrelated():\n"
        "    helper = 2\n"                     # a store, not a read
        "    return helper_x\n"
    ))
    assert readers_of_rebound_names(source, frozenset({"helper"})) == {4, 7, 16}
