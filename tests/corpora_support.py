"""Where the shared development corpora are: ``PRESSLENS_CORPORA``, else ``../shared/corpora`` beside the project
(searched upwards, so a git worktree below the project finds it too). Tests read them in place and skip without them."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def corpora_dir() -> Path:
    """The shared corpora folder (it may not exist: callers skip then)."""
    env = os.environ.get("PRESSLENS_CORPORA")
    if env:
        return Path(env)
    return next((p / "shared" / "corpora" for p in ROOT.parents if (p / "shared" / "corpora").is_dir()), ROOT.parent / "shared" / "corpora")


#: the 40 real news texts of issue #16 (odd numbers: development part, even: evaluation part)
NEWS_DEV = corpora_dir() / "news-figures-dev"
#: the public web pages of issue #16's figure gold (same split by their two-digit number)
NEWS_PAGES = corpora_dir() / "news-figures-pages"
