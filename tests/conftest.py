"""Shared fixtures: the real seed corpus, loaded once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from presslens.corpus import load_corpus

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def corpus():
    return load_corpus(SEEDS)


@pytest.fixture()
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the seeds, for tests that add bad files."""
    target = tmp_path / "corpus"
    shutil.copytree(SEEDS, target)
    return target
