"""Text cells to typed columns, by the schema: one set of rules for every reader.

:func:`check_header` checks a file's header against its :class:`~sourcing.schema.FileSpec`;
:func:`typed` turns the rows (strings) into the spec's columns: numbers parsed and range-checked,
names checked against their choices and ``*``, defaults filled, keys unique. Every problem goes to
the :class:`~sourcing.readers.problems.Collector`, located by row position and column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sourcing.errors import suggest
from sourcing.readers.problems import HEADER, Collector
from sourcing.schema import ALL, FREE_COLUMNS, MAX_MAGNITUDE, NUMERIC_KINDS, YEAR, YEAR_RANGE, FileSpec, expected


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


def typed(problems: Collector, spec: FileSpec, raw: pd.DataFrame) -> pd.DataFrame:
    """The spec's columns from ``raw`` (strings, columns named by the header; rows that are empty
    in every cell already dropped), index kept so that problems can be located later."""
    out = pd.DataFrame(index=raw.index)
    for col in spec.columns:
        if col.name not in raw.columns:
            out[col.name] = col.default
            continue
        values = raw[col.name]
        empty = values == ""
        if col.kind in NUMERIC_KINDS:
            parsed = pd.to_numeric(values.where(~empty, None), errors="coerce")
            parsed = parsed.astype(float)
            if col.inherit:  # filled from earlier rows of the key later (sourcing.timeline.inherit)
                pass
            elif col.required:
                problems.add(spec, raw.index[empty], col.name, f"missing value; expected {expected(col)}")
            else:
                parsed = parsed.where(~empty, float(col.default))
            bad = ~empty & ~np.isfinite(parsed)
            for row in raw.index[bad]:
                problems.add(spec, [row], col.name, f"expected {expected(col)}, got {values[row]!r}")
            ok = np.isfinite(parsed)
            neg = ok & (parsed < 0)
            problems.add(spec, raw.index[neg], col.name, f"must not be negative; expected {expected(col)}")
            if col.kind == "share":
                big = ok & (parsed > 1)
                problems.add(spec, raw.index[big], col.name, f"must lie in [0, 1]; expected {expected(col)}")
            elif col.kind in ("integer", "year"):
                low, high = YEAR_RANGE if col.kind == "year" else (col.minimum, MAX_MAGNITUDE)
                whole = ok & (parsed == np.floor(parsed))
                outside = (parsed < low) | (parsed > high) | (parsed >= MAX_MAGNITUDE)
                wrong = (ok & ~whole) | (whole & ~neg & outside)
                for row in raw.index[wrong]:
                    problems.add(spec, [row], col.name, f"expected {expected(col)}, got {values[row]!r}")
            else:
                big = ok & (parsed >= MAX_MAGNITUDE)
                problems.add(spec, raw.index[big], col.name, f"must be below {MAX_MAGNITUDE:g}")
            out[col.name] = parsed
        elif col.kind == "name":
            if col.required:
                problems.add(spec, raw.index[empty], col.name, "missing value; expected a name")
            if not col.star:
                star = values == ALL
                msg = f"{ALL!r} is not a name here (it means 'every element' in element columns)"
                problems.add(spec, raw.index[star], col.name, msg)
            if col.choices:
                bad = ~empty & ~values.isin(col.choices)
                for row in raw.index[bad]:
                    choices = ", ".join(col.choices)
                    problems.add(spec, [row], col.name, f"got {values[row]!r}; expected one of {choices}")
            out[col.name] = values.where(~empty, col.default) if not col.required else values
        else:
            out[col.name] = values
    key = list(spec.key) + ([YEAR] if spec.dated else [])
    dup = out.duplicated(subset=key, keep=False)
    if dup.any():
        first: dict[tuple, int] = {}
        for row, values in zip(out.index[dup], out.loc[dup, key].itertuples(index=False)):
            values = tuple(values)
            year = values[len(spec.key)] if spec.dated else np.nan
            values = tuple(-1.0 if isinstance(v, float) and np.isnan(v) else v for v in values)  # NaN == NaN here
            if values in first:
                where = problems.line(spec, first[values])
                text = ", ".join(f"{k}={v!r}" for k, v in zip(spec.key, values))
                if np.isnan(year):
                    problems.add(spec, [row], spec.key[-1], f"duplicate row for {text}; first given on line {where}")
                else:
                    problems.add(spec, [row], YEAR, f"duplicate row for {text} in year {year:.0f}; "
                                 f"first given on line {where}")
            else:
                first[values] = row
    return out
