"""The CSV writer and reader against their previous implementations: the same bytes, the same frames.

:func:`presslens.io.write_csv` joins fields itself instead of handing every row
to pandas' ``to_csv``, and :func:`~presslens.io.spreadsheet_safe`,
:func:`~presslens.io._holds_cr` and :func:`~presslens.io.read_csv` look at
whole columns instead of calling a Python function per cell. The previous
implementations are copied below as the reference (``ref_*``); every file is
compared byte for byte and every frame read back with ``check_exact``, dtypes
included:

* hand-made frames: cells starting with each formula character and with ``'``,
  already marked cells, missing values of every kind, numbers and bools in
  ``object`` columns, ``str``/``string``/categorical/nullable dtypes, column
  names that need marking or quoting, carriage returns (the
  :func:`~presslens.io._csv_quoting_cr` path, also in a late chunk), quotes,
  unicode, empty frames, frames without text;
* random frames (hypothesis);
* the tables of a 10,000-document run when ``/tmp/b10k/out10000/data`` (or
  ``$PRESSLENS_CSV_ORACLE_DATA``) holds them, loaded with the reference
  ``read_csv`` as the pipeline holds them (text as pandas' ``str``, missing as
  NaN, nullable ints) and as all-text frames (``dtype=str``: every negative
  number is then a cell to mark).

One difference is intended: the reference's checks (``column.map(check).any()``)
raised ``TypeError`` where the map keeps the column's dtype: a categorical whose
categories map one-to-one to True/False (one category, say: in ``_holds_cr``
while writing, in ``read_csv`` with ``dtype="category"`` and a marked category)
and an empty ``string`` column (writing a frame of no rows, reading a file of no
rows with ``dtype="string"``). The new code writes and reads those as the
reference would have had its check looked at the cells (the tests compare with
that).
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from presslens import io as pio

# ---------------------------------------------------------------- the reference: presslens.io before the change, verbatim

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"
_MARKED = (*FORMULA_START, TEXT_MARK)


def ref_spreadsheet_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_MARKED):
        return TEXT_MARK + value
    return value


def ref_raw_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(TEXT_MARK):
        return value[1:]
    return value


def ref_is_text(dtype: object) -> bool:
    return pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype) or isinstance(dtype, pd.CategoricalDtype)


def ref_spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    marked = {}
    for position, name in enumerate(frame.columns):
        column = frame.iloc[:, position]
        if not ref_is_text(column.dtype):
            continue
        column = column.astype(object)
        if column.map(lambda v: isinstance(v, str) and v.startswith(_MARKED)).any():
            marked[position] = column.map(ref_spreadsheet_cell)
    names = [ref_spreadsheet_cell(name) for name in frame.columns]
    if not marked and names == list(frame.columns):
        return frame
    frame = frame.copy()
    for position, column in marked.items():
        frame.isetitem(position, column)
    frame.columns = names
    return frame


def ref_write_csv(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    frame = ref_spreadsheet_safe(frame)
    if ref_holds_cr(frame):
        tmp.write_bytes(ref_csv_quoting_cr(frame).encode("utf-8"))
    else:
        frame.to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def ref_holds_cr(frame: pd.DataFrame) -> bool:
    return any(ref_is_text(frame.iloc[:, i].dtype) and frame.iloc[:, i].map(lambda v: isinstance(v, str) and "\r" in v).any()
               for i in range(frame.shape[1]))


def ref_csv_quoting_cr(frame: pd.DataFrame) -> str:
    parts = frame.to_csv(index=False, lineterminator="\r\n").split('"')
    parts[0::2] = [part.replace("\r\n", "\n") for part in parts[0::2]]
    return '"'.join(parts)


def ref_read_csv(path, **options: object) -> pd.DataFrame:
    frame = pd.read_csv(path, **options)
    frame.columns = [ref_raw_cell(name) for name in frame.columns]
    for position in range(frame.shape[1]):
        column = frame.iloc[:, position]
        if ref_is_text(column.dtype) and column.map(lambda v: isinstance(v, str) and v.startswith(TEXT_MARK)).any():
            frame.isetitem(position, column.map(ref_raw_cell))
    if pd.api.types.is_object_dtype(frame.index.dtype):
        frame.index = frame.index.map(ref_raw_cell)
    return frame


# ---------------------------------------------------------------- helpers


def ref_read_csv_checking_cells(path, **options: object) -> pd.DataFrame:
    """``ref_read_csv`` with its check on the cells (``astype(object)``), as it meant to (see the module docstring)."""
    frame = pd.read_csv(path, **options)
    frame.columns = [ref_raw_cell(name) for name in frame.columns]
    for position in range(frame.shape[1]):
        column = frame.iloc[:, position]
        if ref_is_text(column.dtype) and column.astype(object).map(lambda v: isinstance(v, str) and v.startswith(TEXT_MARK)).any():
            frame.isetitem(position, column.map(ref_raw_cell))
    if pd.api.types.is_object_dtype(frame.index.dtype):
        frame.index = frame.index.map(ref_raw_cell)
    return frame


def _cells_hold_cr(frame: pd.DataFrame) -> bool:
    """``ref_holds_cr`` looking at cells (``astype(object)``), as it meant to: it raised on some categoricals and empty ``string`` columns."""
    return any(ref_is_text(frame.iloc[:, i].dtype)
               and frame.iloc[:, i].astype(object).map(lambda v: isinstance(v, str) and "\r" in v).any()
               for i in range(frame.shape[1]))


def reference_bytes(frame: pd.DataFrame, folder: Path) -> bytes:
    """What the reference writes for ``frame``; where its ``_holds_cr`` raised, what it would have written."""
    try:
        return ref_write_csv(frame, folder / "ref.csv").read_bytes()
    except TypeError:
        assert any(isinstance(d, (pd.CategoricalDtype, pd.StringDtype)) for d in frame.dtypes), \
            "the reference raised on a frame without a categorical or string column"
        safe = ref_spreadsheet_safe(frame)
        if _cells_hold_cr(safe):
            return ref_csv_quoting_cr(safe).encode("utf-8")
        return safe.to_csv(index=False, lineterminator="\n").encode("utf-8")


def assert_same_output(frame: pd.DataFrame, folder: Path) -> bytes:
    """New and reference ``write_csv`` write the same bytes; ``spreadsheet_safe`` and ``_holds_cr`` agree too."""
    before = frame.copy(deep=True)
    expected = reference_bytes(frame, folder)
    written = pio.write_csv(frame, folder / "new.csv").read_bytes()
    assert written == expected, _first_difference(written, expected)
    pd.testing.assert_frame_equal(frame, before, check_exact=True)  # the caller's frame is never changed
    ref_safe, new_safe = ref_spreadsheet_safe(frame), pio.spreadsheet_safe(frame)
    assert (new_safe is frame) == (ref_safe is frame)
    assert_same_frame(new_safe, ref_safe)
    assert pio._holds_cr(new_safe) == _cells_hold_cr(ref_safe)
    return written


def assert_same_frame(new: pd.DataFrame, ref: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(new, ref, check_exact=True)
    assert [str(d) for d in new.dtypes] == [str(d) for d in ref.dtypes]
    assert list(new.columns) == list(ref.columns)


def _first_difference(a: bytes, b: bytes) -> str:
    at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return f"first difference at byte {at}: new {a[max(at - 40, 0):at + 40]!r} vs reference {b[max(at - 40, 0):at + 40]!r}"


def assert_same_read(path: Path, **options: object) -> pd.DataFrame:
    """New and reference ``read_csv`` give the same frame (where the reference raised, what it meant to give)."""
    try:
        new = pio.read_csv(path, **options)
    except (pd.errors.ParserError, ValueError) as exc:  # pandas cannot read the file (a bare \r in a column name)
        with pytest.raises(type(exc)):
            ref_read_csv(path, **options)
        return None
    try:
        ref = ref_read_csv(path, **options)
    except TypeError:
        assert options.get("dtype") in ("category", "string"), "the reference raised on a column that is not categorical or string"
        ref = ref_read_csv_checking_cells(path, **options)
    assert_same_frame(new, ref)
    pd.testing.assert_index_equal(new.index, ref.index, exact=True)
    return new


# ---------------------------------------------------------------- hand-made frames

TEXT = [
    "=1+1", "+1", "-1", "@SUM(A1)", "\tTAB", "\rCR", "'quoted",  # each marker
    "''twice", "'=already marked", "''", "'",  # already marked
    "plain", "", "-", "a=b", " =space first", "x\ry", "x\r\ny", 'say "hi"', '"', 'a,"b",c', "a,b", "line\nbreak",
    "Tehran’s “Winner”", "😀 emoji", "é", "\u2028sep", "\x00nul", "ends with \r",
]
NO_CR = [t for t in TEXT if "\r" not in t]


def hand_made_frames() -> dict[str, pd.DataFrame]:
    n = len(TEXT)
    ints = np.arange(-5, n - 5)
    frames = {
        "str": pd.DataFrame({"text": TEXT, "n": ints}),
        "str without cr": pd.DataFrame({"text": NO_CR, "n": ints[: len(NO_CR)]}),
        "object": pd.DataFrame({"text": pd.Series(TEXT, dtype=object), "n": ints}),
        "string (pd.NA)": pd.DataFrame({"text": pd.Series(TEXT, dtype="string"), "n": ints}),
        "categorical": pd.DataFrame({"text": pd.Categorical(TEXT), "n": ints}),
        "categorical without cr": pd.DataFrame({"text": pd.Categorical(NO_CR), "n": ints[: len(NO_CR)]}),
        "missing values": pd.DataFrame({
            "obj": pd.Series([None, np.nan, pd.NA, pd.NaT, "=x", "y", ""], dtype=object),
            "str": pd.Series([None, np.nan, "=x", "y", "", "'", "-"]),
            "string": pd.Series([None, pd.NA, "=x", "y", "", "'", "-"], dtype="string"),
            "cat": pd.Categorical([None, "=x", "y", None, "y", "=x", "z"]),
        }),
        "missing only": pd.DataFrame({"str": pd.Series([np.nan, np.nan], dtype="str"), "obj": pd.Series([None, None], dtype=object),
                                      "f": [np.nan, np.nan]}),
        "numbers in object columns": pd.DataFrame({
            "mixed": pd.Series([1, -2.5, True, "=x", None, np.float64(0.1), np.int64(-3), "-y", b"=bytes", 1e16], dtype=object),
            "numbers only": pd.Series([1, -2.5, True, None, np.nan, 3, 4, 5, -6, 7.25], dtype=object),
            "text": ["a", "b,c", '"', "", "x", "y", "z", "=", "+", "\n"],
        }),
        "numbers": pd.DataFrame({
            "int": [-1, 0, 2**62, -(2**63), 5],
            "uint8": np.array([0, 255, 1, 2, 3], dtype=np.uint8),
            "float": [-0.42, np.nan, np.inf, -np.inf, -0.0],
            "float small/large": [1e-7, 1e16, 123456789.123, 0.1 + 0.2, 5e-324],
            "float32": np.array([0.1, -1.5, np.nan, 3.4e38, 1e-45], dtype=np.float32),
            "bool": [True, False, True, True, False],
            "Int64": pd.array([1, None, -3, 4, None], dtype="Int64"),
            "UInt8": pd.array([None, 1, 2, 3, 255], dtype="UInt8"),
        }),
        "no text columns": pd.DataFrame({"a": [1, 2, 3], "b": [-1.5, 2.0, np.nan], "c": [True, False, True]}),
        "names needing marks": pd.DataFrame([[1, 2, 3, 4, 5, 6, 7, 8]], columns=[
            "=label", "-minus", "+plus", "@at", "\ttab", "'quote", "a,b", 'say "x"']),
        "name with newline and cr": pd.DataFrame([["a", "b", "c"]], columns=["line\nname", "cr\rname", "\rcr first"]),
        "name only with cr": pd.DataFrame([["a", "b"]], columns=["x\ry", "z"]),
        "non-text names": pd.DataFrame({0: ["=a", "b"], 1: [1, 2]}),
        "duplicate names": pd.DataFrame([["=a", "b", 1]], columns=["x", "x", "y"]),
        "one column": pd.DataFrame({"only": ["", "=x", np.nan, "a,b"]}),
        "one column, no text": pd.DataFrame({"only": [1, 2]}),
        "empty": pd.DataFrame(),
        "no rows": pd.DataFrame({"text": pd.Series([], dtype="str"), "n": pd.Series([], dtype="int64"),
                                 "f": pd.Series([], dtype="float64"), "obj": pd.Series([], dtype=object)}),
        "no rows, marked names": pd.DataFrame(columns=["=a", "b"]),
        "dates (left to pandas)": pd.DataFrame({"when": pd.to_datetime(["2019-11-18", None]), "text": ["=a", "b"]}),
        "tz dates in object": pd.DataFrame({"when": pd.Series([pd.Timestamp("2019-11-18", tz="UTC"), "x"], dtype=object), "t": ["-", "+"]}),
        "boolean and Float64 (left to pandas)": pd.DataFrame({"b": pd.array([True, None], dtype="boolean"),
                                                              "f": pd.array([0.5, None], dtype="Float64"), "t": ["=", "x"]}),
        "index is not written": pd.DataFrame({"text": ["=a", "b"], "n": [1, 2]}, index=["=i", "'j"]),
        "categorical, one category (reference raised)": pd.DataFrame({"kind": pd.Categorical(["a", "a"]), "n": [1, 2]}),
        "categorical, one marked category": pd.DataFrame({"kind": pd.Categorical(["=cat"] * 3), "n": [1, 2, 3]}),
        "categorical, unused categories": pd.DataFrame({
            "kind": pd.Categorical(["b", "b", None], categories=["=a", "b", "c\rd"]), "n": [1, 2, 3]}),
        "categorical, cr category used": pd.DataFrame({"kind": pd.Categorical(["b", "c\rd", "e"]), "n": [1, 2, 3]}),
        "categorical of numbers": pd.DataFrame({"kind": pd.Categorical([1.5, -2.0, np.nan]), "k": pd.Categorical([1, 2, 1])}),
        "categorical of periods and intervals": pd.DataFrame({"p": pd.Categorical(pd.period_range("2019-01", periods=2, freq="M")),
                                                              "i": pd.Categorical(pd.interval_range(0, 2)), "t": ["-", "x"]}),
        "categorical of dates (left to pandas)": pd.DataFrame({"d": pd.Categorical(pd.to_datetime(["2019-01-01", "2019-01-02"])),
                                                               "t": ["=", "x"]}),
    }
    # more rows than one chunk of the writer, a carriage return only in the last chunk: the writer gives up mid-file
    rows = 2 * pio._ROWS_PER_CHUNK + 7
    cycle = ["plain", "=x", "a,b", 'q"', "-1", "'m", "ünï", "line\nx"]
    late = [cycle[i % len(cycle)] for i in range(rows)]
    frames["several chunks"] = pd.DataFrame({"text": late, "n": np.arange(rows), "f": np.linspace(-1, 1, rows)})
    frames["several chunks, late cr"] = pd.DataFrame({"text": late[:-1] + ["late\rcr"], "n": np.arange(rows)})
    return frames


HAND_MADE = hand_made_frames()


@pytest.mark.parametrize("name", list(HAND_MADE))
def test_hand_made_frames_are_written_as_before(name, tmp_path):
    frame = HAND_MADE[name]
    written = assert_same_output(frame, tmp_path)
    for options in ({}, {"keep_default_na": False}, {"dtype": str, "keep_default_na": False}, {"dtype": object},
                    {"dtype": "string"}, {"dtype": "category"}):
        if frame.shape[1] == 0:
            continue  # pandas cannot read a file of no columns back
        assert_same_read(tmp_path / "new.csv", **options)
    if name == "index is not written":
        assert b"=i" not in written
    if frame.shape[1] >= 2:
        assert_same_read(tmp_path / "new.csv", index_col=0)


def test_where_the_reference_raised_the_new_code_writes_and_reads(tmp_path):
    frame = HAND_MADE["categorical, one category (reference raised)"]
    with pytest.raises(TypeError):
        ref_write_csv(frame, tmp_path / "ref.csv")
    assert pio.write_csv(frame, tmp_path / "new.csv").read_text(encoding="utf-8") == "kind,n\na,1\na,2\n"
    marked = tmp_path / "marked.csv"
    pio.write_csv(HAND_MADE["categorical, one marked category"], marked)
    with pytest.raises(TypeError):
        ref_read_csv(marked, dtype="category")
    assert pio.read_csv(marked, dtype="category")["kind"].tolist() == ["=cat"] * 3
    empty = pd.DataFrame({"text": pd.Series([], dtype="string"), "n": pd.Series([], dtype="int64")})
    with pytest.raises(TypeError):
        ref_write_csv(empty, tmp_path / "ref.csv")
    assert pio.write_csv(empty, tmp_path / "empty.csv").read_text(encoding="utf-8") == "text,n\n"
    with pytest.raises(TypeError):
        ref_read_csv(tmp_path / "empty.csv", dtype="string")
    assert pio.read_csv(tmp_path / "empty.csv", dtype="string").shape == (0, 2)


def test_the_fast_writer_writes_the_common_tables_and_gives_up_on_what_it_does_not_know(tmp_path):
    """The hand-made frames reach both paths: joined by :func:`presslens.io._write_rows`, or left to pandas."""
    assert pio._write_rows(pio.spreadsheet_safe(HAND_MADE["str without cr"]), tmp_path / "a.csv")
    assert pio._write_rows(pio.spreadsheet_safe(HAND_MADE["numbers"]), tmp_path / "b.csv")
    assert pio._write_rows(HAND_MADE["several chunks"], tmp_path / "c.csv")
    for name in ("str", "several chunks, late cr", "dates (left to pandas)", "one column", "non-text names", "empty",
                 "boolean and Float64 (left to pandas)", "categorical of dates (left to pandas)"):
        assert not pio._write_rows(pio.spreadsheet_safe(HAND_MADE[name]), tmp_path / "d.csv"), name


# ---------------------------------------------------------------- random frames

ALPHABET = st.sampled_from([*_MARKED, ",", '"', "\n", "\r", " ", "a", "b", "’", "é", "😀", "\u00a0", "1", ".", "\x00"])
cells = st.one_of(st.none(), st.just(np.nan), st.text(ALPHABET, max_size=6))
ROWS = st.integers(min_value=0, max_value=12)


@st.composite
def random_frames(draw) -> pd.DataFrame:
    n = draw(ROWS)
    columns = {}
    for k in range(draw(st.integers(min_value=1, max_value=4))):
        kind = draw(st.sampled_from(["str", "object", "string", "category", "int", "float", "bool", "Int64", "mixed"]))
        if kind in ("str", "object", "string", "category"):
            values = draw(st.lists(cells, min_size=n, max_size=n))
            column = pd.Categorical(values) if kind == "category" else pd.Series(values, dtype=kind)
        elif kind == "int":
            column = draw(st.lists(st.integers(-(2**63), 2**63 - 1), min_size=n, max_size=n))
            column = pd.Series(column, dtype="int64")
        elif kind == "float":
            column = pd.Series(draw(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=n, max_size=n)), dtype="float64")
        elif kind == "bool":
            column = pd.Series(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
        elif kind == "Int64":
            column = pd.array(draw(st.lists(st.one_of(st.none(), st.integers(-1000, 1000)), min_size=n, max_size=n)), dtype="Int64")
        else:
            values = draw(st.lists(st.one_of(cells, st.integers(-5, 5), st.floats(-2, 2), st.booleans()), min_size=n, max_size=n))
            column = pd.Series(values, dtype=object)
        name = draw(st.one_of(st.text(ALPHABET, min_size=1, max_size=4), st.just(f"c{k}")))
        columns[name if name not in columns else f"{name}{k}"] = column
    return pd.DataFrame(columns)


@settings(max_examples=int(os.environ.get("PRESSLENS_FUZZ_EXAMPLES", "150")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(frame=random_frames())
def test_random_frames_are_written_and_read_as_before(frame, tmp_path):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pio, "_ROWS_PER_CHUNK", 5)  # a frame of up to 12 rows is written in up to 3 chunks
        assert_same_output(frame, tmp_path)
    if frame.shape[1]:
        assert_same_read(tmp_path / "new.csv")
        assert_same_read(tmp_path / "new.csv", keep_default_na=False, dtype=str)


# ---------------------------------------------------------------- the tables of a 10,000-document run

REAL = Path(os.environ.get("PRESSLENS_CSV_ORACLE_DATA", "/tmp/b10k/out10000/data"))
REAL_TABLES = sorted(REAL.glob("*.csv")) if REAL.is_dir() else []
INTEGERS = re.compile(r"(-?\d+)?")


def as_the_pipeline_holds(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The table read back (reference ``read_csv``) as the pipeline held it, and as all text.

    The pipeline keeps its frames (and pickles them for the notebooks); it
    never reads a CSV back. Read with ``na_values=[""]`` only, text is pandas'
    ``str`` with NaN for missing, as the pipeline's; a float column whose cells
    are all integers or empty was a nullable ``Int64``.
    """
    text = ref_read_csv(path, keep_default_na=False, dtype=str)
    typed = ref_read_csv(path, keep_default_na=False, na_values=[""])
    for position in range(typed.shape[1]):
        column = typed.iloc[:, position]
        if column.dtype == "float64" and column.isna().any() and column.notna().any() \
                and text.iloc[:, position].map(lambda v: bool(INTEGERS.fullmatch(v))).all():
            typed.isetitem(position, column.astype("Int64"))
    return typed, text


@pytest.mark.slow
@pytest.mark.skipif(not REAL_TABLES, reason=f"no tables of a 10,000-document run in {REAL}")
@pytest.mark.parametrize("path", REAL_TABLES, ids=[p.stem for p in REAL_TABLES])
def test_the_tables_of_a_large_run_are_written_and_read_as_before(path, tmp_path):
    typed, text = as_the_pipeline_holds(path)
    assert ref_write_csv(typed, tmp_path / "again.csv").read_bytes() == path.read_bytes(), "the frames are not the pipeline's"
    assert pio.write_csv(typed, tmp_path / "new.csv").read_bytes() == path.read_bytes()
    del typed
    assert_same_output(text, tmp_path)
    del text
    for options in ({"keep_default_na": False, "na_values": [""]}, {"keep_default_na": False, "dtype": str}, {}):
        assert_same_read(path, **options)


def test_read_csv_reads_a_buffer_as_before():
    text = "=a,b\n'x,1\n''y,-2\n'=z,3\n"
    pd.testing.assert_frame_equal(pio.read_csv(io.StringIO(text)), ref_read_csv(io.StringIO(text)), check_exact=True)
