"""The Dask engine through the real command line: ``presslens run --engine dask`` with no scheduler
starts a local two-worker cluster on loopback and writes the tables the local engine writes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from presslens import pipeline
from presslens.paths import project_root, seeds_dir

distributed = pytest.importorskip("distributed", reason="dask[distributed] is in requirements.lock; install it with make install")


def test_run_with_engine_dask_and_no_scheduler_matches_the_local_engine(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(seeds_dir(), corpus)
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "presslens.cli", "run", "--corpus", str(corpus), "--out", str(out), "--no-progress",
         "--engine", "dask", "--notebooks", "00"],
        cwd=project_root(), capture_output=True, text=True, timeout=900, check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["options"]["engine"] == "dask"
    assert run["build"]["engine"] == "dask" and run["build"]["processed"]["document"] == 5
    assert [n["status"] for n in run["notebooks"]] == ["ok"]

    local = tmp_path / "local"
    pipeline.build(corpus, local, jobs=1)
    differ = [name for name in pipeline.TABLES if (out / "data" / f"{name}.csv").read_bytes() != (local / f"{name}.csv").read_bytes()]
    assert not differ, f"tables differ between the dask and local engines: {differ}"
