"""Times as the page shows them: ISO 8601 strings to naive timestamps on the page's own clock.

Pages state comment times with a UTC offset (``2019-11-18T10:32:00+01:00``) or without
one, and one corpus mixes both and several offsets, which pandas refuses to put in one
column. Charts and time bins of one page want the wall-clock time its readers saw, so
the offset is dropped, not converted (the stored ``posted`` strings keep it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

#: a UTC offset after a time of day ("10:32:00+01:00", "09:05Z"); a bare date's "-05" is its day, not an offset
_ZONE = re.compile(r"([T ]\d\d(?::?\d\d(?::?\d\d(?:[.,]\d+)?)?)?)(?:Z|[+-]\d\d(?::?\d\d)?)$")


def page_times(values: Iterable[object]) -> pd.Series:
    """Naive ``datetime64`` values of ISO 8601 strings, any UTC offset dropped; unreadable or empty -> NaT.

    >>> [str(t) for t in page_times(["2019-11-18T10:32:00+01:00", "2019-11-18T09:05", "", None, "soon"])]
    ['2019-11-18 10:32:00', '2019-11-18 09:05:00', 'NaT', 'NaT', 'NaT']
    >>> [str(t) for t in page_times(["2012-08-05", "2019-11-18T09:05Z", "2019-11-18 09:05:00.5-0500"])]
    ['2012-08-05 00:00:00', '2019-11-18 09:05:00', '2019-11-18 09:05:00.500000']
    """
    values = values.tolist() if isinstance(values, pd.Series) else list(values)
    text = ["" if v is None or (isinstance(v, float) and v != v) else _ZONE.sub(r"\1", str(v).strip()) for v in values]
    out = pd.to_datetime(pd.Series([t or None for t in text], dtype=object), errors="coerce", format="ISO8601")
    if not pd.api.types.is_datetime64_any_dtype(out):
        out = out.astype("datetime64[ns]")
    return out
