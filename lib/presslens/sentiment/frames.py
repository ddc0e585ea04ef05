"""Checks on the tables handed to sentiment functions, and the error they raise."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..errors import PresslensError


class SentimentError(PresslensError):
    """A table handed to a sentiment function lacks what it needs (columns, a consistent reply tree, valid terms)."""


def _require(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise SentimentError(f"{what}: expected a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SentimentError(f"{what} lacks column(s) {', '.join(missing)}; found: {', '.join(map(str, frame.columns)) or 'none'}")


def _ids(series: pd.Series) -> pd.Series:
    """Comment ids and reply targets as strings, with missing values (NaN from a CSV) as ""."""
    return series.astype(object).where(series.notna(), "").astype(str).replace({"nan": "", "None": ""})


def _check_options(*, n_resamples: int, confidence: float) -> None:
    if not isinstance(n_resamples, (int, np.integer)) or isinstance(n_resamples, bool) or n_resamples < 1:
        raise SentimentError(f"n_resamples must be a positive integer, got {n_resamples!r}")
    if not 0 < confidence < 1:
        raise SentimentError(f"confidence must be between 0 and 1 (e.g. 0.95), got {confidence!r}")
