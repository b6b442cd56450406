"""Checks across input files: every name refers to something defined, and the files agree.

Run once every file has been typed (:mod:`sourcing.readers`); each problem is located in the file
and row that must change.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import numpy as np
import pandas as pd

from sourcing.errors import suggest
from sourcing.readers.problems import Collector
from sourcing.schema import ALL, BASELINE, FRACTION_TOLERANCE, ORIGIN, PROBABILITY_TOLERANCE, SPECS, YEAR
from sourcing.timeline import rows_in_force

SUGGESTIONS = 50
"""Names given a "did you mean" per column: finding the closest name costs a pass over every known
name, so a file of a million unknown names gets hints for the first ones only."""


def check_references(problems: Collector, frames: dict[str, pd.DataFrame | None], *,
                     independent_events: bool = False) -> None:
    supply, demand = frames["supply"], frames["demand"]
    elements = set(demand["element"])
    origins = set(supply["origin"])
    scen, groups, content, caps = frames["scenarios"], frames["groups"], frames["content"], frames["caps"]
    scenarios = set(scen["scenario"]) if scen is not None else set()
    group_names = set(groups["group"]) if groups is not None else set()
    upstreams = set(content["upstream"]) if content is not None else set()

    def must_exist(key: str, column: str, known: set[str], where: str, star: bool = False,
                   rows: pd.Series | None = None) -> None:
        frame = frames[key]
        if frame is None:
            return
        values = frame[column]
        bad = ~values.isin(known) & ~((values == ALL) & star)
        if rows is not None:
            bad &= rows
        rows_of = pd.Series(frame.index[bad]).groupby(values[bad].to_numpy(), sort=False)
        for i, (name, at) in enumerate(rows_of):  # one message, and one suggestion, per distinct name
            hint = suggest(name, known) if i < SUGGESTIONS else ""
            problems.add(SPECS[key], at.tolist(), column, f"{column} {name!r} is not defined in {where}{hint}")

    must_exist("supply", "element", elements, "demand.csv")
    _unoffered_demand(problems, supply, demand)
    if caps is not None:
        by_origin = caps["scope"] == ORIGIN
        must_exist("caps", "origin", origins | group_names, "supply.csv (origins) or groups.csv", rows=by_origin)
        must_exist("caps", "origin", origins | group_names | upstreams,
                   "supply.csv, groups.csv or content.csv (upstream)", rows=~by_origin)
    must_exist("caps", "element", elements, "demand.csv", star=True)
    must_exist("disruptions", "origin", origins, "supply.csv")
    must_exist("disruptions", "element", elements, "demand.csv", star=True)
    must_exist("disruptions", "scenario", scenarios, "scenarios.csv")
    must_exist("stockpile", "element", elements, "demand.csv")
    must_exist("groups", "origin", origins, "supply.csv")
    must_exist("content", "origin", origins, "supply.csv")
    must_exist("content", "element", elements, "demand.csv", star=True)

    if groups is not None:
        clash = groups["group"].isin(origins)
        for row in groups.index[clash]:
            problems.add(SPECS["groups"], [row], "group",
                       f"group {groups.at[row, 'group']!r} has the name of an origin in supply.csv; rename the group")
    if caps is not None:
        neither = caps["max_share"].isna() & (caps["min_share"] <= 0)
        problems.add(SPECS["caps"], caps.index[neither], "max_share",
                   "missing value: give max_share (a cap) or min_share (a floor), or both")
        above = caps["min_share"] > caps["max_share"].fillna(1.0)
        for row in caps.index[above]:
            problems.add(SPECS["caps"], [row], "min_share",
                       f"floor min_share {caps.at[row, 'min_share']:g} is above the cap max_share "
                       f"{caps.at[row, 'max_share']:g}; no plan can meet both")
    if content is not None:
        offers = supply[["origin", "element"]].drop_duplicates()  # one per offer, however many years
        star = content[content["element"] == ALL].drop(columns="element").reset_index(names="row").merge(
            offers, on="origin")
        exact = content[content["element"] != ALL].reset_index(names="row").merge(offers, on=["origin", "element"])
        listed = pd.concat([exact, star], ignore_index=True).drop_duplicates(
            subset=["origin", "element", "upstream"], keep="first")
        total = listed.groupby(["origin", "element"])["fraction"].sum()
        for (origin, element), value in total[total > 1.0 + FRACTION_TOLERANCE].items():
            rows = listed[(listed["origin"] == origin) & (listed["element"] == element)]["row"]
            problems.add(SPECS["content"], [int(rows.max())], "fraction",
                       f"content fractions of {origin} {element} sum to {value:.6g} (> 1); "
                       "they are parts of one offer's material")

    investments = frames.get("investments")
    if investments is not None:
        must_exist("investments", "element", elements, "demand.csv")
        offered = set(zip(supply["origin"], supply["element"]))
        must_exist("investments", "origin", origins, "supply.csv")
        for row in investments.index[investments["origin"].isin(origins) & investments["element"].isin(elements)]:
            origin, element = investments.at[row, "origin"], investments.at[row, "element"]
            if (origin, element) not in offered:
                problems.add(SPECS["investments"], [row], "element",
                             f"{origin} does not offer {element} in supply.csv; an investment adds capacity to an "
                             "offer: add a supply.csv row for it (capacity may be 0)")

    _check_commitments(problems, frames, must_exist)

    stockpile = frames["stockpile"]
    if stockpile is not None:
        low = stockpile["max_stock"] < stockpile["stock"]
        for row in stockpile.index[low]:
            held, most = stockpile.at[row, "stock"], stockpile.at[row, "max_stock"]
            problems.add(SPECS["stockpile"], [row], "max_stock",
                       f"max_stock {most:g} t is below stock {held:g} t; the stock level can only be raised")

    over = supply["min_volume"] > supply["capacity"]
    for row in supply.index[over]:
        problems.add(
            SPECS["supply"], [row], "min_volume",
            f"min_volume {supply.at[row, 'min_volume']:g} t exceeds capacity {supply.at[row, 'capacity']:g} t; "
            "lower the commitment or raise the capacity",
        )
    if scen is not None and "in_progress_until" in scen:
        dated = scen[YEAR].notna() & scen["in_progress_until"].notna()
        for row in scen.index[dated]:
            problems.add(SPECS["scenarios"], [row], "in_progress_until",
                         f"in_progress_until {int(scen.at[row, 'in_progress_until'])} on a row dated "
                         f"{int(scen.at[row, YEAR])}: only an undated row may say that an event is in progress "
                         "today; move it to the scenario's undated row")
    if scen is not None and len(scen):
        years = sorted(scen[YEAR].dropna().unique())
        if not years:
            _check_probabilities(problems, scen, "", independent_events)
        for year in ([years[0] - 1] if years else []) + years:  # the undated rows, then each dated year
            when = f" before {int(years[0])}" if year < years[0] else f" in {int(year)}"
            _check_probabilities(problems, rows_in_force(scen, ["scenario"], int(year)), when, independent_events)
    _check_magnitudes(problems, frames)


def _unoffered_demand(problems: Collector, supply: pd.DataFrame, demand: pd.DataFrame) -> None:
    """An element with demand that no row of supply.csv offers (in any year) cannot be covered:
    most often a name mistyped in one of the two files (``NdPR`` for ``NdPr``), so the message
    offers the closest element that is offered. With no demand at all it is a warning (advise)."""
    offered = set(supply["element"])
    missing = ~demand["element"].isin(offered) & (demand["demand"] > 0)
    rows_of = pd.Series(demand.index[missing]).groupby(demand["element"][missing].to_numpy(), sort=False)
    for i, (name, at) in enumerate(rows_of):
        hint = suggest(name, offered) if i < SUGGESTIONS else ""
        problems.add(SPECS["demand"], at.tolist(), "element",
                     f"element {name!r} has demand but no row of supply.csv offers it, so no plan can cover it"
                     f"{hint}")


def _check_commitments(problems: Collector, frames: dict[str, pd.DataFrame | None], must_exist) -> None:
    """Each contract already signed is on an offer of supply.csv in force in its year, for a volume > 0."""
    commitments, supply = frames.get("commitments"), frames["supply"]
    if commitments is None:
        return
    spec = SPECS["commitments"]
    must_exist("commitments", "origin", set(supply["origin"]), "supply.csv")
    must_exist("commitments", "element", set(frames["demand"]["element"]), "demand.csv")
    problems.add(spec, commitments.index[commitments["volume"] <= 0], "volume",
                 "a commitment's volume must be > 0 t; remove the row for no commitment")
    known = commitments["origin"].isin(set(supply["origin"])) & commitments["element"].isin(set(supply["element"]))
    for year, rows in commitments[known].groupby(YEAR):
        offered = set(zip(*(rows_in_force(supply, ["origin", "element"], int(year))[c] for c in ("origin", "element"))))
        for row in rows.index:
            origin, element = rows.at[row, "origin"], rows.at[row, "element"]
            if (origin, element) not in offered:
                problems.add(spec, [row], YEAR,
                             f"{origin} does not offer {element} in {int(year)} (no row of supply.csv for it is in "
                             "force then); a commitment is on an offer in force in its year: fix the year or the "
                             "offer, or add the supply.csv row")


def _check_probabilities(problems: Collector, scen: pd.DataFrame, when: str, independent_events: bool) -> None:
    """The probabilities of the scenario rows in force (in one year, ``when``) sum to at most 1, as
    disjoint scenarios of one year must (contract v1); with ``independent_events`` (``sourcing
    plan``'s default, which reads them as annual hazards of any sum, and ``check``) a sum above 1 is
    a note instead. Below 1, no scenario may be named like the implicit ``baseline``."""
    if len(scen):
        total = scen["probability"].cumsum()
        over_one = total > 1.0 + PROBABILITY_TOLERANCE
        if over_one.any() and not independent_events:
            row = scen.index[over_one.to_numpy().argmax()]
            problems.add(
                SPECS["scenarios"], [row], "probability",
                f"probabilities sum to {scen['probability'].sum():.6g} (> 1){when} by this row; they are per-year "
                "probabilities of disjoint scenarios and must sum to at most 1 (sourcing plan's independent "
                "events take annual hazards of any sum)",
            )
        elif over_one.any():
            problems.notes.append(
                f"scenarios.csv: the probabilities in force{when} sum to {scen['probability'].sum():.6g} (> 1): "
                "sourcing plan reads them as annual hazards of independent events; solve, evaluate, sweep, "
                "report and plan --events first read them as disjoint scenarios and refuse a sum above 1")
        elif scen["probability"].sum() < 1.0 - PROBABILITY_TOLERANCE:
            named = scen["scenario"] == BASELINE
            problems.add(
                SPECS["scenarios"], scen.index[named], "scenario",
                f"{BASELINE!r} is the implicit scenario holding the remaining probability; rename this "
                "scenario or make the probabilities sum to 1",
            )


SPREAD = 1e12
"""Nonzero tonnes (or costs) of one folder may span at most this factor: HiGHS solves to about 1e-7
absolute and a double holds about 16 digits, so a wider spread is a unit mistake the LP cannot
resolve (it may even call the LP unbounded)."""
_FAMILIES = (
    ("tonnes", {"supply": ("capacity", "min_volume"), "demand": ("demand",), "stockpile": ("stock", "max_stock")}),
    ("costs", {"supply": ("unit_cost",), "demand": ("shortage_cost",), "stockpile": ("holding_cost",)}),
)


def _check_magnitudes(problems: Collector, frames: dict[str, pd.DataFrame | None]) -> None:
    """Refuse a folder whose nonzero tonnes, or costs, span more than :data:`SPREAD`."""
    for family, columns in _FAMILIES:
        cells = []  # (value, key, row, column)
        for key, names in columns.items():
            frame = frames[key]
            if frame is None:
                continue
            for name in names:
                values = frame[name]
                nonzero = values[(values > 0) & values.notna()]
                if len(nonzero):
                    cells.append((float(nonzero.min()), key, nonzero.idxmin(), name))
                    cells.append((float(nonzero.max()), key, nonzero.idxmax(), name))
        if not cells:
            continue
        low, high = min(cells), max(cells)
        if high[0] > SPREAD * low[0]:
            spec_high = SPECS[high[1]]
            where = f"{spec_high.name}:{problems.line(spec_high, high[2])}"
            problems.add(SPECS[low[1]], [low[2]], low[3],
                         f"{low[3]} {low[0]:g} is {high[0] / low[0]:.0e} times smaller than {high[3]} {high[0]:g} "
                         f"({where}); {family} spanning more than {SPREAD:.0e} cannot be solved accurately: check the "
                         "units (t/yr, USD/kg), or leave out what is negligible")


NAMED = 5
"""Names a grouped warning lists before "and N more"."""
DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xls")
PRICE_SPREAD = 1000.0
"""A unit cost this many times above (or below) the median of the element's other origins is
probably in the wrong unit (USD per t instead of per kg, say): a warning, not an error."""


def _names_used_nowhere(frames: dict[str, pd.DataFrame | None]) -> list[str]:
    """Warnings for names that appear in one file but nowhere they act: an element of demand.csv
    that no offer supplies and no row asks any of (its demand is 0), a scenario of scenarios.csv
    that no row of disruptions.csv names (it disrupts nothing). Each with the closest name that
    does act, where one is close."""
    out = []
    supply, demand, scen, dis = frames["supply"], frames["demand"], frames["scenarios"], frames["disruptions"]
    offered = set(supply["element"])
    idle = sorted(set(demand["element"]) - offered)  # with demand > 0, check_references refused them
    for name in idle[:SUGGESTIONS]:
        out.append(f"demand.csv: element {name!r} is offered by no row of supply.csv (its demand is 0, so it changes "
                   f"nothing){suggest(name, offered)}")
    if scen is not None and len(scen):
        named = set() if dis is None else set(dis["scenario"])
        silent = [s for s in dict.fromkeys(scen["scenario"]) if s not in named and s != BASELINE]
        for name in silent[:SUGGESTIONS]:
            out.append(f"scenarios.csv: scenario {name!r} is named in no row of disruptions.csv, so it disrupts "
                       f"nothing (everything arrives in it){suggest(name, named)}")
    return out


def advise(problems: Collector, frames: dict[str, pd.DataFrame | None]) -> list[str]:
    """Warnings about a valid folder: files no one reads, origins no scenario touches, prices far
    from the element's others. Nothing here stops a solve; each may be a mistake worth a look."""
    out = list(problems.notes)
    source = problems.source
    book = source.kind == "workbook"
    known = [spec.name.removesuffix(".csv") if book else spec.name for spec in SPECS.values()]
    for name in source.others():
        if book or name in known:  # a sheet of a close name is an error of the workbook's reader
            continue
        close = difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.75)
        if close or Path(name).suffix.lower() in DATA_SUFFIXES:
            hint = f"; did you mean {close[0]}?" if close else ""
            out.append(f"{name} is not a file sourcing reads, and is ignored{hint} (the input files are "
                       f"{', '.join(known)})")
    supply, scen, dis = frames["supply"], frames["scenarios"], frames["disruptions"]
    if scen is not None and len(scen) and (scen["probability"] > 0).any():
        named = set() if dis is None else set(dis["origin"])  # a row of availability 1 says "not hit" on purpose
        certain = sorted(set(supply["origin"]) - named)
        origins = set(supply["origin"])
        if len(certain) == 1:  # a mistyped origin in supply.csv is an origin no scenario knows
            out.append(f"{certain[0]} is named in no row of disruptions.csv, so no scenario disrupts it and its "
                       "supply is treated as certain; if that is meant, say so with a row of availability 1"
                       + suggest(certain[0], origins - {certain[0]}).replace("; did you mean", " (or did you mean")
                       .replace("?", "?)"))
        elif certain:  # one warning for them all: a generated folder may have hundreds
            shown = ", ".join(certain[:NAMED]) + (f" and {len(certain) - NAMED:,} more" if len(certain) > NAMED
                                                   else "")
            out.append(f"{len(certain):,} origins are named in no row of disruptions.csv ({shown}), so no scenario "
                       "disrupts them and their supply is treated as certain; if that is meant, say so with rows "
                       "of availability 1")
    out += _names_used_nowhere(frames)
    spec = SPECS["supply"]
    cost = supply["unit_cost"]
    by = cost.groupby(supply["element"])
    n = by.transform("size")
    others = np.where(n == 2, by.transform("sum") - cost, by.transform("median"))  # (with 3 or more, the median)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = cost / others
    odd = (n >= 2) & (cost > 0) & (others > 0) & ((ratio >= PRICE_SPREAD) | (ratio <= 1 / PRICE_SPREAD))
    for at in np.flatnonzero(odd.to_numpy()):
        row, r = supply.index[at], supply.iloc[at]
        out.append(f"{spec.name}:{problems.line(spec, row)}: unit_cost {r['unit_cost']:g} USD/kg of {r['origin']} "
                   f"{r['element']} is {ratio.iloc[at]:.3g} times the other origins' ({others[at]:g}); is it per kg?")
    return out
