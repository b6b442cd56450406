"""Load an input folder, validate it once, and return a read-only :class:`InputData`.

Every problem in every file is collected and reported together as ``file:line:column: message``
(1-based; line 1 is the header). Nothing downstream re-checks the data: a model is only ever built
from an :class:`InputData`, and an :class:`InputData` only ever comes out of :func:`load_inputs`.
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from sourcing.errors import InputError, OptionError, Problem

ALL = "*"
"""In an ``element`` column of ``caps.csv`` or ``disruptions.csv``: every element."""
BASELINE = "baseline"
"""The implicit scenario holding the probability ``1 - sum(probability)``; everything arrives."""
MAX_MAGNITUDE = 1e12
"""Numbers must lie below this; HiGHS treats 1e20 as infinite and large spreads hurt accuracy."""
PROBABILITY_TOLERANCE = 1e-9
"""Slack allowed when checking that probabilities sum to at most 1."""
FREE_COLUMNS = ("source", "note")
"""Columns every file may carry for citations and remarks; never read by the model."""


@dataclass(frozen=True)
class Column:
    """One column of an input file: its name, what it holds and whether it must be present."""

    name: str
    kind: str  # "name" | "number" | "share" | "text"
    required: bool = True
    default: float | str | None = None
    star: bool = False  # may hold ALL ("*")
    choices: tuple[str, ...] = ()  # allowed values of a "name" column, when fixed


@dataclass(frozen=True)
class FileSpec:
    """One input file of the contract."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    required: bool

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


SPECS: dict[str, FileSpec] = {
    "supply": FileSpec(
        "supply.csv",
        (
            Column("origin", "name"),
            Column("element", "name"),
            Column("unit_cost", "number"),
            Column("capacity", "number"),
            Column("min_volume", "number", required=False, default=0.0),
        ),
        ("origin", "element"),
        True,
    ),
    "demand": FileSpec(
        "demand.csv",
        (Column("element", "name"), Column("demand", "number"), Column("shortage_cost", "number")),
        ("element",),
        True,
    ),
    "caps": FileSpec(
        "caps.csv",
        (Column("origin", "name"), Column("element", "name", star=True), Column("max_share", "share")),
        ("origin", "element"),
        False,
    ),
    "scenarios": FileSpec(
        "scenarios.csv",
        (
            Column("scenario", "name"),
            Column("probability", "share"),
            Column("description", "text", required=False, default=""),
        ),
        ("scenario",),
        False,
    ),
    "disruptions": FileSpec(
        "disruptions.csv",
        (
            Column("scenario", "name"),
            Column("origin", "name"),
            Column("element", "name", star=True),
            Column("availability", "share"),
        ),
        ("scenario", "origin", "element"),
        False,
    ),
    "stockpile": FileSpec(
        "stockpile.csv",
        (Column("element", "name"), Column("stock", "number")),
        ("element",),
        False,
    ),
}


@dataclass(frozen=True)
class InputData:
    """A validated input folder. Treat every frame as read-only.

    Rows are sorted by name (elements, then origins; scenarios with ``baseline`` first), so the
    model and every output are the same whatever the order of rows in the files.

    Attributes:
        offers: one row per origin x element offer: ``origin``, ``element``, ``unit_cost`` (USD/kg),
            ``capacity`` (t/yr), ``min_volume`` (t/yr).
        elements: one row per element: ``element``, ``demand`` (t/yr), ``shortage_cost`` (USD/kg),
            ``stock`` (t releasable in a disruption year; 0 without ``stockpile.csv``).
        caps: the cap rows as given (``origin``, ``element`` or ``*``, ``max_share``), after any
            override from :meth:`with_caps`.
        scenarios: ``scenario``, ``probability``, ``description``; includes ``baseline`` when the
            given probabilities sum to less than 1.
        disruptions: the availability rows as given (``scenario``, ``origin``, ``element`` or ``*``,
            ``availability``).
        folder: where the data came from, if from a folder.
    """

    offers: pd.DataFrame
    elements: pd.DataFrame
    caps: pd.DataFrame
    scenarios: pd.DataFrame
    disruptions: pd.DataFrame
    folder: Path | None = None

    @property
    def origins(self) -> list[str]:
        """Every origin that offers something, sorted."""
        return sorted(self.offers["origin"].unique())

    def offer_caps(self) -> pd.Series:
        """The effective ``max_share`` of every offer (1 where no cap applies), aligned to ``offers``.

        An (origin, element) row overrides that origin's ``*`` row.
        """
        caps = self.caps
        star = caps[caps["element"] == ALL].set_index("origin")["max_share"]
        exact = caps[caps["element"] != ALL].set_index(["origin", "element"])["max_share"]
        share = self.offers["origin"].map(star)
        keys = pd.MultiIndex.from_frame(self.offers[["origin", "element"]])
        share = pd.Series(exact.reindex(keys).to_numpy(), index=self.offers.index).fillna(share)
        return share.fillna(1.0).rename("max_share")

    def offer_availability(self) -> pd.DataFrame:
        """Availability below 1 per (scenario, offer): ``scenario``, ``offer`` (row of ``offers``),
        ``origin``, ``element``, ``availability``. Offers missing here arrive in full."""
        d = self.disruptions
        offers = self.offers[["origin", "element"]].reset_index(names="offer")
        star = d[d["element"] == ALL].drop(columns="element").merge(offers, on="origin")
        exact = d[d["element"] != ALL].merge(offers, on=["origin", "element"])
        both = pd.concat([exact, star], ignore_index=True)
        both = both.drop_duplicates(subset=["scenario", "offer"], keep="first")
        both = both[both["availability"] < 1.0]
        order = {s: i for i, s in enumerate(self.scenarios["scenario"])}
        both = both.assign(_k=both["scenario"].map(order)).sort_values(["_k", "offer"])
        cols = ["scenario", "offer", "origin", "element", "availability"]
        return both[cols].reset_index(drop=True)

    def with_caps(self, overrides: Mapping[str | tuple[str, str], float]) -> InputData:
        """A copy with caps overridden, as ``sourcing solve --cap`` does.

        A key ``origin`` sets that origin's cap for every element it offers (replacing all of its
        rows); a key ``(origin, element)`` sets that one cap. A share of 1 removes the cap.
        Origin-wide overrides apply first, so ``{"China": 0.5, ("China", "Tb"): 0.9}`` caps China
        at 50% everywhere but Tb.
        """
        caps = self.caps
        elements = set(self.elements["element"])
        origins = set(self.offers["origin"])
        ordered = sorted(overrides.items(), key=lambda kv: isinstance(kv[0], tuple))
        for key, share in ordered:
            origin, element = key if isinstance(key, tuple) else (key, ALL)
            if origin not in origins:
                raise OptionError(f"--cap: unknown origin {origin!r}{_suggest(origin, origins)}")
            if element != ALL and element not in elements:
                raise OptionError(f"--cap: unknown element {element!r}{_suggest(element, elements)}")
            if not (np.isfinite(share) and 0.0 <= share <= 1.0):
                raise OptionError(f"--cap {origin}: the share must lie in [0, 1], got {share}")
            if element == ALL:
                caps = caps[caps["origin"] != origin]
            else:
                caps = caps[~((caps["origin"] == origin) & (caps["element"] == element))]
            row = pd.DataFrame({"origin": [origin], "element": [element], "max_share": [float(share)]})
            caps = pd.concat([caps, row], ignore_index=True)
        caps = caps.sort_values(["origin", "element"], ignore_index=True)
        return replace(self, caps=caps)


def load_inputs(folder: str | Path) -> InputData:
    """Read and validate the contract's CSV files in ``folder``.

    Raises:
        InputError: listing every problem found, each as ``file:line:column: message``.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError([Problem(str(folder), 1, 1, "no such folder; pass --inputs DIR")])
    reader = _Reader(folder)
    frames = {key: reader.read(spec) for key, spec in SPECS.items()}
    if reader.problems:  # cross-file checks only make sense on files that parse
        raise InputError(reader.finish())
    _check_references(reader, frames)
    if reader.problems:
        raise InputError(reader.finish())
    return _assemble(frames, folder)


# --------------------------------------------------------------------------------------------
# reading one file


class _Reader:
    """Reads files against their spec and collects problems, located by row position."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.problems: list[tuple[str, int, int, str]] = []  # file, row (-1: header), col, msg
        self._lines: dict[str, _LineMap] = {}
        self._headers: dict[str, list[str]] = {}

    def path(self, spec: FileSpec) -> Path:
        return self.folder / spec.name

    def add(self, spec: FileSpec, rows: Iterable[int], column: str | None, message: str) -> None:
        header = self._headers.get(spec.name, [])
        col = header.index(column) + 1 if column in header else 1
        for row in rows:
            self.problems.append((spec.name, int(row), col, message))

    def line_of(self, spec: FileSpec, row: int) -> int:
        return self._lines[spec.name].line(row)

    def finish(self) -> list[Problem]:
        order = {spec.name: i for i, spec in enumerate(SPECS.values())}
        out = []
        for name, row, col, msg in self.problems:
            line = 1 if row < 0 else self._lines[name].line(row)
            out.append((order[name], line, col, Problem(str(self.folder / name), line, col, msg)))
        out.sort(key=lambda t: t[:3])
        seen: set[Problem] = set()
        return [p for *_, p in out if not (p in seen or seen.add(p))]

    def read(self, spec: FileSpec) -> pd.DataFrame | None:
        path = self.path(spec)
        if not path.is_file():
            if spec.required:
                self._headers[spec.name] = []
                self.add(spec, [-1], None, f"required file {spec.name} not found in {self.folder}")
            return None
        try:
            raw_bytes = path.read_bytes()
            text = raw_bytes.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            self._headers[spec.name] = []
            self.add(spec, [-1], None, f"not UTF-8 text ({exc.reason} at byte {exc.start}); save as UTF-8 CSV")
            return None
        header_row = next(csv.reader(io.StringIO(text)), [])
        header = [h.strip() for h in header_row]
        self._headers[spec.name] = header
        if not any(header):
            self.add(spec, [-1], None, "no header row; the first line must name the columns")
            return None
        ok = self._check_header(spec, header)
        try:
            raw = pd.read_csv(
                io.StringIO(text),
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                header=0,
            )
        except pd.errors.ParserError as exc:
            self._lines[spec.name] = _LineMap(text, 0)
            self.add(spec, [-1], None, f"not a valid CSV file: {exc}".strip())
            return None
        self._lines[spec.name] = _LineMap(text, len(raw))
        if not ok:
            return None
        raw.columns = header
        raw = raw.apply(lambda s: s.str.strip())
        raw = raw[(raw != "").any(axis=1)]
        return self._typed(spec, raw)

    def _check_header(self, spec: FileSpec, header: list[str]) -> bool:
        known = [c.name for c in spec.columns] + list(FREE_COLUMNS)
        ok = True
        for i, name in enumerate(header):
            if name in header[:i]:
                self.problems.append((spec.name, -1, i + 1, f"column {name!r} appears twice"))
                ok = False
            elif name not in known:
                hint = _suggest(name, known) or f"; expected one of {', '.join(known)}"
                self.problems.append((spec.name, -1, i + 1, f"unknown column {name!r}{hint}"))
                ok = False
        for col in spec.columns:
            if col.required and col.name not in header:
                self.add(spec, [-1], None, f"missing required column {col.name!r}")
                ok = False
        return ok

    def _typed(self, spec: FileSpec, raw: pd.DataFrame) -> pd.DataFrame:
        out = pd.DataFrame(index=raw.index)
        for col in spec.columns:
            if col.name not in raw.columns:
                out[col.name] = col.default
                continue
            values = raw[col.name]
            empty = values == ""
            if col.kind in ("number", "share"):
                parsed = pd.to_numeric(values.where(~empty, None), errors="coerce")
                parsed = parsed.astype(float)
                if col.required:
                    self.add(spec, raw.index[empty], col.name, f"missing value; expected {_expect(col)}")
                else:
                    parsed = parsed.where(~empty, float(col.default))
                bad = ~empty & ~np.isfinite(parsed)
                for row in raw.index[bad]:
                    self.add(spec, [row], col.name, f"expected {_expect(col)}, got {values[row]!r}")
                ok = np.isfinite(parsed)
                neg = ok & (parsed < 0)
                self.add(spec, raw.index[neg], col.name, f"must not be negative; expected {_expect(col)}")
                if col.kind == "share":
                    big = ok & (parsed > 1)
                    self.add(spec, raw.index[big], col.name, f"must lie in [0, 1]; expected {_expect(col)}")
                else:
                    big = ok & (parsed >= MAX_MAGNITUDE)
                    self.add(spec, raw.index[big], col.name, f"must be below {MAX_MAGNITUDE:g}")
                out[col.name] = parsed
            elif col.kind == "name":
                if col.required:
                    self.add(spec, raw.index[empty], col.name, "missing value; expected a name")
                if not col.star:
                    star = values == ALL
                    msg = f"{ALL!r} is not a name here (it means 'every element' in element columns)"
                    self.add(spec, raw.index[star], col.name, msg)
                if col.choices:
                    bad = ~empty & ~values.isin(col.choices)
                    for row in raw.index[bad]:
                        self.add(spec, [row], col.name, f"got {values[row]!r}; expected one of {', '.join(col.choices)}")
                out[col.name] = values.where(~empty, col.default) if not col.required else values
            else:
                out[col.name] = values
        dup = out.duplicated(subset=list(spec.key), keep=False)
        if dup.any():
            first: dict[tuple, int] = {}
            for row, key in zip(out.index[dup], out.loc[dup, list(spec.key)].itertuples(index=False)):
                if key in first:
                    where = self._lines[spec.name].line(first[key])
                    text = ", ".join(f"{k}={v!r}" for k, v in zip(spec.key, key))
                    self.add(spec, [row], spec.key[-1], f"duplicate row for {text}; first given on line {where}")
                else:
                    first[key] = row
        return out


class _LineMap:
    """Maps a data row's position (0-based, as pandas reads it) to its 1-based line in the file."""

    def __init__(self, text: str, nrows: int) -> None:
        newlines = text.count("\n")
        self.simple = newlines in (nrows + 1, nrows) and "\r" not in text.replace("\r\n", "")
        self._starts: list[int] = []
        if not self.simple:
            reader = csv.reader(io.StringIO(text))
            prev = 0
            for _ in reader:
                self._starts.append(prev + 1)
                prev = reader.line_num
            self._starts = self._starts[1:]  # drop the header record

    def line(self, row: int) -> int:
        if self.simple or row >= len(self._starts):
            return row + 2
        return self._starts[row]


def _expect(col: Column) -> str:
    if col.kind == "share":
        return "a number in [0, 1]"
    return f"a finite number >= 0 and below {MAX_MAGNITUDE:g}"


def _suggest(name: str, known: Iterable[str]) -> str:
    match = difflib.get_close_matches(name, list(known), n=1)
    return f"; did you mean {match[0]!r}?" if match else ""


# --------------------------------------------------------------------------------------------
# checks across files


def _check_references(reader: _Reader, frames: dict[str, pd.DataFrame | None]) -> None:
    supply, demand = frames["supply"], frames["demand"]
    elements = set(demand["element"])
    origins = set(supply["origin"])
    scen = frames["scenarios"]
    scenarios = set(scen["scenario"]) if scen is not None else set()

    def must_exist(key: str, column: str, known: set[str], where: str, star: bool = False) -> None:
        frame = frames[key]
        if frame is None:
            return
        values = frame[column]
        bad = ~values.isin(known) & ~((values == ALL) & star)
        for row in frame.index[bad]:
            name = values[row]
            reader.add(SPECS[key], [row], column, f"{column} {name!r} is not defined in {where}{_suggest(name, known)}")

    must_exist("supply", "element", elements, "demand.csv")
    must_exist("caps", "origin", origins, "supply.csv")
    must_exist("caps", "element", elements, "demand.csv", star=True)
    must_exist("disruptions", "origin", origins, "supply.csv")
    must_exist("disruptions", "element", elements, "demand.csv", star=True)
    must_exist("disruptions", "scenario", scenarios, "scenarios.csv")
    must_exist("stockpile", "element", elements, "demand.csv")

    over = supply["min_volume"] > supply["capacity"]
    for row in supply.index[over]:
        reader.add(
            SPECS["supply"], [row], "min_volume",
            f"min_volume {supply.at[row, 'min_volume']:g} t exceeds capacity {supply.at[row, 'capacity']:g} t; "
            "lower the commitment or raise the capacity",
        )
    if scen is not None and len(scen):
        total = scen["probability"].cumsum()
        over_one = total > 1.0 + PROBABILITY_TOLERANCE
        if over_one.any():
            row = scen.index[over_one.to_numpy().argmax()]
            reader.add(
                SPECS["scenarios"], [row], "probability",
                f"probabilities sum to {scen['probability'].sum():.6g} (> 1) by this row; they are per-year "
                "probabilities of disjoint scenarios and must sum to at most 1",
            )
        elif scen["probability"].sum() < 1.0 - PROBABILITY_TOLERANCE:
            named = scen["scenario"] == BASELINE
            reader.add(
                SPECS["scenarios"], scen.index[named], "scenario",
                f"{BASELINE!r} is the implicit scenario holding the remaining probability; rename this "
                "scenario or make the probabilities sum to 1",
            )


def _assemble(frames: dict[str, pd.DataFrame | None], folder: Path | None) -> InputData:
    def frame(key: str) -> pd.DataFrame:
        spec = SPECS[key]
        got = frames[key]
        if got is None:
            got = pd.DataFrame({c.name: pd.Series(dtype=float if c.kind in ("number", "share") else str)
                                for c in spec.columns})
        return got[[c.name for c in spec.columns]]

    offers = frame("supply").sort_values(["element", "origin"], ignore_index=True)
    stock = frame("stockpile").set_index("element")["stock"]
    elements = frame("demand").sort_values("element", ignore_index=True)
    elements["stock"] = elements["element"].map(stock).fillna(0.0).astype(float)
    caps = frame("caps").sort_values(["origin", "element"], ignore_index=True)
    scenarios = frame("scenarios").sort_values("scenario", ignore_index=True)
    remainder = 1.0 - float(scenarios["probability"].sum())
    if remainder > PROBABILITY_TOLERANCE:
        base = pd.DataFrame({"scenario": [BASELINE], "probability": [remainder],
                             "description": ["implicit: no disruption, everything arrives"]})
        scenarios = pd.concat([base, scenarios], ignore_index=True)
    disruptions = frame("disruptions").sort_values(["scenario", "origin", "element"], ignore_index=True)
    return InputData(offers, elements, caps, scenarios, disruptions, folder)
