"""Writing tables: deterministic CSV files (sorted rows, fixed columns, ``\\n`` line ends)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd


def write_csv(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``frame`` to ``path`` atomically (a temporary file renamed into place).

    A reader never sees half a file, even if the run is interrupted.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    frame.to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8")
    os.replace(tmp, path)
    return path
