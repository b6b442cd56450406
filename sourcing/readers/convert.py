"""Text cells to typed columns, by the schema: one set of rules for every reader.

:func:`check_header` checks a file's header against its :class:`~sourcing.schema.FileSpec`;
:func:`typed` turns the rows (strings) into the spec's columns: numbers parsed and range-checked,
names checked against their choices and ``*``, defaults filled, keys unique. Every problem goes to
the :class:`~sourcing.readers.problems.Collector`, located by row position and column.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from sourcing.errors import suggest
from sourcing.readers.problems import HEADER, Collector
from sourcing.schema import (
    ALL,
    FREE_COLUMNS,
    MAX_MAGNITUDE,
    NUMERIC_KINDS,
    YEAR,
    YEAR_RANGE,
    Column,
    FileSpec,
    expected,
    parse_share,
)


def check_header(problems: Collector, spec: FileSpec, header: list[str]) -> bool:
    """Whether ``header`` names the spec's columns: each once, none unknown, the required ones present."""
    known = [c.name for c in spec.columns] + list(FREE_COLUMNS)
    ok = True
    for i, name in enumerate(header):
        if name in header[:i]:
            problems.at_column(spec, HEADER, i + 1, f"column {name!r} appears twice")
            ok = False
        elif name not in known:
            hint = suggest(name, known) or f"; expected one of {', '.join(known)}"
            problems.at_column(spec, HEADER, i + 1, f"unknown column {name!r}{hint}")
            ok = False
    for col in spec.columns:
        if col.required and col.name not in header:
            problems.add(spec, [HEADER], None, f"missing required column {col.name!r}")
            ok = False
    if spec.one_of and not any(name in header for name in spec.one_of):
        problems.add(spec, [HEADER], None, f"missing column: give at least one of {', '.join(spec.one_of)}")
        ok = False
    return ok


def typed(problems: Collector, spec: FileSpec, raw: pd.DataFrame, *, decimal_comma: bool = False) -> pd.DataFrame:
    """The spec's columns from ``raw`` (strings, columns named by the header; rows that are empty
    in every cell already dropped), then the file's ``source`` and ``note`` columns if it has them,
    index kept so that problems can be located later.

    A share may be written as a percentage (``50%`` is 0.5). With ``decimal_comma`` (a CSV file
    whose columns are separated by semicolons), numbers are written ``0,5``; a number written with
    a point there is read as one only where it cannot be a thousands separator."""
    out = pd.DataFrame(index=raw.index)
    key = list(spec.key) + ([YEAR] if spec.dated else [])
    unread = pd.Index([])  # rows whose key or year cell was refused: never also called duplicates
    for col in spec.columns:
        if col.name not in raw.columns:
            out[col.name] = col.default
            continue
        values = raw[col.name] if col.kind in NUMERIC_KINDS else as_text(raw[col.name])
        if col.kind not in NUMERIC_KINDS:
            _refuse_controls(problems, spec, col.name, values, NAME_CONTROLS if col.kind == "name" else TEXT_CONTROLS)
        empty = values == ""
        if col.kind in NUMERIC_KINDS:
            numbers = _number_texts(problems, spec, col, values, decimal_comma)
            parsed = pd.to_numeric(numbers.where(~empty, None), errors="coerce")
            parsed = parsed.astype(float)
            if col.inherit:  # filled from earlier rows of the key later (sourcing.timeline.inherit)
                pass
            elif col.required:
                problems.add(spec, raw.index[empty], col.name, f"missing value; expected {expected(col)}", "")
            else:
                parsed = parsed.where(~empty, float(col.default))
            ok = np.isfinite(parsed)
            too_big = parsed > 1.0 if col.kind == "share" else parsed >= MAX_MAGNITUDE
            wrong = (~empty & ~ok) | (ok & ((parsed < 0) | too_big))
            if col.kind in ("integer", "year"):
                low, high = YEAR_RANGE if col.kind == "year" else (
                    col.minimum, MAX_MAGNITUDE if col.maximum is None else col.maximum)
                whole = parsed == np.floor(parsed)
                wrong |= ok & (~whole | (parsed < low) | (parsed > high))
            wrong &= numbers.notna()  # NaN: a problem already told (an ambiguous decimal separator)
            for row in raw.index[wrong]:
                text = shown(values[row])
                problems.add(spec, [row], col.name, _out_of_range(col, text, parsed[row]), text)
            if col.name in key:
                unread = unread.union(raw.index[wrong | (~empty & numbers.isna())])
            out[col.name] = parsed
        elif col.kind == "name":
            if col.required:
                problems.add(spec, raw.index[empty], col.name, "missing value; expected a name", "")
            if not col.star:
                star = values == ALL
                msg = f"{ALL!r} is not a name here (it means 'every element' in element columns)"
                problems.add(spec, raw.index[star], col.name, msg, ALL)
            if col.choices:
                bad = ~empty & ~values.isin(col.choices)
                for row in raw.index[bad]:
                    choices = ", ".join(col.choices)
                    problems.add(spec, [row], col.name, f"got {values[row]!r}; expected one of {choices}", values[row])
            out[col.name] = values.where(~empty, col.default) if not col.required else values
        else:
            out[col.name] = values
    for name in FREE_COLUMNS:  # citations and remarks, as written; never read by the model
        if name in raw.columns:
            out[name] = as_text(raw[name])
            _refuse_controls(problems, spec, name, out[name], TEXT_CONTROLS)
    dup = out.duplicated(subset=key, keep=False) if key else pd.Series(False, index=out.index)
    dup &= ~out.index.isin(unread)
    if dup.any():
        first: dict[tuple, int] = {}
        unit = "row" if problems.source.kind == "workbook" else "line"
        for row, values in zip(out.index[dup], out.loc[dup, key].itertuples(index=False)):
            values = tuple(values)
            year = values[len(spec.key)] if spec.dated else np.nan
            values = tuple(-1.0 if isinstance(v, float) and np.isnan(v) else v for v in values)  # NaN == NaN here
            if values in first:
                where = problems.line(spec, first[values])
                text = ", ".join(f"{k}={v!r}" for k, v in zip(spec.key, values))
                if np.isnan(year):
                    problems.add(spec, [row], spec.key[-1], f"duplicate row for {text}; first given on {unit} {where}")
                else:
                    problems.add(spec, [row], YEAR, f"duplicate row for {text} in year {year:.0f}; "
                                 f"first given on {unit} {where}")
            else:
                first[values] = row
    return out


NAME_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
"""Control characters (C0, DEL, C1), refused in a name: one in an origin could drive the terminal
that shows it (an escape sequence), and no name needs one."""
TEXT_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""The control characters refused in free text (a description, a source): all but tab and line breaks."""


def _refuse_controls(problems: Collector, spec: FileSpec, column: str, values: pd.Series, controls: re.Pattern) -> None:
    """A problem for every cell of ``values`` that holds one of ``controls`` (quoted with escapes, so
    that the message itself never carries one to a terminal)."""
    bad = values.map(lambda v: isinstance(v, str) and controls.search(v) is not None)
    for row in values.index[bad.to_numpy(dtype=bool)]:
        text = values[row]
        char = controls.search(text).group()
        problems.add(spec, [row], column, f"{text!r} holds the control character {char!r} (U+{ord(char):04X}); "
                     "remove it", text)


_DECIMAL_COMMA = re.compile(r"[+-]?(?:\d+,?\d*|,\d+)(?:[eE][+-]?\d+)?%?", re.ASCII)
"""A number written with a decimal comma (or none): ``0,5``, ``1250``, ``50%``, ``1,5e3``."""
_GROUPED = re.compile(r"[+-]?[1-9]\d{0,2}(?:\.\d{3})+(?:,\d*)?%?", re.ASCII)
"""A number whose points may group thousands (``1.250``: 1250 where the decimal mark is a comma)."""
EXCEL_SEPARATORS = ("in Excel, File > Options > Advanced: untick 'Use system separators', set the decimal "
                    "separator to '.' and the thousands separator to ',', then save as CSV UTF-8 (comma delimited)")
"""Where a planner sets the separators Excel writes CSV files with."""


def _number_texts(problems: Collector, spec: FileSpec, col: Column, values: pd.Series,
                  decimal_comma: bool) -> pd.Series:
    """The cells of a numeric column as ``pd.to_numeric`` reads them: a share's ``50%`` as 0.5, a
    decimal comma (``decimal_comma``) as a point. A cell whose decimal separator is ambiguous is
    reported here and becomes NaN (not reported again)."""
    if pd.api.types.infer_dtype(values, skipna=False) != "string":
        if not decimal_comma and col.kind != "share":
            return values
        texts = values.map(lambda v: v if isinstance(v, str) else None)
    else:
        texts = values
    written = texts.dropna()
    if not decimal_comma and not (col.kind == "share" and written.str.endswith("%").any()):
        return values
    out = values.astype(object)
    commas = decimal_comma and written.str.contains(",", regex=False).any()
    for row, text in written.items():
        cell = text.strip()
        if decimal_comma:
            if _GROUPED.fullmatch(cell) or (commas and "." in cell and not _DECIMAL_COMMA.fullmatch(cell)):
                problems.add(spec, [row], col.name, f"got {text!r}: this file separates columns with semicolons "
                             "and writes decimal commas, so a point may group thousands (1.250 for 1250) or be a "
                             f"decimal point; write the number without thousands separators, or {EXCEL_SEPARATORS}",
                             text)
                out[row] = None
                continue
            if _DECIMAL_COMMA.fullmatch(cell):
                cell = cell.replace(",", ".")
        if col.kind == "share" and cell.endswith("%"):
            share = parse_share(cell)
            cell = share if share is not None else cell
        out[row] = cell
    return out


def shown(value) -> str:
    """A cell as it reads: text as written, a number without a spurious ``.0``."""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value)) if isinstance(value, float) else str(value)  # 1e+308, not np.float64(1e+308)


def as_text(values: pd.Series) -> pd.Series:
    """``values`` as text (a workbook's name column may hold numbers: 2020 is the name '2020')."""
    if pd.api.types.infer_dtype(values, skipna=False) == "string":
        return values
    return values.map(lambda v: "" if v is None else shown(v))


def _out_of_range(col: Column, text: str, value: float) -> str:
    """What is wrong with a number cell holding ``text`` (parsed as ``value``, NaN if not a number)."""
    if col.kind == "year" and not np.isfinite(value):
        digits = re.findall(r"(?<!\d)\d{4}(?!\d)", text)
        hint = f" (write {digits[0]})" if len(digits) == 1 else ""
        return f"expected {expected(col)}, got {text!r}{hint}"
    if not np.isfinite(value) or (col.kind in ("integer", "year") and value >= 0):
        return f"expected {expected(col)}, got {text!r}"
    if value < 0:
        return f"must not be negative, got {text!r}; expected {expected(col)}"
    if col.kind == "share":
        hint = f" (for {value:g}% write {value / 100:g} or {value:g}%)" if value <= 100 else ""
        return f"must lie in [0, 1], got {text!r}{hint}; expected {expected(col)}"
    return f"must be below {MAX_MAGNITUDE:g}, got {text!r}"
