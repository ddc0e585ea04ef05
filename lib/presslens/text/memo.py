"""Per-process memos of pure functions of one text, bounded in characters.

The only process-wide state of the library: each memo remembers what a pure
function answered for a text, so the answer is the one it would compute again,
whichever table asks first. :func:`clear_memos` empties them all.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


class TextMemo(Generic[T]):
    """A per-process memo of a pure function of one text, least recently used first out, bounded in characters.

    The per-document stages read the same texts several times (the sentences
    table, entity matching and figure extraction all split each body into
    sentences; the figures and numbers tables read the same numbers), and a
    corpus of reprints repeats sentences word for word. A function whose answer
    depends on the text alone can remember it: the answer is the one it would
    compute again. The memo keeps at most ``max_chars`` characters of keys
    (plus 64 per entry, for the entries' own size), so memory stays bounded on
    long documents; values must be immutable or copied by the caller.

    Args:
        function: the pure function of a ``str``.
        max_chars: the characters of texts kept.

    >>> calls = []
    >>> double = TextMemo(lambda t: calls.append(t) or t * 2, max_chars=100)
    >>> double("ab"), double("ab"), calls
    ('abab', 'abab', ['ab'])
    """

    def __init__(self, function: Callable[[str], T], *, max_chars: int) -> None:
        self.function = function
        self.max_chars = max_chars
        self._store: OrderedDict[str, T] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0
        self._recording: dict[str, T] | None = None
        _MEMOS.append(self)

    def __call__(self, text: str) -> T:
        store = self._store
        with self._lock:
            if text in store:
                store.move_to_end(text)
                self.hits += 1
                if self._recording is not None:
                    self._recording[text] = store[text]
                return store[text]
        value = self.function(text)
        size = len(text) + 64
        with self._lock:
            self.misses += 1
            if self._recording is not None:
                self._recording[text] = value
            if size <= self.max_chars and text not in store:
                store[text] = value
                self._chars += size
                while self._chars > self.max_chars:
                    old, _ = store.popitem(last=False)
                    self._chars -= len(old) + 64
        return value

    @contextmanager
    def recorded(self, known: Mapping[str, T] | None = None) -> Iterator[dict[str, T]]:
        """Answers kept from an earlier run put in the memo, and every text asked inside the block recorded with its answer.

        The build keeps what its corpus-level step asked (the masked sentences'
        scores) and gives it back on the next run, so a run after adding one
        document scores only the sentences that changed. ``known`` must hold the
        function's own answers (the caller checks they come from the same
        code); entries beyond ``max_chars`` are dropped as usual. Yields the
        dict of text -> answer, filled as the block asks (one block at a time).

        >>> calls = []
        >>> upper = TextMemo(lambda t: calls.append(t) or t.upper(), max_chars=100)
        >>> with upper.recorded({"kept": "KEPT"}) as asked:
        ...     upper("kept"), upper("new")
        ('KEPT', 'NEW')
        >>> asked, calls
        ({'kept': 'KEPT', 'new': 'NEW'}, ['new'])
        """
        with self._lock:
            if self._recording is not None:
                raise RuntimeError("TextMemo.recorded: one block at a time")
            for text, value in (known or {}).items():
                size = len(text) + 64
                if text in self._store or size > self.max_chars:
                    continue
                self._store[text] = value
                self._chars += size
                while self._chars > self.max_chars:
                    old, _ = self._store.popitem(last=False)
                    self._chars -= len(old) + 64
            self._recording = {}
            asked = self._recording
        try:
            yield asked
        finally:
            with self._lock:
                self._recording = None

    def clear(self) -> None:
        """Forget every text (tests and benchmarks that time a cold start)."""
        with self._lock:
            self._store.clear()
            self._chars = 0
            self.hits = self.misses = 0


_MEMOS: list[TextMemo] = []


def clear_memos() -> None:
    """Empty every :class:`TextMemo` of this process, so a benchmark times the work from a cold start."""
    for memo in _MEMOS:
        memo.clear()
