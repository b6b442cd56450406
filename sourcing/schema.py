"""Every input file, declared once: its columns, their kinds, units, defaults and rules, and its key.

The readers (:mod:`sourcing.readers`), ``sourcing check`` and the documentation of the inputs all
come from these declarations; nothing else names a column's type or range. The words here are the
project's vocabulary: the same names are the CSV headers, the fields of :class:`sourcing.data.InputData`'s
frames, the Pyomo components and the result columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

ALL = "*"
"""In an ``element`` column of ``caps.csv`` or ``disruptions.csv``: every element."""
BASELINE = "baseline"
"""The implicit scenario holding the probability ``1 - sum(probability)``; everything arrives."""
MAX_MAGNITUDE = 1e12
"""Numbers must lie below this; HiGHS treats 1e20 as infinite and large spreads hurt accuracy."""
PROBABILITY_TOLERANCE = 1e-9
"""Slack allowed when checking that probabilities sum to at most 1."""
FRACTION_TOLERANCE = 1e-9
"""Slack allowed when checking that the content fractions of one offer sum to at most 1."""
FREE_COLUMNS = ("source", "note")
"""Columns every file may carry for citations and remarks; never read by the model."""
IMPORTS, DEMAND = "imports", "demand"
BASES = (IMPORTS, DEMAND)
"""``basis`` of a cap: a share of the element's contracted total (imports) or of its demand."""
ORIGIN, CONTENT = "origin", "content"
SCOPES = (ORIGIN, CONTENT)
"""``scope`` of a cap: the shipping origin's volume, or the upstream content from content.csv."""
YEAR = "year"
"""The column of a dated row: the row holds from this year on (see :mod:`sourcing.timeline`)."""
YEAR_RANGE = (1000, 9999)
"""A year is a four-digit calendar year."""
MAX_DURATION = 1000
"""The longest ``duration`` of an event, in years (the longest horizon is 500 years; a duration that
runs past the horizon's end lasts to its end)."""
NUMERIC_KINDS = ("number", "share", "integer", "year")
"""Column kinds read as numbers."""


@dataclass(frozen=True)
class Column:
    """One column of an input file.

    Attributes:
        name: the header, as in the file.
        kind: ``name`` (a key or label), ``number`` (finite, >= 0, below :data:`MAX_MAGNITUDE`),
            ``share`` (a number in [0, 1]), ``integer`` (a whole number >= ``minimum``, below
            :data:`MAX_MAGNITUDE`; 3 and 3.0 are the same), ``year`` (a whole number in
            :data:`YEAR_RANGE`) or ``text`` (free).
        required: whether the column must be present (and, for a ``number``, every cell filled).
        default: the value of a missing column or an empty cell of an optional column.
        star: whether the column may hold :data:`ALL` (every element).
        choices: the values allowed in a ``name`` column, where they are fixed.
        unit: the unit of a number (``t/yr``, ``USD/kg``, ...), for people.
        doc: what the column holds, for people.
        minimum: the smallest value of an ``integer`` column.
        maximum: the largest value of an ``integer`` column (None: any below :data:`MAX_MAGNITUDE`).
        inherit: an empty cell takes the value of the latest earlier row of the same key (by
            ``year``; an undated row comes first) that fills it; the key's first row must fill it
            if the column is ``required``, else the default applies.
        plan_only: read by ``sourcing plan`` only; ``sourcing solve`` ignores it (``check`` says so).
    """

    name: str
    kind: str
    required: bool = True
    default: float | str | None = None
    star: bool = False
    choices: tuple[str, ...] = ()
    unit: str = ""
    doc: str = ""
    minimum: int = 0
    maximum: int | None = None
    inherit: bool = False
    plan_only: bool = False


@dataclass(frozen=True)
class FileSpec:
    """One input file: its columns, the columns that identify a row, and whether it must exist."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    required: bool
    one_of: tuple[str, ...] = ()  # at least one of these optional columns must be present
    doc: str = ""
    plan_only: bool = False  # the whole file is read by ``sourcing plan`` only
    delivery: bool = False  # ``year`` is a row's year of delivery, not the year from which it holds

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def dated(self) -> bool:
        """Whether rows may carry a ``year`` from which they hold: a key may then have one row per
        year (and one undated)."""
        return not self.delivery and any(c.name == YEAR for c in self.columns)

    @property
    def v1_columns(self) -> list[str]:
        """The columns ``sourcing solve`` reads (neither the ``year`` nor the plan-only ones)."""
        return [c.name for c in self.columns if c.name != YEAR and not c.plan_only]


def _year(doc: str = "the row holds from this year on (empty: before the key's first dated row)") -> Column:
    return Column(YEAR, "year", required=False, default=np.nan, doc=doc)


SPECS: dict[str, FileSpec] = {
    "supply": FileSpec(
        "supply.csv",
        (
            Column("origin", "name", doc="the origin offering the element"),
            Column("element", "name", doc="an element of demand.csv"),
            Column("unit_cost", "number", unit="USD/kg", doc="landed cost"),
            Column("capacity", "number", unit="t/yr", doc="what the origin can deliver to the buyer"),
            Column("min_volume", "number", required=False, default=0.0, unit="t/yr",
                   doc="take-or-pay commitment"),
            _year(),
            Column("lead_time", "integer", required=False, default=0.0, unit="years", plan_only=True,
                   doc="the volume for year y is signed at the start of year y - lead_time"),
            Column("spot_cost", "number", required=False, default=np.nan, unit="USD/kg", plan_only=True,
                   doc="in-year purchase from the origin's spare capacity at this price; empty = no spot"),
        ),
        ("origin", "element"),
        True,
        doc="one row per origin x element offer (and year)",
    ),
    "demand": FileSpec(
        "demand.csv",
        (
            Column("element", "name", doc="the element"),
            Column("demand", "number", unit="t/yr", doc="tonnes needed in the year"),
            Column("shortage_cost", "number", unit="USD/kg", doc="value lost per kg of demand unmet"),
            _year(),
        ),
        ("element",),
        True,
        doc="one row per element (and year)",
    ),
    "caps": FileSpec(
        "caps.csv",
        (
            Column("origin", "name", doc="an origin, a group of groups.csv, or for a content cap an upstream country"),
            Column("element", "name", star=True, doc="an element, or * for every element"),
            Column("max_share", "share", required=False, default=np.nan, doc="the cap; empty = none"),
            Column("min_share", "share", required=False, default=0.0, doc="the floor"),
            Column("basis", "name", required=False, default=IMPORTS, choices=BASES,
                   doc="share of the element's imports, or of its demand"),
            Column("scope", "name", required=False, default=ORIGIN, choices=SCOPES,
                   doc="the shipping origin's volume, or the upstream content of content.csv"),
            _year(),
        ),
        ("origin", "element", "basis", "scope"),
        False,
        one_of=("max_share", "min_share"),
        doc="one row per limit",
    ),
    "groups": FileSpec(
        "groups.csv",
        (Column("group", "name", doc="the group's name"), Column("origin", "name", doc="a member origin")),
        ("group", "origin"),
        False,
        doc="one row per membership",
    ),
    "content": FileSpec(
        "content.csv",
        (
            Column("origin", "name", doc="the shipping origin"),
            Column("element", "name", star=True, doc="an element, or * for every element"),
            Column("upstream", "name", doc="the country the material comes from"),
            Column("fraction", "share", doc="the part of the offer's material from upstream"),
        ),
        ("origin", "element", "upstream"),
        False,
        doc="one row per upstream part of an offer",
    ),
    "scenarios": FileSpec(
        "scenarios.csv",
        (
            Column("scenario", "name", doc="the scenario's name"),
            Column("probability", "share", unit="per year", doc="probability of the scenario in a year"),
            Column("description", "text", required=False, default="", doc="what happens"),
            Column("duration", "integer", required=False, default=1.0, minimum=1, maximum=MAX_DURATION, unit="years",
                   plan_only=True, doc="how many years the event lasts once started (sourcing plan)"),
            Column("in_progress_until", "year", required=False, default=np.nan, plan_only=True,
                   doc="the event is in progress today, on every path, until this year (sourcing plan; "
                       "undated rows only; empty: not in progress)"),
            _year("the row holds from this year on: for plan, the hazard of the event starting in that year"),
        ),
        ("scenario",),
        False,
        doc="one row per disruption scenario",
    ),
    "disruptions": FileSpec(
        "disruptions.csv",
        (
            Column("scenario", "name", doc="a scenario of scenarios.csv"),
            Column("origin", "name", doc="the origin hit"),
            Column("element", "name", star=True, doc="an element, or * for every element"),
            Column("availability", "share", doc="fraction of the contracted volume that arrives"),
            _year(),
        ),
        ("scenario", "origin", "element"),
        False,
        doc="one row per scenario x origin (x element)",
    ),
    "stockpile": FileSpec(
        "stockpile.csv",
        (
            Column("element", "name", doc="the element"),
            Column("stock", "number", unit="t", inherit=True,
                   doc="stock releasable in a disruption year; empty = that of the element's earlier row"),
            Column("max_stock", "number", required=False, default=np.nan, unit="t",
                   doc="the stock level may be raised up to this; empty = stock (for plan: the initial stock)"),
            Column("holding_cost", "number", required=False, default=0.0, unit="USD/kg/yr",
                   doc="cost of holding stock beyond stock (for plan: of all stock held at the end of a year)"),
            _year(),
            Column("terminal_stock", "number", required=False, default=0.0, unit="t", inherit=True, plan_only=True,
                   doc="stock to hold at the end of the horizon; empty = that of the element's earlier row"),
        ),
        ("element",),
        False,
        doc="one row per element (and year)",
    ),
    "investments": FileSpec(
        "investments.csv",
        (
            Column("project", "name", doc="the project's name"),
            Column("origin", "name", doc="the origin whose offer the capacity adds to"),
            Column("element", "name", doc="the element of that offer (an offer of supply.csv)"),
            Column("capex", "number", unit="USD per t/yr",
                   doc="capital cost per t/yr of capacity; 0: an offtake the buyer signs but does not fund "
                       "(what it takes is paid at the unit_cost of the offer it adds to)"),
            Column("lead_time", "integer", unit="years", doc="years from the decision to the first delivery"),
            Column("max_capacity", "number", unit="t/yr", doc="the most capacity the project can add"),
            Column("first_year", "year", required=False, default=np.nan,
                   doc="the first year a decision can be taken; empty = the first year of the horizon"),
            Column("life", "integer", required=False, default=20.0, minimum=1, unit="years",
                   doc="years the capacity delivers once online"),
        ),
        ("project",),
        False,
        doc="one row per project that can be funded (sourcing plan)",
        plan_only=True,
    ),
    "commitments": FileSpec(
        "commitments.csv",
        (
            Column("origin", "name", doc="the origin the contract is with"),
            Column("element", "name", doc="the element of that offer (an offer of supply.csv in force in year)"),
            Column(YEAR, "year", doc="the year of delivery"),
            Column("volume", "number", unit="t", doc="tonnes already contracted for delivery in year (> 0)"),
            Column("unit_cost", "number", required=False, default=np.nan, unit="USD/kg",
                   doc="the contract's price; empty: the offer's unit_cost in force in year"),
        ),
        (),
        False,
        doc="contracts already signed, one row per contract (rows of one offer and year add up)",
        delivery=True,
    ),
}
"""The input files of a folder, by key (the file's name without ``.csv``)."""

PLAN_SPEC = FileSpec(
    "plan.csv",
    (
        Column("origin", "name", doc="an origin of supply.csv"),
        Column("element", "name", doc="an element it offers"),
        Column("volume", "number", unit="t/yr", doc="tonnes contracted"),
    ),
    ("origin", "element"),
    True,
    doc="a given plan for sourcing evaluate: one row per offer; offers not listed get 0",
)
"""A plan for ``sourcing evaluate --plan``."""


def expected(col: Column) -> str:
    """What a cell of ``col`` must hold, as error messages say it."""
    if col.kind == "share":
        return "a number in [0, 1]"
    if col.kind == "integer" and col.maximum is not None:
        return f"a whole number from {col.minimum} to {col.maximum}"
    if col.kind == "integer":
        return f"a whole number >= {col.minimum} and below {MAX_MAGNITUDE:g}"
    if col.kind == "year":
        return f"a whole year from {YEAR_RANGE[0]} to {YEAR_RANGE[1]}"
    return f"a finite number >= 0 and below {MAX_MAGNITUDE:g}"


_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def parse_number(text: str) -> float | None:
    """``text`` as a finite number, written as the input files write one (ASCII digits, a point,
    an exponent: ``0.5``, ``.5``, ``5e-1``), or None. The CSV reader accepts the same numbers (a
    test pins it), so that a value the command line takes is one a file would take too."""
    text = text.strip()
    return float(text) if _NUMBER.fullmatch(text) else None


def parse_share(text: str) -> float | None:
    """``text`` as a share: a number (``0.6``) or a percentage (``60%``, read as 0.6), or None.
    Share columns of the input files and the share options (``--cap``, ``--floor``) take both."""
    text = text.strip()
    if text.endswith("%"):
        number = parse_number(text[:-1])
        return None if number is None else round(number / 100.0, 12) + 0.0
    return parse_number(text)
