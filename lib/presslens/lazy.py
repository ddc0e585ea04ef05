"""Names a module gives from another module imported on first use (PEP 562), so that importing it stays light.

Each stage package gives its chart functions this way: ``presslens.reuse.similarity_heatmap``
works and is the same object as ``presslens.reuse.charts.similarity_heatmap``, yet computing
any table never imports :mod:`presslens.reuse.charts`, and so never plotly.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any


def lazy_names(owner: str, source: str, names: Iterable[str], namespace: Mapping[str, Any]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A module's ``__getattr__`` and ``__dir__`` giving ``names`` from ``source``, imported when first asked for.

    Args:
        owner: the module's ``__name__`` (for relative ``source`` and error messages).
        source: the module holding the names, absolute or relative to ``owner`` (``".charts"``).
        names: the names it gives.
        namespace: the module's ``globals()``, listed by ``__dir__`` beside ``names``.

    >>> getattr_, dir_ = lazy_names("presslens", "presslens.labels", {"doc_number"}, {"x": 1})
    >>> getattr_("doc_number")("00412_cable")
    '00412'
    >>> dir_()
    ['doc_number', 'x']
    """
    names = frozenset(names)
    package = owner if source.startswith(".") else None

    def __getattr__(name: str) -> Any:
        if name in names:
            return getattr(importlib.import_module(source, package), name)
        raise AttributeError(f"module {owner!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(namespace) | names)

    return __getattr__, __dir__


@contextmanager
def without_modules(*names: str) -> Iterator[None]:
    """While the block runs, importing any of ``names`` not yet loaded fails with ``ImportError``; afterwards they import as usual.

    For libraries that try optional imports they do not need for what presslens
    calls, at a cost each process pays on start (see
    :data:`presslens.text.sentences.NLTK_SKIPPED_IMPORTS` and
    :data:`presslens.report.SKIPPED_IMPORTS`): the library takes its own
    fallback (``except ImportError``). A module already loaded is left alone.
    ``sys.modules[name] = None`` is how Python marks a module as not importable.

    >>> with without_modules("xml.dom.minidom_not_loaded_yet"):
    ...     try:
    ...         import xml.dom.minidom_not_loaded_yet
    ...     except ImportError:
    ...         print("skipped")
    skipped
    >>> "xml.dom.minidom_not_loaded_yet" in sys.modules
    False
    """
    marked = [n for n in names if n not in sys.modules]
    for name in marked:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        for name in marked:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
