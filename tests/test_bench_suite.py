"""The pure helpers of ``benchmarks.bench_suite`` (no run is timed here)."""

from __future__ import annotations

import pytest
import yaml

from benchmarks import bench_suite as bs


def _run(wall: float, build: float, notebooks: dict[str, tuple[float, float]], *, tree: float | None = None,
         pss: float | None = None) -> dict:
    return {
        "wall_s": wall, "load": "0.50", "processed_documents": 1,
        "breakdown": {"wall_s": wall, "startup_s": 1.0, "build_s": build, "between_s": 0.0, "publish_s": 0.5,
                      "notebooks": {n: {"execute_s": e, "export_s": x, "status": "ok"} for n, (e, x) in notebooks.items()}},
        "memory": {"main_maxrss_bytes": 300 * 2**20, "children_maxrss_bytes": 200 * 2**20, "tree_peak_bytes": tree,
                   "tree_peak_pss_bytes": pss},
    }


def test_median_and_ratio():
    assert bs.median([5.0, 1.0, 3.0, 4.0]) == 3.5
    assert bs.median([]) is None
    assert bs.ratio(6.0, 4.0) == 1.5
    assert bs.ratio(1.0, 0) is None and bs.ratio(None, 2.0) is None


def test_breakdown_adds_up_to_the_wall():
    events = [
        {"stage": "build", "status": "start", "t": 102.0},
        {"stage": "build", "status": "ok", "t": 105.0, "seconds": 3.0},
        {"stage": "notebook", "status": "start", "name": "00_a", "t": 105.5},
        {"stage": "notebook", "status": "ok", "name": "00_a", "t": 110.5, "seconds": 4.0},
        {"stage": "notebook", "status": "start", "name": "01_b", "t": 110.5},
        {"stage": "notebook", "status": "failed", "name": "01_b", "t": 112.5, "seconds": 2.0},
        {"stage": "publish", "status": "start", "t": 112.6},
    ]
    b = bs.breakdown(events, spawned=100.0, exited=113.5)
    assert b["startup_s"] == 2.0 and b["build_s"] == 3.0
    assert b["notebooks"]["00_a"] == {"execute_s": 4.0, "export_s": 1.0, "status": "ok"}
    assert b["notebooks"]["01_b"]["status"] == "failed" and b["notebooks"]["01_b"]["export_s"] == 0.0
    assert b["between_s"] == 0.5 and b["publish_s"] == 1.0
    parts = b["startup_s"] + b["build_s"] + b["notebooks_s"] + b["between_s"] + b["publish_s"]
    assert parts == pytest.approx(b["wall_s"])


def test_markdown_reports_medians_ratio_breakdown_and_targets():
    nbs = {"00_a": (4.0, 1.0), "01_b": (6.0, 2.0)}
    results = {
        "seeds": {"rounds": [
            {"suite": _run(30.0, 3.0, nbs), "floor": {"wall_s": 20.0, "runs_s": [4.0] * 5}, "load": "1.00"},
            {"suite": _run(36.0, 3.0, nbs), "floor": {"wall_s": 24.0, "runs_s": [4.8] * 5}, "load": "1.00"},
            {"suite": _run(33.0, 3.0, nbs), "floor": {"wall_s": 22.0, "runs_s": [4.4] * 5}, "load": "1.00"},
        ]},
        "scale": {"10000": {"cold": _run(500.0, 200.0, nbs, tree=5 * 2**30, pss=3 * 2**30), "plus_one": _run(200.0, 12.0, nbs)}},
    }
    text = bs.markdown(results, context="test context")
    assert "test context" in text
    assert "| **median** | **33.0** | **22.0** | **1.50** | |" in text
    assert "| 00_a: execute / export | 4.00 / 1.00 |" in text
    assert "| 10,000 | cold | 200.0 | 1 | 4.0 + 1.0 | 6.0 + 2.0 | 500.0 | 300 / 200 / 5,120 / 3,072 | 0.50 |" in text
    assert "| 10,000 | +1 document | 12.0 | 1 | 4.0 + 1.0 | 6.0 + 2.0 | 200.0 | 300 / 200 / - / - | 0.50 |" in text
    assert "seeds suite / floor: 1.50x (target at most 1.5x): met" in text
    assert "10,000 docs cold wall: 500.0 s (target at most 600 s at 10,000): met" in text
    assert "+1 whole suite 200.0 s (target at most 180 s): NOT met" in text
    assert "peak memory of any run, sum of the tree's RSS: 5.00 GiB (target under 4 GiB): NOT met" in text
    assert "sum of the tree's PSS (shared pages counted once): 3.00 GiB (target under 4 GiB): met" in text


def test_targets_at_other_sizes_are_not_judged():
    text = bs.markdown({"scale": {"1000": {"cold": _run(50.0, 20.0, {}), "plus_one": _run(40.0, 5.0, {})}}})
    assert "(the targets are for 10,000 documents)" in text
    assert "1,000 docs +1 build: 5.0 s (target at most 15 s): -" in text


def test_peak_bytes_prefers_the_sampled_tree():
    assert bs.peak_bytes({"memory": {"main_maxrss_bytes": 10, "children_maxrss_bytes": 30, "tree_peak_bytes": 35}}) == 35
    assert bs.peak_bytes({"memory": {"main_maxrss_bytes": 10, "children_maxrss_bytes": 30}}) == 30
    assert bs.peak_bytes({}) is None


def test_add_document_writes_the_file_and_its_sources_entry(tmp_path):
    (tmp_path / "a.txt").write_text("A\n", encoding="utf-8")
    (tmp_path / "sources.yml").write_text(yaml.safe_dump({"version": 1, "documents": {"a": {"file": "a.txt"}}}), encoding="utf-8")
    added = bs.add_document(tmp_path, "zz_b.txt", "New text\n", {"file": "other.txt", "title": {"value": "B"}})
    assert added.read_text(encoding="utf-8") == "New text\n"
    data = yaml.safe_load((tmp_path / "sources.yml").read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert data["documents"]["a"] == {"file": "a.txt"}
    assert data["documents"]["zz_b"] == {"file": "zz_b.txt", "title": {"value": "B"}}
    with pytest.raises(FileExistsError):
        bs.add_document(tmp_path, "zz_b.txt", "again\n")


def test_add_document_without_sources_yml(tmp_path):
    bs.add_document(tmp_path, "c.txt", "C\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.txt"]


def test_floor_notebook_imports_pandas_and_plotly(tmp_path):
    import nbformat

    nb = nbformat.read(bs.floor_notebook(tmp_path / "floor.ipynb"), as_version=4)
    sources = "\n".join(c.source for c in nb.cells)
    assert "import pandas" in sources and "import plotly" in sources


def test_child_env_puts_this_checkout_first(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", "/elsewhere")
    env = bs.child_env(tmp_path / "k")
    assert env["PYTHONPATH"].split(":")[:3] == [str(bs.ROOT / "lib"), str(bs.ROOT), "/elsewhere"]
    assert env["PRESSLENS_CACHE_KEY"] == str(tmp_path / "k")
