"""Work of the build done beside it in a forked child process: a stage that needs no other stage's results.

Most of a rerun's build is serial work of one process on a two-core machine:
the corpus-level tables, then writing the CSV files and the pickles the
notebooks read. Some of it depends on nothing the rest computes: the reuse
alignment needs only the corpus, the CSV files only the finished tables, the
corpus snapshot only the loaded corpus. :func:`beside` starts such a function in
a child forked from the build (it sees the build's memory as it was at the
fork, without copying it) and :meth:`Beside.result` waits for its answer, which
comes back pickled through a pipe; meanwhile the build goes on with the rest.

It only forks where that is safe and can pay: the ``fork`` start method exists
(Linux), more than one job was asked for, and the local engine runs the stages
(a Dask client's threads and sockets do not survive a fork). Anywhere else the
function runs at once, in this process, and :meth:`Beside.result` gives its
answer the same way: the results never depend on where the work ran. A child
that dies without answering (killed, out of memory) is not a lost build: the
function is run again here and the log says why. Like the engine's workers, a
child dies with the build (a killed run leaves no process working) and leaves
the heap it inherited out of its garbage collections (:func:`_start_worker`).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import signal
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from typing import Any

log = logging.getLogger(__name__)


#: prctl(2) option: the signal a process gets when the thread that made it dies
PR_SET_PDEATHSIG = 1
#: seconds between two looks at the parent, where prctl is not available
PARENT_POLL_SECONDS = 1.0


def _die_with_parent(parent: int) -> None:
    """Pool initializer: a worker exits when the process that started it dies (SIGKILL of a run included).

    On Linux, ``prctl(PR_SET_PDEATHSIG, SIGKILL)``: the kernel kills the worker
    when its parent dies (SIGKILL, not SIGTERM: a worker inherits the run's
    SIGTERM handler, which raises an exception the pool's worker loop would
    catch and report instead of exiting). ``getppid`` right after closes the
    race of a parent that died before the call. Elsewhere (or if prctl fails) a
    daemon thread looks at ``getppid`` every second and exits the worker when
    the parent is gone. The pool is made and used by one thread (the signal
    follows the thread that forked the worker), which closes it before it ends.
    """
    armed = False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)  # the process's own symbols: libc's prctl on Linux
        armed = libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):  # not Linux: no prctl
        armed = False
    if os.getppid() != parent:
        os._exit(1)
    if not armed:
        threading.Thread(target=_watch_parent, args=(parent,), name="presslens-parent-watch", daemon=True).start()


def _start_worker(parent: int) -> None:
    """Pool initializer: the objects inherited from the parent are left out of this worker's garbage collections, then :func:`_die_with_parent`.

    A forked worker shares the parent's heap (the corpus, the modules, the
    Punkt and VADER models) page by page until it writes to a page. A full
    collection walks every tracked object and writes its GC header, which would
    copy the whole inherited heap into each worker and cost CPU in proportion
    to the parent's memory rather than to the chunk. ``gc.freeze()`` moves them
    to the permanent generation first (the objects stay usable; the collector
    no longer visits them), as the :mod:`gc` documentation advises for fork.
    """
    gc.freeze()
    _die_with_parent(parent)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


def longest_first(costs: Mapping[str, float], *, beside: float = 0.0, here: float = 0.0) -> tuple[list[str], list[str]]:
    """Share work between a child and this process so both finish about together: ``(beside, here)`` names.

    Largest cost first (ties by name), each goes to the side with less to do so far
    (longest processing time first); ``beside`` and ``here`` are what each side has
    to do already. Each list keeps the order of ``costs``.

    >>> longest_first({"a": 5, "b": 3, "c": 2})
    (['a'], ['b', 'c'])
    >>> longest_first({"a": 5, "b": 3, "c": 2}, here=4)
    (['a', 'c'], ['b'])
    """
    load = {"beside": beside, "here": here}
    chosen: dict[str, str] = {}
    for name in sorted(costs, key=lambda n: (-costs[n], n)):
        side = "beside" if load["beside"] <= load["here"] else "here"
        load[side] += costs[name]
        chosen[name] = side
    return [n for n in costs if chosen[n] == "beside"], [n for n in costs if chosen[n] == "here"]


def can_fork(*, jobs: int, engine: str = "local") -> bool:
    """Whether :func:`beside` forks: local engine, more than one job and the ``fork`` start method on this system.

    >>> can_fork(jobs=1)
    False
    >>> can_fork(jobs=2, engine="dask")
    False
    """
    return engine == "local" and jobs > 1 and "fork" in multiprocessing.get_all_start_methods()


class Beside:
    """A function running beside the build (see :func:`beside`): :meth:`result` waits for its answer."""

    def __init__(self, name: str, function: Callable[..., Any], args: tuple, kwargs: dict, *, fork: bool) -> None:
        self.name = name
        self._function, self._args, self._kwargs = function, args, kwargs
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn = None
        self._done = False
        self._value: Any = None
        self._error: BaseException | None = None
        self.started = time.perf_counter()
        #: how long the function took (in the child when forked), once it answered
        self.seconds: float | None = None
        self.forked = False
        if fork:
            try:
                self._fork()
                return
            except OSError as exc:  # no memory or no process left for a fork: do the work here
                log.warning("%s: could not start a process beside the build (%s); done in this process", name, exc)
        self._run_here()

    def _fork(self) -> None:
        context = multiprocessing.get_context("fork")
        receive, send = context.Pipe(duplex=False)
        process = context.Process(target=_child, args=(send, self._function, self._args, self._kwargs, os.getpid()),
                                  name=f"presslens-{self.name}")
        process.start()
        send.close()
        self._process, self._conn, self.forked = process, receive, True

    def _run_here(self) -> None:
        try:
            self._value = self._function(*self._args, **self._kwargs)
        except BaseException as exc:  # noqa: BLE001 - given back by result(), as the child's would be
            self._error = exc
        self._finish()

    def _finish(self) -> None:
        self._done = True
        if self.seconds is None:
            self.seconds = round(time.perf_counter() - self.started, 3)
        self._function = self._args = self._kwargs = None  # the arguments are not held longer than the work

    def close(self) -> None:
        """Stop the child if it has not answered (the build failed before it asked for the result); idempotent."""
        if self._process is not None:
            self._process.terminate()
            self._process.join()
            self._conn.close()
            self._process = self._conn = None
            self._done = True
            self._error = RuntimeError(f"{self.name}: stopped before it answered")

    def __enter__(self) -> Beside:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def result(self) -> Any:
        """The function's return value (waiting for the child); its exception is raised here, as if it ran in this process."""
        if not self._done:
            self._wait()
        if self._error is not None:
            raise self._error
        return self._value

    def _wait(self) -> None:
        answer = None
        try:
            answer = self._conn.recv()
        except (EOFError, OSError):  # the child died before answering
            pass
        except Exception as exc:  # noqa: BLE001 - an answer that does not unpickle here
            log.warning("%s: the answer of the process beside the build could not be read (%s)", self.name, exc)
        finally:
            self._conn.close()
            self._process.join()
        code = self._process.exitcode
        self._process = self._conn = None
        if answer is None:
            log.warning("%s: the process beside the build ended without an answer (exit code %s); done again in this process",
                        self.name, code)
            self._run_here()
            return
        ok, value, self.seconds = answer
        if ok:
            self._value = value
        elif isinstance(value, BaseException):
            self._error = value
        else:  # the exception itself would not pickle: its text and traceback
            self._error = RuntimeError(f"{self.name}: {value}")
        self._finish()


def _child(conn: Any, function: Callable[..., Any], args: tuple, kwargs: dict, parent: int) -> None:
    """The forked child: run ``function`` and send ``(True, value)`` or ``(False, exception)`` back.

    Like the engine's workers (:func:`_start_worker`), it leaves the heap it inherited out of its garbage
    collections (else each full collection would copy the build's pages into it) and dies with the build.
    """
    _start_worker(parent)
    started = time.perf_counter()
    try:
        answer: tuple[bool, Any] = (True, function(*args, **kwargs))
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the build
        answer = (False, exc)
    seconds = round(time.perf_counter() - started, 3)
    try:
        conn.send((*answer, seconds))
    except Exception:  # noqa: BLE001 - the value or the exception does not pickle
        if answer[0]:
            conn.send((False, f"its result could not be sent back:\n{traceback.format_exc()}", seconds))
        else:
            conn.send((False, "".join(traceback.format_exception(answer[1])).strip(), seconds))
    finally:
        conn.close()
    os._exit(0)  # noqa: SLF001 - no atexit handlers, no flush of the build's buffers a second time


def beside(name: str, function: Callable[..., Any], *args: Any, fork: bool, **kwargs: Any) -> Beside:
    """Start ``function(*args, **kwargs)`` beside the build: in a forked child when ``fork`` (:func:`can_fork`), else now, here.

    The child sees this process's memory as it was at the fork: it must need
    nothing this process computes after it, and its effects other than its
    return value are files it writes (a child cannot change this process's
    objects). Call :meth:`Beside.result` to take the answer; use it as a
    context manager so that a build failing before then stops the child.

    >>> beside("sum", sum, [1, 2, 3], fork=False).result()
    6
    """
    return Beside(name, function, args, kwargs, fork=fork)


__all__ = ["Beside", "beside", "can_fork", "longest_first"]
