"""Modules registered under their names whose code runs when one of their names is first read.

bandit imports modules at its top that diffrisk's scans never use (analyzers/security.py says
which); registered this way first, they cost nothing unless something uses them, and then they
behave as an import would have made them:

- the parent package gets the module as its attribute, as an import sets it;
- other threads wait for the first one to finish running it;
- a run that fails is undone (the module leaves ``sys.modules`` and its parent), so that the next
  import runs it again, as after any failed import.

Packages are not deferred: the import system reads a package's ``__path__`` to import a submodule
and would then import that submodule a second time if reading it ran the package.
``importlib.util.LazyLoader`` does not do: on Python 3.11 the ``import`` statement reads the
module's ``__spec__`` through it, which runs the module at once.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
import threading
import types
from typing import Any

#: Where each _Deferred module keeps its state (in its own namespace, under names no module uses).
_LOCK = "__diffrisk_deferred_lock__"
_STATE = "__diffrisk_deferred_state__"


class _Deferred(types.ModuleType):
    def __getattr__(self, name: str) -> Any:
        namespace = self.__dict__
        with namespace[_LOCK]:  # re-entrant: the module's own code may read its names as it runs
            if namespace[_STATE] == "waiting":
                namespace[_STATE] = "running"
                try:
                    _run(self)
                except BaseException:
                    _undo(self)
                    raise
                namespace[_STATE] = "ran"
        if name in namespace:
            return namespace[name]
        raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")


def defer(name: str) -> None:
    """Register module ``name`` to run on first use; nothing when it is imported already, cannot
    be found or is a package (its parent package, if any, is imported now)."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None or not _deferrable(spec):
        return
    module = importlib.util.module_from_spec(spec)
    module.__dict__.update({_LOCK: threading.RLock(), _STATE: "waiting"})
    module.__class__ = _Deferred
    sys.modules[name] = module
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)


def _deferrable(spec: importlib.machinery.ModuleSpec) -> bool:
    """A module (not a package) whose loader can run it into a module made beforehand."""
    runs_into_a_module = spec.loader is not None and hasattr(spec.loader, "exec_module")
    return runs_into_a_module and spec.submodule_search_locations is None


def _run(module: types.ModuleType) -> None:
    spec = module.__spec__
    if spec is None or spec.loader is None:  # defer() registers no such module
        raise ImportError(f"{module.__name__} has no loader to run it")
    spec.loader.exec_module(module)


def _undo(module: types.ModuleType) -> None:
    namespace = module.__dict__
    namespace[_STATE] = "failed"
    if sys.modules.get(module.__name__) is module:
        del sys.modules[module.__name__]
    parent, _, child = module.__name__.rpartition(".")
    if parent and getattr(sys.modules.get(parent), child, None) is module:
        delattr(sys.modules[parent], child)
