"""Dated rows: which row of each input file is in force in a given year.

A row with a ``year`` holds from that year until its key's next dated row; a row without one holds
in every year before its key's first dated row (in every year if the key has none). A key with only
dated rows does not exist before its first one: an offer cannot be contracted, a cap does not bind,
a disruption does not hit, an element has no stockpile. Keys are those of :mod:`sourcing.schema`
(supply: origin, element; demand: element; caps: origin, element, basis, scope; stockpile: element;
disruptions: scenario, origin, element); each is resolved per year first, and only then does an
(origin, element) row override the origin's ``*`` row, as in a folder without dates.

Columns marked ``inherit`` (``stock`` and ``terminal_stock`` of ``stockpile.csv``) may be left
empty: an empty cell takes the value of the latest earlier row of the same key that fills it.
:class:`Timeline` holds every row as read; :meth:`Timeline.frames_in_force` gives the rows of one
year, which :mod:`sourcing.data` assembles into the one-year :class:`~sourcing.data.InputData`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from sourcing.errors import InputError, OptionError, Problem
from sourcing.readers.book import sheet_words
from sourcing.readers.problems import Collector
from sourcing.schema import SPECS, YEAR, FileSpec, expected

CapOverrides = Mapping[str | tuple[str, str], float]


def _rank(frame: pd.DataFrame) -> pd.Series:
    """The order of a key's rows in time: undated first, then by year."""
    return frame[YEAR].fillna(-np.inf)


class _Order:
    """A frame's rows sorted by key, then in time (undated first): what :func:`rows_in_force` needs."""

    def __init__(self, frame: pd.DataFrame, key: list[str]) -> None:
        codes = [pd.factorize(frame[k])[0] for k in key]
        self.rank = _rank(frame).to_numpy(float)
        self.order = np.lexsort((self.rank, *reversed(codes))) if codes else np.argsort(self.rank, kind="stable")
        self.key = np.zeros(len(frame), dtype=np.int64)
        for c in codes:
            self.key = self.key * (int(c.max(initial=0)) + 1) + c

    def latest(self, year: int) -> np.ndarray:
        """Positions of each key's latest row at or before ``year`` (sorted)."""
        pos = self.order[self.rank[self.order] <= year]
        keys = self.key[pos]
        last = np.r_[keys[1:] != keys[:-1], True] if len(pos) else np.zeros(0, dtype=bool)
        return np.sort(pos[last])


def rows_in_force(frame: pd.DataFrame, key: list[str], year: int, order: _Order | None = None) -> pd.DataFrame:
    """The rows of ``frame`` in force in ``year`` (per ``key``: its latest dated row at or before
    ``year``, else its undated row), in the frame's order."""
    if not frame[YEAR].notna().any():
        return frame
    return frame.iloc[(order or _Order(frame, key)).latest(year)]


def inherit(problems: Collector, frames: dict[str, pd.DataFrame | None]) -> None:
    """Fill the empty cells of ``inherit`` columns from the key's earlier rows, in place; a required
    column whose key's first row leaves it empty is a problem at that row."""
    for name, spec in SPECS.items():
        frame = frames.get(name)
        columns = [c for c in spec.columns if c.inherit]
        if frame is None or not columns or not len(frame):
            continue
        order = frame.assign(_rank=_rank(frame)).sort_values([*spec.key, "_rank"], kind="stable")
        dated = bool(frame[YEAR].notna().any())
        for col in columns:
            filled = order.groupby(list(spec.key), sort=False)[col.name].ffill()
            missing = filled.isna() & ~filled.index.isin(list(problems.rows_with_problems(spec)))  # said already
            if col.required:
                hint = (f" (an empty {col.name} takes the value of the {spec.key[-1]}'s earlier row, and this row "
                        "has none before it)") if dated else ""
                problems.add(spec, filled.index[missing], col.name, f"missing value; expected {expected(col)}{hint}")
            frames[name][col.name] = filled.fillna(float(col.default) if col.default is not None else np.nan)


@dataclass(frozen=True)
class Timeline:
    """Every row of an input folder as read (dated or not, plan-only columns included).

    Attributes:
        frames: the typed frame of every file present, by key of :data:`~sourcing.schema.SPECS`
            (``investments`` included); absent files are missing. Treat as read-only.
        headers: the header of every file present.
        demand_lines: the line of each row of ``demand.csv`` (by row label), to locate a year
            without demand.
        folder: where the files came from (a folder, or a workbook).
        places: (file, sheet) a problem of each input file names.
        cap_overrides: the ``--cap`` overrides applied so far, in order (applied in every year).
    """

    frames: dict[str, pd.DataFrame]
    headers: dict[str, tuple[str, ...]]
    demand_lines: dict[int, int]
    folder: Path | None = None
    cap_overrides: tuple[dict, ...] = field(default=())
    places: dict[str, tuple[str, str | None]] = field(default_factory=dict, compare=False, repr=False)
    _memo: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def read(cls, problems: Collector, frames: dict[str, pd.DataFrame | None]) -> Timeline:
        """The timeline of frames typed (and inherited) by the readers of ``problems``."""
        present = {k: f for k, f in frames.items() if f is not None}
        headers = {k: tuple(problems.header(SPECS[k])) for k in present}
        demand = present.get("demand")
        lines = {int(r): problems.line(SPECS["demand"], int(r)) for r in demand.index} if demand is not None else {}
        places = {k: problems.source.place(SPECS[k]) for k in SPECS}
        return cls(present, headers, lines, problems.folder, places=places)

    @property
    def years(self) -> tuple[int, ...]:
        """Every year named in a ``year`` column, sorted (``first_year`` of investments.csv does not count)."""
        named: set[int] = set()
        for name, frame in self.frames.items():
            if SPECS[name].dated:
                named.update(int(y) for y in frame[YEAR].dropna().unique())
        return tuple(sorted(named))

    @property
    def dated(self) -> bool:
        """Whether any row carries a year."""
        return bool(self.years)

    def default_horizon(self) -> tuple[int, int] | None:
        """From the smallest to the largest year named; None if no row carries a year."""
        years = self.years
        return (years[0], years[-1]) if years else None

    def in_force(self, name: str, year: int) -> pd.DataFrame | None:
        """The rows of file ``name`` in force in ``year`` (None if the file is absent), in file order."""
        frame = self.frames.get(name)
        spec = SPECS[name]
        if frame is None or not spec.dated or not frame[YEAR].notna().any():
            return frame
        if (name, year) not in self._memo:
            if name not in self._memo:
                self._memo[name] = _Order(frame, list(spec.key))
            self._memo[name, year] = rows_in_force(frame, list(spec.key), year, self._memo[name])
        return self._memo[name, year]

    def frames_in_force(self, year: int | None) -> dict[str, pd.DataFrame | None]:
        """Every file's rows in force in ``year`` (every row if ``year`` is None: an undated folder),
        by key of :data:`~sourcing.schema.SPECS`, None for absent files."""
        if year is None:
            return {name: self.frames.get(name) for name in SPECS}
        return {name: self.in_force(name, year) for name in SPECS}

    def missing_demand(self, year: int) -> list[tuple[str, int, int]]:
        """Elements of demand.csv with no row in force in ``year``: (element, first year, row label)."""
        if "first_demand" not in self._memo:  # elements whose every row is dated: their first row
            demand = self.frames["demand"]
            dated_only = demand.groupby("element")[YEAR].apply(lambda s: s.notna().all())
            firsts = []
            for element in dated_only.index[dated_only.to_numpy()]:
                rows = demand[demand["element"] == element]
                firsts.append((element, int(rows[YEAR].min()), int(rows[YEAR].idxmin())))
            self._memo["first_demand"] = firsts
        return sorted(f for f in self._memo["first_demand"] if f[1] > year)

    def words(self, message: str) -> str:
        """``message``, which names input files (``supply.csv``), in the words of the source the
        rows came from: ``sheet supply`` where that is a workbook."""
        return sheet_words(message) if any(sheet is not None for _, sheet in self.places.values()) else message

    def check_year(self, year: int, option: str | None, horizon: str = "") -> None:
        """Raise unless every element of demand.csv has a row in force in ``year``.

        ``option``: the option that asked for the year (``--year 2026``, ``--years 2026:2035``): an
        :class:`~sourcing.errors.OptionError` (exit 2) naming it; None: the year came from the data
        (``horizon`` says how), an :class:`~sourcing.errors.InputError` (exit 3) at the element's
        first row of demand.csv.
        """
        missing = self.missing_demand(year)
        if not missing:
            return
        if option is not None:
            element, first, _ = missing[0]
            more = f" (and {len(missing) - 1} more elements)" if len(missing) > 1 else ""
            raise OptionError(self.words(f"{option}: element {element!r} has no row of demand.csv in force in {year} "
                                         f"(its first row holds from {first}){more}; choose years from {first} "
                                         "on, or give the element a row for that year"))
        spec: FileSpec = SPECS["demand"]
        header = list(self.headers.get("demand", ()))
        column = header.index(YEAR) + 1 if YEAR in header else 1
        where, sheet = self.places.get("demand", (str((self.folder or Path(".")) / spec.name), None))
        raise InputError([
            Problem(where, self.demand_lines.get(row, 1), column,
                    f"element {element!r} has no row in force in {year}{horizon}: its first row holds from {first}; "
                    "give it an undated row or one dated from that year", sheet=sheet)
            for element, first, row in missing
        ])

    def plan_only_inputs(self) -> list[str]:
        """What ``sourcing solve`` ignores in this folder: ``file: column, ...`` for plan-only
        columns present in a header, and whole plan-only files."""
        out = []
        for name, spec in SPECS.items():
            if name not in self.frames:
                continue
            if spec.plan_only:
                out.append(f"{spec.name} ({len(self.frames[name])} rows)")
                continue
            given = [c.name for c in spec.columns if c.plan_only and c.name in self.headers.get(name, ())]
            if given:
                out.append(f"{spec.name}: {', '.join(given)}")
        return out

    def with_cap_overrides(self, overrides: CapOverrides) -> Timeline:
        """The timeline with one more set of ``--cap`` overrides (applied after those already given)."""
        return replace(self, cap_overrides=(*self.cap_overrides, dict(overrides)), _memo=self._memo)

    @property
    def origins(self) -> set[str]:
        """Every origin of supply.csv, in any year."""
        return set(self.frames["supply"]["origin"])
