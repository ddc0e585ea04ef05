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
from presslens.ingest import CORPUS_CACHE_FORMAT

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


def test_the_key_file_follows_the_environment_though_it_is_worked_out_once(tmp_path, monkeypatch):
    """The default key file is remembered per value of the variables it comes from: a changed variable is a new key file."""
    monkeypatch.setenv(CACHE_KEY_ENV, str(tmp_path / "one.key"))
    first = pio.cache_key()
    assert (tmp_path / "one.key").is_file() and pio.cache_key() == first
    monkeypatch.setenv(CACHE_KEY_ENV, str(tmp_path / "two.key"))
    second = pio.cache_key()
    assert (tmp_path / "two.key").is_file() and second != first
    monkeypatch.delenv(CACHE_KEY_ENV)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert pio.cache_key() not in (first, second) and (tmp_path / "xdg" / "presslens" / "cache.key").is_file()
    monkeypatch.setenv(CACHE_KEY_ENV, str(tmp_path / "one.key"))
    assert pio.cache_key() == first


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
    pairs, the loaded documents) by a pickle whose loading writes a marker (unsigned, or signed with another key): the next build and
    the notebooks' table loading never create the marker, and the tables are still right."""
    cache = tmp_path / "cache"
    pipeline.build(seeds_copy, tmp_path / "a", jobs=2, cache_dir=cache)
    want = _csvs(tmp_path / "a")
    files = sorted(p for p in cache.rglob("*") if p.is_file())
    rels = [p.relative_to(cache) for p in files]
    kinds = {r.parts[0] if r.parts[0].startswith(("reuse", "corpus")) else r.parts[1].split("-")[0] for r in rels}
    assert kinds == {"documents", "codebook", "last", "tables", f"reuse-v{REUSE_CACHE_FORMAT}", f"corpus-v{CORPUS_CACHE_FORMAT}"}
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
        # below PARALLEL_MIN_DOCUMENTS the per-document phase stays in one process; then the reuse tables run in a
        # child forked beside the build (build.background), with two workers of their own: every descendant counts
        while time.monotonic() < deadline and main.poll() is None:
            workers = psutil.Process(main.pid).children(recursive=True)
            if len(workers) >= 3:
                break
            time.sleep(0.05)
        assert len(workers) >= 3, "the build never started its child and the child's workers"
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


# ---------------------------------------------------------------------------
# 2. Other people's folders; 3. read-only or full output folders (through `presslens run`)
# ---------------------------------------------------------------------------
def _notebook(path: Path) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('corpus_dir = ""  # corpus folder')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {path.stem}"), params, nbformat.v4.new_code_cell('print("ok")')]
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A tiny presslens project: one seed page and one notebook."""
    root = tmp_path_factory.mktemp("project")
    (root / "pyproject.toml").write_text("[project]\nname = 'fake'\n")
    (root / "seeds").mkdir()
    (root / "seeds" / "a.txt").write_text("A story.\n\nIt has two paragraphs about the river.\n")
    (root / "notebooks").mkdir()
    _notebook(root / "notebooks" / "01_x.ipynb")
    return root


class FakeBuild:
    """Stands in for ``presslens.pipeline`` (these tests are about the folder, not the tables); ``during`` runs mid-build."""

    def __init__(self) -> None:
        self.module = type(sys)("presslens.pipeline")
        self.module.build = self.build
        self.during = None
        self.calls = 0

    def build(self, corpus_dir, data_dir, **options):
        self.calls += 1
        (Path(data_dir) / "documents.csv").write_text("doc_id\na\n")
        if self.during:
            self.during()
        return type(sys)("result")


@pytest.fixture
def fake(project, monkeypatch, key_file) -> FakeBuild:
    monkeypatch.setenv("PRESSLENS_ROOT", str(project))
    build = FakeBuild()
    monkeypatch.setitem(sys.modules, "presslens.pipeline", build.module)
    return build


def _run(out: Path, capsys, *extra: str) -> tuple[int, str]:
    from presslens import cli

    code = cli.main(["run", "--out", str(out), "--no-progress", *extra])
    return code, capsys.readouterr().err.strip()


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_folder_with_another_tools_run_json_is_refused_and_kept(fake, tmp_path, capsys):
    out = tmp_path / "other"
    (out / "data").mkdir(parents=True)
    (out / "reports").mkdir()
    (out / "run.json").write_text(json.dumps({"tool": "othertool", "started": "yesterday", "runs": 3}))
    (out / "data" / "precious.csv").write_text("a,b\n1,2\n")
    (out / "reports" / "mine.html").write_text("<p>mine</p>")
    before = _tree(out)
    code, err = _run(out, capsys)
    assert code == 2 and len(err.splitlines()) == 1 and "no presslens run made it" in err and str(out) in err
    assert "data, reports, run.json" in err
    assert _tree(out) == before and fake.calls == 0


def test_a_folder_with_the_users_run_log_is_refused_and_kept(fake, tmp_path, capsys):
    out = tmp_path / "notes"
    out.mkdir()
    (out / "run.log").write_text("my training log\n")
    code, err = _run(out, capsys)
    assert code == 2 and "no presslens run made it" in err and "run.log" in err
    assert (out / "run.log").read_text() == "my training log\n" and sorted(p.name for p in out.iterdir()) == ["run.log"]


def test_a_home_like_folder_is_refused(fake, tmp_path, capsys):
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    (home / ".bashrc").write_text("export X=1\n")
    (home / "Documents" / "letter.txt").write_text("Dear editor")
    before = _tree(home)
    code, err = _run(home, capsys)
    assert code == 2 and "no presslens run made it" in err and ".bashrc, Documents" in err
    assert _tree(home) == before and sorted(p.name for p in home.iterdir()) == [".bashrc", "Documents"]


@pytest.mark.slow
def test_an_empty_folder_is_taken_and_marked_and_users_files_inside_are_never_deleted(fake, tmp_path, capsys):
    from presslens.report.publish import MARKER_NAME, OUT_FORMAT

    out = tmp_path / "out"
    out.mkdir()
    code, err = _run(out, capsys)
    assert code == 0, err
    marker = json.loads((out / MARKER_NAME).read_text())
    assert marker["tool"] == "presslens" and marker["format"] == OUT_FORMAT
    assert {"data/documents.csv", "reports/01_x.html", "reports/index.html", "run.json", "run.log"} <= set(marker["made"])
    # the user's files inside data/ and reports/ of a presslens folder: refused by name, nothing replaced
    (out / "data" / "precious.csv").write_text("mine\n")
    (out / "reports" / "mine.html").write_text("<p>mine</p>")
    (out / "reports" / "drafts").mkdir()
    (out / "reports" / "drafts" / "a.md").write_text("draft")
    before = _tree(out)
    code, err = _run(out, capsys)
    assert code == 2 and len(err.splitlines()) == 1, err
    assert "files presslens did not make: data/precious.csv, reports/drafts, reports/mine.html" in err
    assert _tree(out) == before
    # moved out, the folder runs again
    for name in ("data/precious.csv", "reports/mine.html"):
        (out / name).unlink()
    shutil.rmtree(out / "reports" / "drafts")
    assert _run(out, capsys)[0] == 0


@pytest.mark.slow
def test_a_file_put_in_the_outputs_during_the_run_is_kept_and_the_publish_refused(fake, tmp_path, capsys):
    out = tmp_path / "out"
    assert _run(out, capsys)[0] == 0  # a new folder is created and marked
    published = _tree(out / "reports")
    fake.during = lambda: (out / "reports" / "mine.html").write_text("<p>mine</p>")
    code, err = _run(out, capsys)
    assert code == 1 and "reports/mine.html" in err and "previous outputs kept" in err, err
    assert (out / "reports" / "mine.html").read_text() == "<p>mine</p>"
    assert {k: v for k, v in _tree(out / "reports").items() if k != "mine.html"} == published
    assert len(list((out / "failed-runs").iterdir())) == 1


@pytest.mark.slow
def test_an_output_folder_of_an_earlier_presslens_keeps_working(fake, tmp_path, capsys):
    """An earlier version wrote no marker: its run.json (read for presslens' fields) says the folder is presslens',
    and what it lists (tables, reports, notebooks, views, the index) is presslens'; anything else is refused by name."""
    from presslens.report.publish import MARKER_NAME

    out = tmp_path / "out"
    assert _run(out, capsys)[0] == 0
    (out / MARKER_NAME).unlink()  # as an earlier version left it
    (out / "data" / "views" / "01_x").mkdir(parents=True)
    (out / "data" / "views" / "01_x" / "full.csv").write_text("a\n1\n")
    (out / "data" / "sentences.csv").write_text("doc_id\n")  # a table of the registry
    (out / "data" / "precious.csv").write_text("mine\n")
    code, err = _run(out, capsys)
    assert code == 2 and "did not make: data/precious.csv;" in err, err
    (out / "data" / "precious.csv").unlink()
    code, err = _run(out, capsys)
    assert code == 0, err
    assert json.loads((out / MARKER_NAME).read_text())["tool"] == "presslens"
    # a run.json that merely exists (another tool's, or broken) does not make a folder presslens'
    (out / MARKER_NAME).unlink()
    (out / "run.json").write_text('{"presslens": "yes"}')
    assert _run(out, capsys)[0] == 2


def test_placeholders_and_a_cron_log_folder_count_as_empty(fake, tmp_path):
    from presslens.report.publish import output_folder_problem

    out = tmp_path / "outputs"
    (out / "logs").mkdir(parents=True)
    (out / ".gitkeep").write_text("")
    (out / "logs" / "cron.log").write_text("earlier cron output\n")
    assert output_folder_problem(out) is None
    assert output_folder_problem(tmp_path / "new") is None
    (out / "cache").mkdir()
    assert "no presslens run made it (no .presslens-out marker; it holds cache)" in output_folder_problem(out)
    (out / ".presslens.lock").write_text("")  # an earlier presslens whose runs all failed: nothing published to lose
    (out / "failed-runs").mkdir()
    assert output_folder_problem(out) is None
    (out / "logs.txt").write_text("x")
    assert "no presslens run made it" in output_folder_problem(out)


def test_a_marker_of_another_tool_or_a_newer_format_is_refused(fake, tmp_path, capsys):
    from presslens.report.publish import MARKER_NAME, OUT_FORMAT

    out = tmp_path / "out"
    out.mkdir()
    (out / MARKER_NAME).write_text(json.dumps({"tool": "other", "format": 1, "made": []}))
    assert _run(out, capsys)[0] == 2
    (out / MARKER_NAME).write_text(json.dumps({"tool": "presslens", "format": OUT_FORMAT + 1, "made": []}))
    code, err = _run(out, capsys)
    assert code == 2 and "newer presslens" in err


def _enospc(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(_args[1]) if len(_args) > 1 else None)


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES])
def test_a_full_or_read_only_folder_during_the_build_is_one_line_and_exit_1(project, key_file, tmp_path, monkeypatch, capsys, code):
    """The real build, its CSV writer failing as on a full disk, a quota, a read-only remount or a lost permission."""
    from presslens.build import pipeline as build_pipeline

    def refuse(frame, path):
        raise OSError(code, os.strerror(code), str(path))

    monkeypatch.setenv("PRESSLENS_ROOT", str(project))
    monkeypatch.setattr(build_pipeline, "write_csv", refuse)
    out = tmp_path / "out"
    status, err = _run(out, capsys, "--jobs", "1", "--no-cache")
    assert status == 1 and len(err.splitlines()) == 1, err
    assert f"cannot write to the output folder {out}: " in err and f"({errno.errorcode[code]})" in err
    assert "data/" in err and "previous outputs kept" in err and "Traceback" not in err


def test_a_read_only_folder_at_the_start_is_one_line_and_exit_1(fake, tmp_path, monkeypatch, capsys):
    """Where the run first writes (its lock file), as a read-only file system answers."""
    import contextlib

    from presslens.report import execute

    @contextlib.contextmanager
    def read_only(path, **_kw):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        yield

    monkeypatch.setattr(execute, "_run_lock", read_only)
    out = tmp_path / "out"
    code, err = _run(out, capsys)
    assert code == 1 and err == (f"presslens: error: cannot write to the output folder {out}: read-only file system (EROFS) "
                                 f"({out / '.presslens.lock'})")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only (chmod) folder; see the tmpfs tests")
def test_a_chmod_read_only_folder_is_one_line_and_exit_1(fake, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o500)
    try:
        code, err = _run(out, capsys)
    finally:
        out.chmod(0o700)
    assert code == 1 and "permission denied (EACCES)" in err and len(err.splitlines()) == 1


@pytest.fixture
def tmpfs(tmp_path):
    """A tiny tmpfs of our own (root with mount rights only); unmounted afterwards."""
    point = tmp_path / "mnt"
    point.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(point)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode(errors='replace').strip()}")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


def test_a_really_full_disk_is_one_line_and_exit_1(fake, tmpfs, capsys):
    out = tmpfs / "out"
    out.mkdir()
    filler = tmpfs / "filler"
    with filler.open("wb", buffering=0) as handle:  # fill the disk to the last block
        with pytest.raises(OSError) as full:
            while True:
                handle.write(b"\0" * 4096)
    assert full.value.errno == errno.ENOSPC
    code, err = _run(out, capsys)
    assert code == 1 and len(err.splitlines()) == 1, err
    assert f"cannot write to the output folder {out}: no space left on the device (ENOSPC)" in err


def test_a_really_read_only_disk_is_one_line_and_exit_1(fake, tmpfs, capsys):
    from presslens import cli

    out = tmpfs / "out"
    out.mkdir()
    story = tmpfs / "story"
    story.mkdir()
    (story / "page.txt").write_text("A story.\n\nAbout the river.\n")
    assert subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)]).returncode == 0
    code, err = _run(out, capsys)
    assert code == 1 and err == (f"presslens: error: cannot write to the output folder {out}: read-only file system (EROFS) "
                                 f"({out / '.presslens.lock'})")
    # any command that writes: `presslens init` writes the story's sources.yml
    assert cli.main(["init", str(story)]) == 1
    captured = capsys.readouterr()
    err = (captured.err + captured.out).strip().splitlines()[-1]
    assert "read-only file system (EROFS)" in err and "Traceback" not in captured.err
