"""Safe display helpers for notebooks.

Text from documents is untrusted: a comment may contain ``<script>``. nbconvert
does not sanitise HTML produced by ``IPython.display.Markdown``/``HTML`` or
``DataFrame.style``, so every value from a document goes through :func:`escape`
(:func:`presslens.text.escape`, the one copy) before it reaches such output.
Plain DataFrame reprs and plotly JSON are escaped by their renderers.

Nothing here reads the environment or writes a file unless given a folder:
:func:`show` and :func:`export_view` write the full table behind a cut view only
into the ``views`` folder a notebook passes (``run_context().views_dir`` under
``presslens run``). IPython and plotly are imported only inside :func:`md` and
:func:`setup` (and :func:`corpus_notes`). A corpus with no usable document opens every report with
:func:`no_usable_document`'s sentence.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .io import write_csv
from .paths import VIEWS_DIR
from .text import INVISIBLE, clip, escape

#: plotly's mime type: the figure JSON that JupyterLab and the HTML export draw
PLOTLY_MIME = "application/vnd.plotly.v1+json"

#: kept for the old chart helpers that still import it from here (the one copy is :data:`presslens.text.INVISIBLE`)
_INVISIBLE = INVISIBLE


def md(template: str, /, **values: Any) -> Any:
    """A Markdown display object from a trusted template and escaped values.

    >>> md("**{n}** documents from {name}", n=5, name="<b>x</b>").data
    '**5** documents from &lt;b&gt;x&lt;/b&gt;'
    """
    from IPython.display import Markdown

    safe = {k: (v if isinstance(v, (int, float)) and not isinstance(v, bool) else escape(v)) for k, v in values.items()}
    return Markdown(template.format(**safe))


def no_usable_document(corpus: Any) -> Any:
    """The sentence a report opens with when no document of the corpus was usable; ``None`` (nothing shown) when one was.

    Every notebook shows it in place of its summary, and its cells show a short
    sentence or nothing instead of an empty chart, so a corpus of only empty,
    binary or skipped files gives five reports that say so, not five tracebacks.

    Args:
        corpus: a :class:`presslens.ingest.corpus.Corpus` (its length and its ``rejected`` files).

    >>> no_usable_document([1]) is None
    True
    """
    if len(corpus):
        return None
    rejected = len(getattr(corpus, "rejected", []))
    if rejected:
        return md(
            "**No usable document**: none of the **{n}** files of the corpus folder could be read as a document "
            "(each is listed with the reason in the corpus overview, report 00, and in `data/inputs.csv`). "
            "There is nothing to analyse.", n=rejected,
        )
    return md("**No usable document**: the corpus folder holds no document file (`.txt`, `.html`, `.htm`). There is nothing to analyse.")


#: folder beside a corpus's documents holding the analyst's commentary on that corpus, one ``<notebook>.md`` per report
NOTES_DIR = "notes"


def corpus_notes(corpus_dir: str | Path, notebook: str) -> Any:
    """The analyst's notes on this corpus for one notebook, as Markdown; ``None`` (nothing shown) without.

    Commentary about one story (what its documents are, which comment fools VADER)
    does not belong in a notebook that runs on any corpus: it lives beside that
    corpus, in ``notes/<notebook>.md``, and is shown only when that corpus runs.
    The notes are Markdown written by the analyst, so their formatting is kept, but
    raw HTML is escaped (``<`` and ``&``), so a note cannot inject a script. A note that
    is a link to a file outside the corpus folder is not shown (a sentence says so).

    >>> corpus_notes("/nonexistent", "02_commentary_sentiment") is None
    True
    """
    from IPython.display import Markdown

    file = Path(corpus_dir) / NOTES_DIR / f"{notebook}.md"
    if not file.is_file():
        return None
    if Path(corpus_dir).resolve() not in file.resolve().parents:  # the corpus is the folder: a link out is not published
        return Markdown(f"*`{NOTES_DIR}/{file.name}` is a link to a file outside the corpus folder: not shown.*")
    text = file.read_text(encoding="utf-8").replace("&", "&amp;").replace("<", "&lt;").strip()
    return Markdown(f"## Notes on this corpus\n\n*From `{NOTES_DIR}/{file.name}` beside its documents, written by the analyst.*\n\n{text}")


def setup(*, max_colwidth: int = 80, max_rows: int = 60) -> None:
    """Notebook defaults: figures shown as plotly's mimetype output (small notebooks, stable outputs) and pandas display limits.

    In an IPython kernel, plotly figures are shown by :func:`show_figure`,
    registered for every plotly figure type: the output is the one plotly's
    ``plotly_mimetype`` renderer makes, without loading plotly's renderer
    machinery (which imports ``nbformat`` and ``jsonschema``, about 3 s of each
    notebook's start on this machine). Elsewhere only the pandas options are set.
    """
    pd.set_option("display.max_colwidth", max_colwidth)
    pd.set_option("display.max_rows", max_rows)
    pd.set_option("display.width", 200)
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the kernel
        return
    shell = get_ipython()
    if shell is None:
        return
    from plotly.basedatatypes import BaseFigure

    shell.display_formatter.ipython_display_formatter.for_type(BaseFigure, show_figure)


def figure_bundle(fig: Any) -> dict[str, Any]:
    """The output plotly's ``plotly_mimetype`` renderer makes for ``fig``: its JSON under plotly's mime type.

    >>> import plotly.graph_objects as go
    >>> bundle = figure_bundle(go.Figure(go.Bar(x=["a"], y=[1])))
    >>> list(bundle), bundle["application/vnd.plotly.v1+json"]["data"][0]["type"]
    (['application/vnd.plotly.v1+json'], 'bar')
    """
    import json

    from plotly.io import to_json

    return {PLOTLY_MIME: json.loads(to_json(fig.to_dict(), validate=False, remove_uids=False))}


def show_figure(fig: Any) -> None:
    """Display ``fig`` as :func:`figure_bundle` (what ``fig.show()`` does under the ``plotly_mimetype`` renderer)."""
    from IPython.display import display

    display(figure_bundle(fig), raw=True)


def relabel(frame: pd.DataFrame, labels: Mapping[str, str], columns: Sequence[str]) -> pd.DataFrame:
    """``frame`` with the doc_ids of ``columns`` replaced by their labels (other values kept), fast on tables of millions of pairs.

    >>> relabel(pd.DataFrame({"doc_a": ["000_x", ""]}), {"000_x": "000 · Wire"}, ["doc_a"])["doc_a"].tolist()
    ['000 · Wire', '']
    """
    return frame.assign(**{c: [labels.get(v, v) for v in frame[c]] for c in columns})


def listing(items: Any, n: int = 10, *, sep: str = "; ") -> str:
    """At most ``n`` items joined, then how many more there are, for a sentence that could name thousands.

    >>> listing(["a", "b", "c"], 2)
    'a; b and 1 more'
    """
    items = [str(i) for i in items]
    head = sep.join(items[:n])
    return head if len(items) <= n else f"{head} and {len(items) - n:,} more"


# ---------------------------------------------------------------------------
# Bounded tables: at most N rows, saying which and where the rest is
# ---------------------------------------------------------------------------
#: rows a report shows of one table by default; larger tables are cut with a caption
MAX_ROWS = 50


@dataclass(frozen=True)
class Selection:
    """Which rows of a table are shown and how they were chosen, in words a reader can check.

    Attributes:
        shown: rows shown.
        total: rows in the full table.
        how: ``largest``, ``smallest``, ``sample`` or ``first``.
        by: the column(s) ranked on (``largest``/``smallest``).
        seed: the sample's seed (``sample``).
        order: the table's order, named for ``first`` ("document order").
        what: what a row is ("rows", "documents", "comments").
    """

    shown: int
    total: int
    how: str = "first"
    by: tuple[str, ...] = ()
    seed: int | None = None
    order: str = ""
    what: str = "rows"

    @property
    def cut(self) -> bool:
        """Whether rows were left out."""
        return self.shown < self.total

    def describe(self) -> str:
        """The choice in words, e.g. "the 50 largest of 12,345 rows by words" or "all 12 rows".

        >>> Selection(shown=50, total=12345, how="largest", by=("words",)).describe()
        'the 50 largest of 12,345 rows by words'
        >>> Selection(shown=3, total=3, what="documents").describe()
        'all 3 documents'
        """
        if not self.cut:
            return f"all {self.total:,} {self.what}"
        of = f"{self.shown:,} of {self.total:,} {self.what}"
        if self.how in ("largest", "smallest"):
            return f"the {self.shown:,} {self.how} of {self.total:,} {self.what} by {', '.join(self.by)}"
        if self.how == "sample":
            return f"a random sample of {of} (seed {self.seed})"
        return f"the first {of}" + (f", in {self.order}" if self.order else "")


def choose(
    frame: pd.DataFrame,
    n: int = MAX_ROWS,
    *,
    by: str | Sequence[str] | None = None,
    ascending: bool = False,
    sample: bool = False,
    seed: int = 0,
    order: str = "",
    what: str = "rows",
) -> tuple[pd.DataFrame, Selection]:
    """At most ``n`` rows of ``frame``: the largest (or smallest) by ``by``, a seeded sample, or the first ones.

    Ranking is stable, so ties keep the table's order and the choice is the same
    on every run. A sample keeps the table's order among the rows it draws.

    Args:
        frame: the full table.
        n: most rows to keep (at least 1).
        by: rank on these columns (largest first unless ``ascending``).
        ascending: with ``by``, keep the smallest instead.
        sample: draw ``n`` rows at random with ``numpy.random.default_rng(seed)``.
        seed: the sample's seed.
        order: with neither ``by`` nor ``sample``, the name of the table's order for the caption.
        what: what one row is, for the caption.

    Returns:
        The rows kept and the :class:`Selection` describing them.

    >>> rows, how = choose(pd.DataFrame({"w": [3, 9, 1, 9]}), 2, by="w")
    >>> rows["w"].tolist(), how.describe()
    ([9, 9], 'the 2 largest of 4 rows by w')
    """
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"n must be a whole number >= 1, got {n!r}")
    if by is not None and sample:
        raise ValueError("choose either by (largest/smallest) or sample, not both")
    total = len(frame)
    keys = (by,) if isinstance(by, str) else tuple(by or ())
    missing = [k for k in keys if k not in frame.columns]
    if missing:
        raise KeyError(f"cannot rank on {missing}: the table has columns {list(frame.columns)}")
    if total <= n:
        return frame, Selection(shown=total, total=total, what=what)
    if keys:
        kept = frame.sort_values(list(keys), ascending=ascending, kind="stable").head(n)
        return kept, Selection(shown=n, total=total, how="smallest" if ascending else "largest", by=keys, what=what)
    if sample:
        positions = np.sort(np.random.default_rng(seed).choice(total, size=n, replace=False))
        return frame.iloc[positions], Selection(shown=n, total=total, how="sample", seed=seed, what=what)
    return frame.head(n), Selection(shown=n, total=total, how="first", order=order, what=what)


class Bounded:
    """A cut table for a notebook: a one-line caption (what is shown, how chosen, where the rest is) above the rows.

    Renders as HTML (the caption escaped, the rows by pandas, which escapes cell
    text) and as plain text. ``frame`` is the rows shown, ``selection`` how they
    were chosen, ``full`` where the whole table is ("" when nowhere).
    """

    def __init__(self, frame: pd.DataFrame, selection: Selection, *, full: str = "") -> None:
        self.frame = frame
        self.selection = selection
        self.full = full

    @property
    def caption(self) -> str:
        """ "Showing the 50 largest of 12,345 rows by words; the full table is data/comments.csv." """
        text = f"Showing {self.selection.describe()}"
        return text + (f"; the full table is {self.full}." if self.full else ".")

    def _rows_option(self):
        return pd.option_context("display.max_rows", max(len(self.frame), 1) + 1, "display.min_rows", max(len(self.frame), 1) + 1)

    def _repr_html_(self) -> str:
        with self._rows_option():
            table = self.frame._repr_html_()
        return f'<p class="presslens-caption"><em>{html.escape(self.caption)}</em></p>\n{table}'

    def __repr__(self) -> str:
        with self._rows_option():
            return f"{self.caption}\n{self.frame!r}"


def export_view(frame: pd.DataFrame, name: str, *, folder: str | Path) -> str:
    """Write a derived table as ``folder/<name>.csv``; returns the path a reader of the run finds it at.

    ``folder`` is the notebook's views folder, ``OUT/data/views/<notebook>``
    (``run_context().views_dir``); the path returned is then relative to the
    run's output folder (``data/views/<notebook>/<name>.csv``), as a reader of
    the mailed report finds it beside ``data/``. Any other folder is named whole.

    Raises:
        ValueError: a name that is not a plain file name.
    """
    _check_name(name)
    folder = Path(folder)
    path = write_csv(frame, folder / f"{name}.csv")
    if folder.parent.parts[-2:] == tuple(VIEWS_DIR.split("/")):
        return f"{VIEWS_DIR}/{folder.name}/{name}.csv"
    return str(path)


def show(
    frame: pd.DataFrame,
    n: int = MAX_ROWS,
    *,
    table: str | None = None,
    name: str | None = None,
    index: bool = True,
    views: str | Path | None = None,
    **how: Any,
) -> pd.DataFrame | Bounded:
    """A table for a report, with at most ``n`` rows: the frame itself when it fits, else a captioned cut.

    On a small corpus the table is shown whole, exactly as ``frame`` (no caption).
    Above ``n`` rows, :func:`choose` picks the rows and the caption says which
    and where the full table is: ``data/<table>.csv`` for one of the run's tables
    (``table``: a name of :data:`presslens.pipeline.TABLES`), else the table is
    written by :func:`export_view` as ``data/views/<notebook>/<name>.csv`` when
    the notebook is given a ``views`` folder (``run_context().views_dir``, under
    ``presslens run``), or named as the notebook variable ``name`` otherwise.

    Args:
        frame: the full table (as it would be shown).
        n: most rows shown.
        table: the run's table this one shows (its file is the full table).
        name: a file name for the full derived table (exported only when cut, and only into ``views``).
        index: with ``name``, whether the index is data to keep in the export.
        views: the folder of this notebook's cut views (``None``: nothing is written).
        **how: :func:`choose` options: ``by``, ``ascending``, ``sample``, ``seed``, ``order``, ``what``.

    Returns:
        ``frame`` when it has at most ``n`` rows, else a :class:`Bounded`.
    """
    rows, selection = choose(frame, n, **how)
    if not selection.cut:
        return frame
    full = ""
    if table:
        full = f"data/{table}.csv"
    elif name:
        if views is not None:
            full = export_view(frame.reset_index() if index and _named_index(frame) else frame, name, folder=views)
        else:
            _check_name(name)
            full = f"the notebook's `{name}` (written to {VIEWS_DIR}/ only by presslens run)"
    return Bounded(rows, selection, full=full)


def _check_name(name: str) -> None:
    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", name):
        raise ValueError(f"table name {name!r}: use letters, digits, '_', '-' and '.'")


def _named_index(frame: pd.DataFrame) -> bool:
    return any(level is not None for level in frame.index.names)


__all__ = [
    "MAX_ROWS", "NOTES_DIR", "VIEWS_DIR", "Bounded", "Selection", "choose", "clip", "corpus_notes", "escape",
    "export_view", "listing", "md", "no_usable_document", "relabel", "setup", "show",
]
