"""A real run interrupted by SIGINT or SIGTERM while a notebook executes: nothing published is lost.

The run is a separate ``presslens run`` process on the seeds; the signal arrives
once its staging folder holds the built data, i.e. while the kernel is running a
notebook. The last good outputs must be byte-identical afterwards, the partial
run kept under ``failed-runs/``, the lock released, and the next run must work.
"""

from __future__ import annotations

import fcntl
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def run_cmd(out: Path) -> list[str]:
    return [sys.executable, "-m", "presslens.cli", "run", "--corpus", "seeds", "--out", str(out), "--notebooks", "00", "--no-progress"]


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def published(out: Path) -> dict[str, bytes]:
    files = [p for part in ("data", "reports") for p in (out / part).rglob("*") if p.is_file()] + [out / "run.json"]
    return {str(p.relative_to(out)): p.read_bytes() for p in files}


@pytest.fixture(scope="module")
def good_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("interrupt") / "out"
    subprocess.run(run_cmd(out), cwd=ROOT, check=True, capture_output=True, timeout=600)
    return out


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_mid_notebook_keeps_the_last_good_outputs(good_run, sig, code):
    out = good_run
    before = published(out)
    failed_before = set((out / "failed-runs").glob("*")) if (out / "failed-runs").exists() else set()
    # a shell starts background jobs with SIGINT ignored, and Python keeps an ignored SIGINT ignored:
    # give the run the default disposition an analyst's terminal gives it, however pytest was started
    proc = subprocess.Popen(run_cmd(out), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_default_sigint)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        # papermill writes the executed notebook into staging when it starts the kernel:
        # from then on the kernel is starting or running the notebook's cells (a few seconds)
        if list(out.glob(".run-*/notebooks/00_corpus_overview.ipynb")):
            break
        assert proc.poll() is None, f"run ended before it could be interrupted: {proc.communicate()}"
        time.sleep(0.02)
    time.sleep(0.2)
    alive = proc.poll() is None
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == code, f"alive when signalled: {alive}; stderr: {err[-2000:]!r}"
    assert published(out) == before, "a published file changed"
    failed_after = set((out / "failed-runs").glob("*"))
    assert len(failed_after - failed_before) == 1, "the partial run was not kept for inspection"
    assert not list(out.glob(".run-*")), "a staging folder was left behind"
    with open(out / ".presslens.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises if the lock was not released
        fcntl.flock(handle, fcntl.LOCK_UN)
    assert "Traceback" not in err


def test_the_next_run_works_after_interruptions(good_run):
    proc = subprocess.run(run_cmd(good_run), cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert (good_run / "reports" / "00_corpus_overview.html").exists()
