"""Work done beside the build in a forked child (presslens.build.background, issue #18): the answer is the one the
function gives in this process, its errors are raised here, a child that dies is not a lost build, and the build's
tables are the same with and without it."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from presslens.build import background
from presslens.build.background import beside, can_fork
from presslens.errors import CorpusError, MetadataError

pytestmark = pytest.mark.skipif(not can_fork(jobs=2), reason="no fork start method on this system")


def _pid_and(value):
    return os.getpid(), value


def test_a_forked_child_answers_what_the_function_gives_here():
    with beside("double", _pid_and, [1, 2, 3], fork=True) as job:
        assert job.forked
        pid, value = job.result()
    assert value == [1, 2, 3] and pid != os.getpid()
    assert job.seconds is not None and job.seconds >= 0
    here = beside("double", _pid_and, [1, 2, 3], fork=False)
    assert not here.forked and here.result() == (os.getpid(), [1, 2, 3])
    assert not can_fork(jobs=1) and not can_fork(jobs=4, engine="dask")


def _fail(path: str):
    raise CorpusError(f"{path}: not a corpus")


def test_the_childs_error_is_raised_here_with_its_type_and_message():
    with beside("fail", _fail, "x/sources.yml", fork=True) as job, pytest.raises(CorpusError, match="x/sources.yml: not a corpus"):
        job.result()


class _Unpicklable(Exception):
    def __init__(self, handle):
        super().__init__("holds a lock")
        self.handle = handle

    def __reduce__(self):
        raise TypeError("cannot pickle")


def _fail_unpicklably():
    raise _Unpicklable(object())


def test_an_error_that_does_not_pickle_comes_back_as_its_text():
    with beside("odd", _fail_unpicklably, fork=True) as job, pytest.raises(RuntimeError, match="holds a lock"):
        job.result()


def _die_in_child(parent: int, marker: str) -> str:
    if os.getpid() != parent:  # the forked child dies without answering (as if killed for memory)
        os.kill(os.getpid(), signal.SIGKILL)
    Path(marker).write_text("ran here")
    return "done here"


def test_a_child_that_dies_without_answering_is_done_again_here(tmp_path, caplog):
    marker = tmp_path / "marker"
    with caplog.at_level("WARNING", logger=background.__name__):
        job = beside("dies", _die_in_child, os.getpid(), str(marker), fork=True)
        assert job.result() == "done here"
    assert marker.read_text() == "ran here"
    assert "ended without an answer" in caplog.text and "done again in this process" in caplog.text


def _sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "slept"


def test_a_build_failing_before_it_asks_stops_the_child():
    with pytest.raises(ValueError), beside("sleep", _sleep, 60, fork=True) as job:
        process = job._process
        raise ValueError("the build failed")
    process.join(timeout=5)
    assert not process.is_alive()
    with pytest.raises(RuntimeError, match="stopped before it answered"):
        job.result()


def test_a_build_leaves_the_garbage_collector_as_it_found_it(corpus_copy, tmp_path):
    """The build pauses the collector while it loads and freezes the documents after (io.frozen_heap): afterwards
    the collector runs again over everything, also when the build fails."""
    import gc

    from presslens.build.pipeline import build

    corpus = corpus_copy
    frozen = gc.get_freeze_count()  # 0, unless a test before froze this process as a run's kernel does (corpus_for)
    result = build(corpus, tmp_path / "data", jobs=2, cache_dir=tmp_path / "cache")
    assert result.counts and gc.isenabled() and gc.get_freeze_count() == frozen
    (corpus / "sources.yml").write_text("documents: [unclosed\n", encoding="utf-8")
    with pytest.raises(MetadataError, match="sources.yml: invalid YAML"):
        build(corpus, tmp_path / "data2", jobs=2, cache_dir=tmp_path / "cache")
    assert gc.isenabled() and gc.get_freeze_count() == frozen
