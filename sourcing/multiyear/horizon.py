"""The data of a multi-year plan: the rows in force in every year of the horizon, as flat tables.

:func:`build_horizon` resolves every year with :meth:`sourcing.data.InputData.in_year` (so that caps,
groups, content, disruptions and ``--cap`` mean in each year exactly what they mean for
``sourcing solve --year``), then lays the years side by side with integer codes the LP statement
indexes by: ``i`` the year's position in the horizon, ``e`` the element's row of ``elements``,
``offer`` the offer's row of ``offers``, ``k`` the event's row of ``events``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sourcing.data import InputData
from sourcing.errors import OptionError

MAX_YEARS = 500
"""The longest horizon accepted (a guard against a mistyped year, not a modelling limit)."""


@dataclass(frozen=True)
class Horizon:
    """Every year of a plan's horizon, resolved. Treat the frames as read-only.

    Attributes:
        years: the calendar years y0 .. yT.
        discount_rate: r; ``discount[i]`` = (1 + r) ** -i, the factor DF of year ``years[i]``.
        source: the data the horizon was resolved from (``source.in_year(y)`` is year y's data).
        by_year: the one-year data of each year's offers, limits and availabilities (rows in force,
            ``--cap`` applied); its demand and stock may be another year's (see ``element_years``).
        offers: every (origin, element) offered in some year, sorted by element then origin.
        elements: ``element`` (sorted), ``stock`` (the initial stock, in force in y0),
            ``terminal_stock`` (the target at the end of yT, 0 if none).
        offer_years: one row per offer and year in which it is in force, year-major: ``i``,
            ``offer``, ``e``, ``unit_cost``, ``capacity``, ``min_volume``, ``lead_time``,
            ``spot_cost`` (NaN: no spot), ``local`` (its row of ``by_year[i].offers``).
        element_years: one row per year and element, year-major: ``i``, ``e``, ``demand``,
            ``shortage_cost``, ``max_stock`` (plan's: an empty one is the initial stock; 0
            without a stockpile row in force), ``holding_cost``.
        events: the scenarios of scenarios.csv as events: ``scenario``, ``probability`` and
            ``duration`` (in force in y0), ``description`` (of its latest row),
            ``in_progress_until`` (of its undated row; NaN: not in progress today).
        hazard: (events x years): the probability that each event starts in each year, given that
            no event has started before (the row in force that year; 0 where none is).
        duration: (events x years): how many years the event lasts if it starts in that year,
            counted up to the horizon's last year (a longer duration is clipped there).
        availability: availabilities below 1: ``i``, ``k``, ``offer``, ``availability``.
        limits: every share limit of every year: ``i``, ``limit`` (its row of that year's
            ``limits()``), ``origin``, ``element``, ``e``, ``kind``, ``basis``, ``scope``, ``share``.
        limit_terms: ``row`` (of ``limits``), ``offer``, ``weight``.
        investments: investments.csv: ``project``, ``origin``, ``element``, ``offer``, ``capex``,
            ``lead_time``, ``max_capacity``, ``first_year`` (filled with y0), ``life``.
    """

    years: np.ndarray
    discount_rate: float
    discount: np.ndarray
    source: InputData
    by_year: tuple[InputData, ...]
    offers: pd.DataFrame
    elements: pd.DataFrame
    offer_years: pd.DataFrame
    element_years: pd.DataFrame
    events: pd.DataFrame
    hazard: np.ndarray
    duration: np.ndarray
    availability: pd.DataFrame
    limits: pd.DataFrame
    limit_terms: pd.DataFrame
    investments: pd.DataFrame

    @property
    def n(self) -> int:
        return len(self.years)

    def in_progress_years(self) -> np.ndarray:
        """Per event, how many years from y0 on it is in progress today (``in_progress_until`` - y0
        + 1, at most the horizon's length; 0: not in progress, or until a year before y0)."""
        until = self.events["in_progress_until"].to_numpy(float) if len(self.events) else np.zeros(0)
        busy = np.where(np.isnan(until), 0.0, until - float(self.years[0]) + 1.0)
        return np.clip(busy, 0, self.n).astype(np.int64)


def parse_years(text: str) -> tuple[int, int]:
    """``START:END`` (inclusive) as two years; OptionError naming ``--years`` otherwise."""
    start, sep, end = str(text).partition(":")
    try:
        first, last = int(start), int(end)
    except ValueError:
        raise OptionError(f"--years {text}: expected START:END, two whole years such as 2026:2035") from None
    if not sep:
        raise OptionError(f"--years {text}: expected START:END, two whole years such as 2026:2035")
    return first, last


def build_horizon(data: InputData, years: tuple[int, int] | None = None, discount_rate: float = 0.0) -> Horizon:
    """Resolve every year of the horizon ``years`` (START, END inclusive; default: the years named
    in the inputs' ``year`` columns) with discount rate ``discount_rate``.

    Raises:
        OptionError: no horizon (no dated row and no ``years``), START > END, a discount rate
            <= -1, or a year given in ``years`` in which an element has no demand row in force.
        InputError: a year of the default horizon in which an element has no demand row in force.
    """
    timeline = data.timeline
    if timeline is None:
        raise ValueError("this InputData has no timeline: load it with sourcing.load_inputs")
    if not (np.isfinite(discount_rate) and discount_rate > -1):
        raise OptionError(f"--discount-rate must be a number > -1, got {discount_rate}")
    if years is None:
        default = timeline.default_horizon()
        if default is None:
            raise OptionError("no row of the inputs has a year, so there is no default horizon: give --years START:END")
        first, last = default
        option = None
    else:
        first, last = int(years[0]), int(years[1])
        option = f"--years {first}:{last}"
        if first > last:
            raise OptionError(f"{option}: START must not be after END")
    if last - first + 1 > MAX_YEARS:
        raise OptionError(f"--years {first}:{last}: at most {MAX_YEARS} years")
    calendar = np.arange(first, last + 1)
    horizon = f" (a year of the default horizon {first}:{last}, from the years named in the inputs)"
    by_year = _resolve_years(data, calendar, option, horizon)
    discount = (1.0 + discount_rate) ** -np.arange(len(calendar), dtype=float)
    return _lay_out(data, calendar, float(discount_rate), discount, by_year)


STRUCTURE = ("supply", "caps", "scenarios", "disruptions")
"""The files whose rows in force shape a year's offers, limits and availabilities (demand and
stockpile values are read per year from the timeline)."""


def _resolve_years(data: InputData, calendar: np.ndarray, option: str | None, horizon: str) -> list[InputData]:
    """One-year data per year, for its offers, limits and availabilities; years with the same rows
    of :data:`STRUCTURE` in force share one object (whose demand may be another year's)."""
    timeline = data.timeline
    out: list[InputData] = []
    seen: dict[tuple, InputData] = {}
    for year in calendar:
        year = int(year)
        timeline.check_year(year, option, horizon)
    for year in calendar:
        year = int(year)
        signature = tuple(
            (name, tuple(frame.index)) for name in STRUCTURE if (frame := timeline.in_force(name, year)) is not None
        )
        if signature not in seen:
            seen[signature] = data.in_year(year, option)
        out.append(seen[signature])
    return out


def _in_progress_until(rows: pd.DataFrame | None, names: list[str]) -> np.ndarray:
    """Per event, the ``in_progress_until`` of its undated row (NaN: none); only undated rows carry it."""
    if rows is None or "in_progress_until" not in rows:
        return np.full(len(names), np.nan)
    undated = rows[rows["year"].isna()].drop_duplicates("scenario").set_index("scenario")
    return undated["in_progress_until"].reindex(names).to_numpy(float)


def _lay_out(data: InputData, calendar: np.ndarray, rate: float, discount: np.ndarray,
             by_year: list[InputData]) -> Horizon:
    timeline = data.timeline
    elements = pd.DataFrame({"element": by_year[0].elements["element"].to_numpy()})
    element_code = pd.Index(elements["element"])

    # offers in force per year, with the plan-only columns of the rows in force (once per structure)
    structure: dict[int, pd.DataFrame] = {}
    for year, one in zip(calendar, by_year):
        if id(one) not in structure:
            rows = timeline.in_force("supply", int(year))[["origin", "element", "lead_time", "spot_cost"]]
            extra = rows.set_index(["origin", "element"])
            offers = one.offers.reset_index(names="local")
            key = pd.MultiIndex.from_frame(offers[["origin", "element"]])
            offers["lead_time"] = extra["lead_time"].reindex(key).to_numpy(float)
            offers["spot_cost"] = extra["spot_cost"].reindex(key).to_numpy(float)
            structure[id(one)] = offers
    offer_years = pd.concat([structure[id(one)].assign(i=i) for i, one in enumerate(by_year)], ignore_index=True)
    offers = offer_years[["origin", "element"]].drop_duplicates().sort_values(["element", "origin"], ignore_index=True)
    offer_index = pd.MultiIndex.from_frame(offers)
    code = offer_index.get_indexer(pd.MultiIndex.from_frame(offer_years[["origin", "element"]]))
    offer_years.insert(1, "offer", code)
    offer_years.insert(2, "e", element_code.get_indexer(offer_years["element"]))
    offer_years = offer_years.sort_values(["i", "offer"], ignore_index=True)
    offer_years["lead_time"] = offer_years["lead_time"].astype(np.int64)
    offer_years = offer_years[["i", "offer", "e", "unit_cost", "capacity", "min_volume", "lead_time", "spot_cost",
                               "local"]]

    # elements per year; plan's max_stock: an empty one is the initial stock, none in force is 0
    first_year_rows = timeline.in_force("stockpile", int(calendar[0]))
    initial = np.zeros(len(elements))
    if first_year_rows is not None:
        initial = elements["element"].map(first_year_rows.set_index("element")["stock"]).fillna(0.0).to_numpy(float)
    last_rows = timeline.in_force("stockpile", int(calendar[-1]))
    terminal = np.zeros(len(elements))
    if last_rows is not None:
        terminal = elements["element"].map(last_rows.set_index("element")["terminal_stock"]).fillna(0.0).to_numpy(float)
    elements = elements.assign(stock=initial, terminal_stock=terminal)
    names = elements["element"]
    values: dict[tuple, np.ndarray] = {}  # by the demand and stockpile rows in force
    per_year = []
    for year in calendar:
        demand = timeline.in_force("demand", int(year))
        rows = timeline.in_force("stockpile", int(year))
        key = (tuple(demand.index), None if rows is None else tuple(rows.index))
        if key not in values:
            demand = demand.set_index("element")
            if rows is None:
                max_stock = holding = np.zeros(len(names))
            else:
                rows = rows.set_index("element")
                has_row = names.isin(rows.index).to_numpy()
                given = names.map(rows["max_stock"]).fillna(pd.Series(initial, index=names.index))
                max_stock = np.where(has_row, given.to_numpy(float), 0.0)
                holding = names.map(rows["holding_cost"]).fillna(0.0).to_numpy(float)
            values[key] = np.column_stack([names.map(demand["demand"]).to_numpy(float),
                                           names.map(demand["shortage_cost"]).to_numpy(float), max_stock, holding])
        per_year.append(values[key])
    table = np.vstack(per_year)
    element_years = pd.DataFrame({"i": np.repeat(np.arange(len(calendar)), len(names)),
                                  "e": np.tile(np.arange(len(names)), len(calendar)), "demand": table[:, 0],
                                  "shortage_cost": table[:, 1], "max_stock": table[:, 2], "holding_cost": table[:, 3]})

    rows = timeline.frames.get("scenarios")
    names = sorted(rows["scenario"].unique()) if rows is not None else []
    event_code = pd.Index(names, dtype=object)
    hazard = np.zeros((len(names), len(calendar)))
    duration = np.ones((len(names), len(calendar)), dtype=np.int64)
    for i, year in enumerate(calendar):
        now = timeline.in_force("scenarios", int(year))
        if now is not None and len(now):
            k = event_code.get_indexer(now["scenario"])
            hazard[k, i] = now["probability"].to_numpy(float)
            duration[k, i] = now["duration"].to_numpy(np.int64)
    duration = np.minimum(duration, len(calendar) - np.arange(len(calendar)))  # an event lasts at most to the end
    latest = rows.assign(_rank=rows["year"].fillna(-np.inf)).sort_values(["scenario", "_rank"]).groupby(
        "scenario").tail(1).set_index("scenario") if rows is not None else None
    events = pd.DataFrame({
        "scenario": names, "probability": hazard[:, 0] if len(names) else np.zeros(0),
        "duration": duration[:, 0] if len(names) else np.zeros(0, dtype=np.int64),
        "description": latest["description"].reindex(names).to_numpy() if latest is not None else [],
        "in_progress_until": _in_progress_until(rows, names),
    })

    # availabilities, limits and their terms per year, in global codes
    avail, limits, terms = [], [], []
    done: dict[int, tuple] = {}
    for i, one in enumerate(by_year):
        if id(one) not in done:  # once per structure, in global codes
            local = structure[id(one)]
            to_global = np.empty(len(one.offers), dtype=np.int64)
            to_global[local["local"].to_numpy()] = offer_index.get_indexer(
                pd.MultiIndex.from_frame(local[["origin", "element"]]))
            k_local, offer_local, a = one.availability_arrays()
            lim, lim_terms = one.limits()
            done[id(one)] = (
                pd.DataFrame({"k": event_code.get_indexer(one.scenarios["scenario"].to_numpy()[k_local]),
                              "offer": to_global[offer_local], "availability": a}),
                lim,
                pd.DataFrame({"limit": lim_terms["limit"].to_numpy(), "offer": to_global[lim_terms["offer"].to_numpy()],
                              "weight": lim_terms["weight"].to_numpy(float)}))
        a_frame, lim, t_frame = done[id(one)]
        avail.append(a_frame.assign(i=i))
        limits.append(lim.assign(i=i))
        terms.append(t_frame.assign(i=i))
    availability = pd.concat(avail, ignore_index=True)
    availability = availability[availability["k"] >= 0].reset_index(drop=True)  # the implicit baseline is no event
    limits = pd.concat(limits, ignore_index=True)
    limits["e"] = element_code.get_indexer(limits["element"])
    limits = limits[["i", "limit", "origin", "element", "e", "kind", "basis", "scope", "share"]]
    limit_terms = pd.concat(terms, ignore_index=True)
    row_of = pd.MultiIndex.from_frame(limits[["i", "limit"]])
    limit_terms = pd.DataFrame({
        "row": row_of.get_indexer(pd.MultiIndex.from_frame(limit_terms[["i", "limit"]])),
        "offer": limit_terms["offer"].to_numpy(), "weight": limit_terms["weight"].to_numpy(),
    })

    investments = timeline.frames.get("investments")
    if investments is None:
        investments = pd.DataFrame({c: pd.Series(dtype=float) for c in
                                    ("capex", "lead_time", "max_capacity", "first_year", "life")})
        investments[["project", "origin", "element"]] = pd.DataFrame(columns=["project", "origin", "element"])
    investments = investments.sort_values("project", ignore_index=True)
    investments = investments.assign(first_year=investments["first_year"].fillna(float(calendar[0])))
    investments["offer"] = offer_index.get_indexer(pd.MultiIndex.from_frame(investments[["origin", "element"]]))
    for col in ("lead_time", "first_year", "life"):
        investments[col] = investments[col].astype(np.int64)
    investments = investments[["project", "origin", "element", "offer", "capex", "lead_time", "max_capacity",
                               "first_year", "life"]]
    return Horizon(calendar, rate, discount, data, tuple(by_year), offers, elements, offer_years, element_years, events,
                   hazard, duration, availability, limits, limit_terms, investments)
