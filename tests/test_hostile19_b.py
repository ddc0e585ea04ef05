"""Issue #19, part B: caches that cannot run code, other people's folders, read-only or full output folders,
workers that outlive a killed build."""

from __future__ import annotations

import errno
import hashlib
import hmac
import json
import logging
import os
import pickle
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from presslens import io as pio
from presslens import pipeline
from presslens.build import cache as build_cache
from presslens.io import PICKLE_MAGIC, read_pickle, write_pickle
from presslens.corpus import load_corpus
from presslens.paths import CACHE_KEY_ENV, RunContext, seeds_dir
from presslens.reuse import REUSE_CACHE_FORMAT

ROOT = Path(__file__).resolve().parents[1]


class Payload:
    """A pickle that, when loaded, writes ``marker``: what a planted cache file does."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self):
        return (exec, (f"open({self.marker!r}, 'w').write('pwned')",))


def _signed(value: object, key: bytes) -> bytes:
    """A cache file as presslens writes it, but signed with ``key``."""
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return PICKLE_MAGIC + hmac.new(key, PICKLE_MAGIC + payload, hashlib.sha256).digest() + payload


@pytest.fixture
def key_file(tmp_path, monkeypatch) -> Path:
    """This test's own installation key (created by presslens on first use), outside every outputs folder."""
    path = tmp_path / "config" / "presslens" / "cache.key"
    monkeypatch.setenv(CACHE_KEY_ENV, str(path))
    return path


@pytest.fixture(scope="module")
def seeds_copy(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("seeds") / "corpus"
    shutil.copytree(seeds_dir(), folder)
    return folder


def _csvs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


# ---------------------------------------------------------------------------
# 1. The cache runs code
# ---------------------------------------------------------------------------
def test_the_key_is_made_once_private_and_outside_the_outputs(key_file):
    assert not key_file.exists()
    first = pio.cache_key()
    assert first is not None and len(first) == 32
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert pio.cache_key() == first
    pio._keys.clear()  # another process reads the same key
    assert pio.cache_key() == first
    assert not list(key_file.parent.glob(".*.tmp"))
    assert RunContext().cache_key is None  # not in the run's variables handed to a kernel
    assert CACHE_KEY_ENV not in RunContext().environment()


def test_the_default_key_lives_in_the_users_config_folder(tmp_path, monkeypatch):
    from presslens.paths import run_context

    monkeypatch.delenv(CACHE_KEY_ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert run_context().cache_key == tmp_path / "xdg" / "presslens" / "cache.key"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert run_context().cache_key == tmp_path / "home" / ".config" / "presslens" / "cache.key"


def test_a_signed_entry_round_trips_and_a_damaged_one_is_a_miss(key_file, tmp_path, caplog):
    path = write_pickle({"a": [1, 2, 3]}, tmp_path / "c" / "x.pkl")
    assert read_pickle(path) == {"a": [1, 2, 3]}
    data = path.read_bytes()
    assert data.startswith(PICKLE_MAGIC)
    cases = {
        "truncated": data[:-5],
        "tag only": data[: len(PICKLE_MAGIC) + 10],
        "bit flipped in the pickle": data[:-3] + bytes([data[-3] ^ 0x01]) + data[-2:],
        "bit flipped in the tag": data[: len(PICKLE_MAGIC)] + bytes([data[len(PICKLE_MAGIC)] ^ 0x80]) + data[len(PICKLE_MAGIC) + 1:],
        "empty": b"",
        "unsigned (an old cache)": pickle.dumps({"a": [1, 2, 3]}),
    }
    with caplog.at_level(logging.DEBUG, logger="presslens"):
        for name, damaged in cases.items():
            path.write_bytes(damaged)
            assert read_pickle(path, what="test entry") is None, name
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "test entry" in r.getMessage()]
    assert len(warnings) == 1 and "not signed by this installation" in warnings[0].getMessage()  # logged once


def test_an_entry_signed_with_another_key_is_a_miss_and_never_unpickled(key_file, tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "c" / "x.pkl"
    path.parent.mkdir(parents=True)
    path.write_bytes(_signed(Payload(marker), os.urandom(32)))
    assert read_pickle(path) is None
    path.write_bytes(pickle.dumps(Payload(marker)))  # unsigned
    assert read_pickle(path) is None
    assert not marker.exists()
    path.write_bytes(_signed(Payload(marker), pio.cache_key()))  # the check is real: our own key would run it
    read_pickle(path)
    assert marker.exists()


def test_without_a_key_caching_is_off_with_a_warning_never_an_error(tmp_path, monkeypatch, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv(CACHE_KEY_ENV, str(blocker / "cache.key"))  # its folder is a file: cannot be created, even as root
    with caplog.at_level(logging.WARNING, logger="presslens"):
        path = write_pickle({"a": 1}, tmp_path / "c" / "x.pkl")
        assert not path.exists()
        assert read_pickle(path) is None
    assert any("cache off" in r.getMessage() for r in caplog.records)


def test_planted_pickles_in_every_cache_file_never_run(key_file, tmp_path, seeds_copy):
    """Build once with a cache, replace every file of the cache (build, last-run, run tables, reuse units and
    pairs) by a pickle whose loading writes a marker (unsigned, or signed with another key): the next build and
    the notebooks' table loading never create the marker, and the tables are still right."""
    cache = tmp_path / "cache"
    pipeline.build(seeds_copy, tmp_path / "a", jobs=2, cache_dir=cache)
    want = _csvs(tmp_path / "a")
    files = sorted(p for p in cache.rglob("*") if p.is_file())
    rels = [p.relative_to(cache) for p in files]
    kinds = {r.parts[0] if r.parts[0].startswith("reuse") else r.parts[1].split("-")[0] for r in rels}
    assert kinds == {"documents", "codebook", "last", "tables", f"reuse-v{REUSE_CACHE_FORMAT}"}
    assert any(p.suffix == ".pickle" for p in files) and any(p.name.endswith(".sig.pkl") for p in files)
    assert any(p.name.endswith(".sides.pkl") for p in files)
    marker = tmp_path / "pwned"
    foreign = os.urandom(32)
    for i, path in enumerate(files):
        path.write_bytes(pickle.dumps(Payload(marker)) if i % 2 else _signed(Payload(marker), foreign))
    again = pipeline.build(seeds_copy, tmp_path / "b", jobs=2, cache_dir=cache)
    assert not marker.exists()
    assert _csvs(tmp_path / "b") == want
    assert again.stats["processed"] == {"document": 5, "codebook": 5}  # every planted file was a miss
    # the notebooks' path: whole tables from the cache (rewritten by the build above, then planted again)
    corpus = load_corpus(seeds_copy)
    for path in build_cache.run_tables_folder(cache, corpus).glob("*.pickle"):
        path.write_bytes(pickle.dumps(Payload(marker)))
    assert build_cache.load_run_tables(corpus, ["documents"], cache) is None
    documents = pipeline.tables_for(corpus, "documents", context=RunContext(cache_dir=cache))
    pd.testing.assert_frame_equal(documents, pipeline.tables_for(corpus, "documents"))
    assert not marker.exists()


# ---------------------------------------------------------------------------
# 4. SIGKILL of the build leaves no workers behind
# ---------------------------------------------------------------------------
def _gone(pid: int) -> bool:
    """The process has exited (a zombie waiting for a reaper that may never come counts as exited)."""
    psutil = pytest.importorskip("psutil")
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


@pytest.mark.slow
def test_workers_exit_when_the_build_is_killed(tmp_path):
    psutil = pytest.importorskip("psutil")
    from benchmarks.synthetic import write_corpus

    corpus = write_corpus(80, tmp_path / "corpus", seed=4)
    script = "import sys; from presslens import pipeline; pipeline.build(sys.argv[1], sys.argv[2], jobs=2)"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "lib"), str(ROOT)])}
    main = subprocess.Popen([sys.executable, "-c", script, str(corpus), str(tmp_path / "data")], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pids: list[int] = []
    try:
        deadline = time.monotonic() + 120
        workers: list = []
        while time.monotonic() < deadline and main.poll() is None:  # the per-document phase: two workers
            workers = psutil.Process(main.pid).children()
            if len(workers) >= 2:
                break
            time.sleep(0.05)
        assert len(workers) >= 2, "the build never started its workers"
        time.sleep(0.5)  # the workers have their first tasks
        pids = [w.pid for w in workers]
        main.send_signal(signal.SIGKILL)
        main.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not all(_gone(pid) for pid in pids):
            time.sleep(0.1)
        alive = [pid for pid in pids if not _gone(pid)]
        assert not alive, f"workers still alive after their parent was killed: {alive}"
    finally:
        if main.poll() is None:
            main.kill()
        for pid in pids:  # the workers this test started, if the check failed
            if not _gone(pid):
                os.kill(pid, signal.SIGKILL)


def test_without_prctl_a_worker_watches_its_parent(tmp_path):
    """The portable fallback: a thread that sees the parent gone exits the worker (within about a second)."""
    script = ("import os, sys, threading\n"
              "from presslens.build import engine\n"
              "parent = os.getpid()\n"
              "pid = os.fork()\n"
              "if pid == 0:\n"
              "    threading.Thread(target=engine._watch_parent, args=(parent,), daemon=True).start()\n"
              "    threading.Event().wait(60)\n"
              "    os._exit(0)\n"
              "print(pid, flush=True)\n"
              "os._exit(0)\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "lib")}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    pid = int(out.stdout.split()[0])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not _gone(pid):
        time.sleep(0.1)
    if not _gone(pid):
        os.kill(pid, signal.SIGKILL)
        pytest.fail("the child outlived its parent by 10 s")
