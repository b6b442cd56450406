"""Load an input folder, validate it once, and return a read-only :class:`InputData`.

Every problem in every file is collected and reported together as ``file:line:column: message``
(1-based; line 1 is the header). Nothing downstream re-checks the data: a model is only ever built
from an :class:`InputData`, and an :class:`InputData` only ever comes out of :func:`load_inputs`.
The files' columns and rules are declared in :mod:`sourcing.schema`, read by
:mod:`sourcing.readers` and checked against each other by :mod:`sourcing.checks`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import wraps
from pathlib import Path

import numpy as np
import pandas as pd

from sourcing.checks import advise, check_references
from sourcing.errors import InputError, OptionError, Problem, suggest
from sourcing.limits import share_limits
from sourcing.readers import Book, Collector, Folder, open_source, read_table
from sourcing.schema import (
    ALL,
    BASELINE,
    IMPORTS,
    NUMERIC_KINDS,
    ORIGIN,
    PLAN_SPEC,
    PROBABILITY_TOLERANCE,
    SPECS,
    YEAR,
)
from sourcing.speed import paused_gc
from sourcing.timeline import Timeline, inherit

_CAPS_FREE = ("offer_content", "availability_arrays", "offer_availability")
"""Derived tables that do not depend on caps: :meth:`InputData.with_caps` keeps them."""


def _computed_once(method):
    """Memoize a derived table of an :class:`InputData` (frozen, so it never goes stale; a copy made
    with ``dataclasses.replace``, as :meth:`InputData.with_caps` does, starts with an empty memo).
    The frames returned are shared: treat them as read-only."""

    @wraps(method)
    def wrapper(self):
        if method.__name__ not in self._memo:
            self._memo[method.__name__] = method(self)
        return self._memo[method.__name__]

    return wrapper


@dataclass(frozen=True)
class InputData:
    """A validated input folder. Treat every frame as read-only.

    Rows are sorted by name (elements, then origins; scenarios with ``baseline`` first), so the
    model and every output are the same whatever the order of rows in the files.

    Attributes:
        offers: one row per origin x element offer: ``origin``, ``element``, ``unit_cost`` (USD/kg),
            ``capacity`` (t/yr), ``min_volume`` (t/yr).
        elements: one row per element: ``element``, ``demand`` (t/yr), ``shortage_cost`` (USD/kg),
            ``stock`` (t releasable in a disruption year; 0 without ``stockpile.csv``),
            ``max_stock`` (t; the stock level may be raised up to it; = ``stock`` by default),
            ``holding_cost`` (USD/kg/yr of stock held beyond ``stock``).
        caps: the cap rows as given (``origin`` (an origin, a group or an upstream country),
            ``element`` or ``*``, ``max_share`` (NaN: none), ``min_share``, ``basis``, ``scope``),
            after any override from :meth:`with_caps`; ``given`` says where the row came from
            (``caps.csv line N``, or ``--cap ...``) and ``max_given`` where its ``max_share`` did.
        scenarios: ``scenario``, ``probability``, ``description``; includes ``baseline`` when the
            given probabilities sum to less than 1.
        disruptions: the availability rows as given (``scenario``, ``origin``, ``element`` or ``*``,
            ``availability``).
        groups: ``group``, ``origin``: one row per membership.
        content: ``origin``, ``element`` or ``*``, ``upstream``, ``fraction`` as given.
        folder: where the data came from: the folder, or the workbook.
        timeline: every row of the inputs, dated or not, with the columns and files only ``sourcing
            plan`` reads (:class:`~sourcing.timeline.Timeline`); the frames above are the rows in
            force in :attr:`year`.
        year: the year whose rows the frames above hold (None: the inputs have no dated row and no
            year was asked for).
        digests: (file, sha256) of every input file read: of a file's bytes, or of a workbook
            sheet's cells as read (each sheet its own, so that it changes when the sheet does).
        year_reason: why :attr:`year` is the year answered: the option that chose it (``--year
            2030``), or ``the first year the inputs name; --year to choose``; None without a year.
        warnings: what may be a mistake in valid inputs (an ignored file, an origin no scenario
            disrupts, a price far from the element's others); the CLI prints them on stderr.
        commitments: the contracts already signed for delivery in :attr:`year` (rows of
            commitments.csv): ``origin``, ``element``, ``volume`` (t), ``unit_cost`` (USD/kg; the
            offer's where the row gives none), ``given`` (``commitments.csv line N``); None: none.
    """

    offers: pd.DataFrame
    elements: pd.DataFrame
    caps: pd.DataFrame
    scenarios: pd.DataFrame
    disruptions: pd.DataFrame
    groups: pd.DataFrame
    content: pd.DataFrame
    folder: Path | None = None
    timeline: Timeline | None = field(default=None, repr=False, compare=False)
    year: int | None = None
    warnings: tuple[str, ...] = ()
    digests: tuple[tuple[str, str], ...] = ()
    year_reason: str | None = None
    commitments: pd.DataFrame | None = None
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def in_year(self, year: int, option: str | None = None) -> InputData:
        """The one-year data of the rows in force in ``year`` (with the same ``--cap`` overrides).

        ``option``: the option that asked for the year, named in the error if an element of
        demand.csv has no row in force then (exit 2); None: the error is located in demand.csv (exit 3).
        """
        if self.timeline is None:
            raise ValueError("this InputData has no timeline: load it with load_inputs")
        data = _resolve(self.timeline, int(year), option)
        out = replace(data, digests=self.digests, year_reason=option or f"--year {int(year)}")
        out._memo.update(data._memo)
        return out

    @property
    def origins(self) -> list[str]:
        """Every origin that offers something, sorted."""
        return sorted(self.offers["origin"].unique())

    def require_disjoint(self, command: str = "solve") -> None:
        """Refuse (exit 3) scenarios whose probabilities sum above 1 in this year: the one-year model
        reads them as disjoint scenarios of one year. Loading refuses them already unless asked for
        ``independent_events`` (``sourcing plan``'s annual hazards, of any sum); this guards the
        one-year LP against data loaded that way."""
        events = self.scenarios[self.scenarios["scenario"] != BASELINE]
        total = float(events["probability"].sum())
        if total > 1.0 + PROBABILITY_TOLERANCE:
            when = f" in {self.year}" if self.year is not None else ""
            where = Path(self.folder) if self.folder is not None else Path("scenarios.csv")
            book = where.is_file()
            raise InputError([Problem(
                str(where if book else where / "scenarios.csv" if self.folder is not None else where), 1, 1,
                f"the probabilities in force{when} sum to {total:.6g} (> 1): {command} reads them as disjoint "
                "scenarios of one year, which must sum to at most 1; lower them, or plan the years with "
                "sourcing plan, whose independent events read them as annual hazards of any sum",
                sheet="scenarios" if book else None)])

    def members(self, target: str) -> list[str]:
        """The origins a cap's ``origin`` names: a group's members, or the origin itself."""
        group = self.groups[self.groups["group"] == target]["origin"].tolist()
        return sorted(group) if group else [target]

    def words(self, message: str) -> str:
        """``message``, which names input files (``supply.csv``), in the words of the inputs' source:
        ``sheet supply`` where they came from a workbook."""
        return self.timeline.words(message) if self.timeline is not None else message

    def not_offered(self, target: str, element: str) -> str:
        """Where ``target`` (an origin, or a group's members) offers no ``element``: "in supply.csv",
        or, in a dated folder whose rows offer it from a later year, "in supply.csv in 2026 (its row
        holds from 2027)"."""
        supply = self.timeline.frames.get("supply") if self.timeline is not None else None
        where = "in supply.csv"
        if self.year is not None and supply is not None and "year" in supply:
            offered = supply["origin"].isin(self.members(target)) & (supply["element"] == element)
            later = supply.loc[offered & (supply["year"] > self.year), "year"]
            if len(later):
                where += f" in {self.year} (its row holds from {int(later.min())})"
        return self.words(where)

    def committed(self) -> tuple[np.ndarray, np.ndarray]:
        """Per offer (aligned to :attr:`offers`): C, the tonnes already contracted for :attr:`year`
        (its rows added up), and sum_rows C (cost - unit_cost), the USD/kg x t its own prices add
        to pricing C at the offer's ``unit_cost`` (zeros without commitments)."""
        n = len(self.offers)
        rows = self.commitments
        if rows is None or not len(rows):
            return np.zeros(n), np.zeros(n)
        index = pd.MultiIndex.from_frame(self.offers[["origin", "element"]])
        at = index.get_indexer(pd.MultiIndex.from_frame(rows[["origin", "element"]]))  # checked: every row is offered
        volume = rows["volume"].to_numpy(float)
        extra = volume * (rows["unit_cost"].to_numpy(float) - self.offers["unit_cost"].to_numpy(float)[at])
        return np.bincount(at, volume, minlength=n), np.bincount(at, extra, minlength=n)

    @_computed_once
    def offer_content(self) -> pd.DataFrame:
        """Upstream content of every offer: ``offer``, ``upstream``, ``fraction`` (> 0).

        An (origin, element) row of content.csv overrides that origin's ``*`` row for the same
        upstream country. An offer's own origin gets the rest, 1 - sum of the other fractions,
        unless content.csv names the origin itself as upstream; so with no content.csv every offer
        is its own origin's content alone.
        """
        offers = self.offers[["origin", "element"]].reset_index(names="offer")
        c = self.content
        star = c[c["element"] == ALL].drop(columns="element").merge(offers, on="origin")
        exact = c[c["element"] != ALL].merge(offers, on=["origin", "element"])
        listed = pd.concat([exact, star], ignore_index=True)
        listed = listed.drop_duplicates(subset=["offer", "upstream"], keep="first")
        own_listed = listed["upstream"] == listed["origin"]
        others = listed[~own_listed].groupby("offer")["fraction"].sum()
        own = offers.assign(upstream=offers["origin"])
        own["fraction"] = (1.0 - own["offer"].map(others).fillna(0.0)).clip(lower=0.0)
        own = own[~own["offer"].isin(listed.loc[own_listed, "offer"])]
        both = pd.concat([listed, own], ignore_index=True)[["offer", "upstream", "fraction"]]
        both = both[both["fraction"] > 0]
        return both.sort_values(["offer", "upstream"], ignore_index=True)

    @_computed_once
    def limits(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Every share limit in force, and its terms (:func:`sourcing.limits.share_limits`)."""
        return share_limits(self)

    @_computed_once
    def offer_caps(self) -> pd.Series:
        """The effective ``max_share`` of every offer from its own origin's plain caps (imports
        basis, origin scope, not via a group); 1 where none applies. Aligned to ``offers``."""
        limits, terms = self.limits()  # limits are numbered 0, 1, ... in row order
        plain = ((limits["kind"] == "max") & (limits["basis"] == IMPORTS) & (limits["scope"] == ORIGIN)).to_numpy()
        limit, offer = terms["limit"].to_numpy(), terms["offer"].to_numpy()
        own = plain[limit] & (limits["origin"].to_numpy()[limit] == self.offers["origin"].to_numpy()[offer])
        share = np.full(len(self.offers), np.inf)
        np.minimum.at(share, offer[own], limits["share"].to_numpy(float)[limit[own]])
        return pd.Series(np.where(np.isinf(share), 1.0, share), index=self.offers.index, name="max_share")

    @_computed_once
    def offer_availability(self) -> pd.DataFrame:
        """Availability below 1 per (scenario, offer): ``scenario``, ``offer`` (row of ``offers``),
        ``origin``, ``element``, ``availability``. Offers missing here arrive in full."""
        k, offer, availability = self.availability_arrays()
        return pd.DataFrame({
            "scenario": self.scenarios["scenario"].to_numpy()[k],
            "offer": offer,
            "origin": self.offers["origin"].to_numpy()[offer],
            "element": self.offers["element"].to_numpy()[offer],
            "availability": availability,
        })

    @_computed_once
    def availability_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`offer_availability` as arrays, in its row order: scenario (row of ``scenarios``),
        offer (row of ``offers``), availability. An (origin, element) row of disruptions.csv
        overrides the origin's ``*`` row; each ``*`` row stands for every offer of its origin (none
        where the origin offers nothing this year)."""
        d, offers = self.disruptions, self.offers
        n = len(offers)
        origin_codes, origin_names = pd.factorize(offers["origin"])
        element_index = pd.Index(self.elements["element"])
        origin_of = pd.Index(origin_names).get_indexer(d["origin"])
        k_of = pd.Index(self.scenarios["scenario"]).get_indexer(d["scenario"])
        avail = d["availability"].to_numpy(float)
        star = (d["element"] == ALL).to_numpy()
        # exact rows: the offer of (origin, element), where there is one
        table = np.full((len(origin_names) + 1, len(element_index) + 1), -1, dtype=np.int64)
        table[origin_codes, element_index.get_indexer(offers["element"])] = np.arange(n)
        exact = np.flatnonzero(~star)
        exact_offer = table[origin_of[exact], element_index.get_indexer(d["element"].to_numpy()[exact])]
        exact = exact[exact_offer >= 0]
        exact_offer = exact_offer[exact_offer >= 0]
        # '*' rows: every offer of the origin
        by_origin = np.argsort(origin_codes, kind="stable")
        count = np.bincount(origin_codes, minlength=len(origin_names))
        first = np.concatenate([[0], np.cumsum(count)[:-1]])
        rows = np.flatnonzero(star & (origin_of >= 0))  # an origin with no offer in force has nothing to hit
        reps = count[origin_of[rows]]
        row_of = np.repeat(rows, reps)
        within = np.arange(len(row_of)) - np.repeat(np.cumsum(reps) - reps, reps)
        star_offer = by_origin[first[origin_of[row_of]] + within]
        star_key = k_of[row_of].astype(np.int64) * n + star_offer
        exact_key = k_of[exact].astype(np.int64) * n + exact_offer
        overridden = np.sort(exact_key)
        at = np.minimum(np.searchsorted(overridden, star_key), max(len(overridden) - 1, 0))
        keep = overridden[at] != star_key if len(overridden) else np.ones(len(star_key), dtype=bool)
        key = np.concatenate([exact_key, star_key[keep]])
        value = np.concatenate([avail[exact], avail[row_of[keep]]])
        below = value < 1.0
        key, value = key[below], value[below]
        order = np.argsort(key)
        key, value = key[order], value[order]
        return key // max(n, 1), key % max(n, 1), value

    def with_caps(self, overrides: Mapping[str | tuple[str, str], float]) -> InputData:
        """A copy with caps overridden, as ``sourcing solve --cap`` does.

        A key ``origin`` (or group) sets its cap for every element it offers, replacing the
        ``max_share`` of all its plain rows (imports basis, origin scope; floors stay); a key
        ``(origin, element)`` sets that one cap. A share of 1 removes the cap. Origin-wide
        overrides apply first, so ``{"China": 0.5, ("China", "Tb"): 0.9}`` caps China at 50%
        everywhere but Tb.
        """
        caps = self.caps.copy()
        elements = set(self.elements["element"])
        origins = self.timeline.origins if self.timeline is not None else set(self.offers["origin"])
        targets = origins | set(self.groups["group"])
        ordered = sorted(overrides.items(), key=lambda kv: isinstance(kv[0], tuple))
        for key, share in ordered:
            origin, element = override_target("--cap", key, targets, elements)
            if element != ALL and not self.offers["origin"][self.offers["element"] == element].isin(
                    self.members(origin)).any():
                raise OptionError(f"--cap {origin}:{element}: {origin} offers no {element} "
                                  f"{self.not_offered(origin, element)}, so the cap would cap nothing; name an offer")
            if not (np.isfinite(share) and 0.0 <= share <= 1.0):
                raise OptionError(f"--cap {origin}: the share must lie in [0, 1], got {share}")
            plain = (caps["origin"] == origin) & (caps["basis"] == IMPORTS) & (caps["scope"] == ORIGIN)
            row = plain & (caps["element"] == element)
            option = f"--cap {origin}{'' if element == ALL else ':' + element}={share:g}"
            caps.loc[plain if element == ALL else row, ["max_share", "max_given"]] = [float(share), option]
            if not row.any():
                new = {"origin": origin, "element": element, "max_share": float(share), "min_share": 0.0,
                       "basis": IMPORTS, "scope": ORIGIN, "given": option, "max_given": option}
                caps = pd.concat([caps, pd.DataFrame([new])], ignore_index=True)
        caps = caps.sort_values(["origin", "element", "basis", "scope"], ignore_index=True)
        timeline = self.timeline.with_cap_overrides(overrides) if self.timeline is not None else None
        out = replace(self, caps=caps, timeline=timeline)
        out._memo.update({k: v for k, v in self._memo.items() if k in _CAPS_FREE})
        return out


FIRST_YEAR = "the first year the inputs name; --year to choose"
"""Why a one-year command answers the year it does when no option chose it."""


def override_target(option: str, key: str | tuple[str, str], targets: set[str], elements: set[str]) -> tuple[str, str]:
    """The (origin or group, element or ``*``) that a ``--cap``/``--floor`` key names, in NFC; an
    unknown name is an OptionError naming ``option`` with a did-you-mean."""
    origin, element = key if isinstance(key, tuple) else (key, ALL)
    origin, element = unicodedata.normalize("NFC", origin), unicodedata.normalize("NFC", element)
    if origin not in targets:
        raise OptionError(f"{option}: unknown origin or group {origin!r}{suggest(origin, targets)}")
    if element != ALL and element not in elements:
        raise OptionError(f"{option}: unknown element {element!r}{suggest(element, elements)}")
    return origin, element


def load_inputs(source: str | Path, year: int | None = None, *, option: str | None = None,
                independent_events: bool = False) -> InputData:
    """Read and validate the inputs at ``source`` (once, for ``solve`` and ``plan`` alike): a
    folder of CSV files, or a workbook (``.xlsx``) with one sheet per file (``supply``,
    ``demand``, ...), the same columns and the same rules.

    The frames of the :class:`InputData` are the rows in force in ``year``; by default in the
    first year named in a ``year`` column (the first year of ``sourcing plan``'s default horizon),
    or every row if no row is dated. ``timeline`` keeps every row for ``sourcing plan``.

    ``option``: how the caller names ``year`` in that error (default ``--year YEAR``).

    ``independent_events``: read the scenarios' probabilities as the annual hazards of independent
    events (``sourcing plan``'s default), whose sum may exceed 1; by default they are disjoint
    scenarios of one year and a sum above 1 is an input error at its row (contract v1).

    Raises:
        InputError: listing every problem found, each as ``file:line:column: message`` (in a
            workbook ``book.xlsx:sheet!C7: message``).
        OptionError: ``year`` was given and an element of demand.csv has no row in force then.
    """
    where = open_source(source)
    problems = Collector(where, SPECS.values())
    with paused_gc():
        frames = {key: read_table(problems, spec) for key, spec in SPECS.items()}
        inherit(problems, frames)
    if problems.problems:  # cross-file checks only make sense on files that parse
        raise InputError(problems.finish())
    check_references(problems, frames, independent_events=independent_events)
    if problems.problems:
        raise InputError(problems.finish())
    if frames.get("commitments") is not None:  # where each commitment was signed, for the messages
        rows = frames["commitments"]
        frames["commitments"] = rows.assign(given=[problems.where(SPECS["commitments"], row) for row in rows.index])
    caps = frames["caps"]
    if caps is not None:  # where each limit was set, for the messages that name it
        given = [problems.where(SPECS["caps"], row) for row in caps.index]
        frames["caps"] = caps.assign(given=given, max_given=given)
    timeline = Timeline.read(problems, frames)
    said = {"warnings": tuple(problems.source.words(w) for w in advise(problems, frames)),
            "digests": tuple(problems.digests.items())}
    if year is not None:
        option = option or f"--year {int(year)}"
        return replace(_resolve(timeline, int(year), option), **said, year_reason=option)
    horizon = timeline.default_horizon()
    if horizon is None:
        return replace(_assemble(timeline.frames_in_force(None), timeline, None), **said)
    return replace(_resolve(timeline, horizon[0], None), **said, year_reason=FIRST_YEAR)


def _resolve(timeline: Timeline, year: int, option: str | None) -> InputData:
    """The one-year data of ``year``, with the timeline's ``--cap`` overrides applied."""
    timeline.check_year(year, option, horizon=" (the first year named in a year column)")
    data = _assemble(timeline.frames_in_force(year), replace(timeline, cap_overrides=()), year)
    for overrides in timeline.cap_overrides:
        data = data.with_caps(overrides)
    return data


def load_plan(path: str | Path, data: InputData, sheet: str | None = None) -> pd.Series:
    """Read a plan (``origin``, ``element``, ``volume`` t/yr) for ``data``: volume per offer.

    ``path`` is a CSV file, or with ``sheet`` a workbook holding the plan in that sheet (see
    :func:`sourcing.sources.locate_plan`). Offers missing from the plan get 0. Every (origin,
    element) must be an offer of ``supply.csv``.

    Raises:
        InputError: listing every problem as ``file:line:column: message`` (``book.xlsx:plan!C3``).
    """
    path = Path(path)
    spec = replace(PLAN_SPEC, name=f"{sheet}.csv" if sheet else path.name)
    problems = Collector(Book(path) if sheet else Folder(path.parent), [spec])
    frame = read_table(problems, spec)
    if frame is not None:
        origins, elements = set(data.offers["origin"]), set(data.elements["element"])
        keys = set(zip(data.offers["origin"], data.offers["element"]))
        for row in frame.itertuples():
            if row.origin not in origins:
                problems.add(spec, [row.Index], "origin",
                           data.words(f"origin {row.origin!r} is not in the inputs' supply.csv")
                             + suggest(row.origin, origins))
            elif row.element not in elements:
                problems.add(spec, [row.Index], "element",
                           data.words(f"element {row.element!r} is not in the inputs' demand.csv")
                             + suggest(row.element, elements))
            elif (row.origin, row.element) not in keys:
                problems.add(spec, [row.Index], "element",
                           f"{row.origin} does not offer {row.element} {data.not_offered(row.origin, row.element)}; "
                           "remove the row or add the offer")
    if problems.problems:
        raise InputError(problems.finish())
    index = pd.MultiIndex.from_frame(data.offers[["origin", "element"]])
    volume = frame.set_index(["origin", "element"])["volume"].reindex(index, fill_value=0.0)
    return pd.Series(volume.to_numpy(float), index=data.offers.index, name="volume")


def _assemble(frames: dict[str, pd.DataFrame | None], timeline: Timeline, year: int | None) -> InputData:
    """The one-year :class:`InputData` of ``frames`` (rows in force), without the plan-only columns."""

    def frame(key: str, extra: tuple[str, ...] = ()) -> pd.DataFrame:
        spec = SPECS[key]
        got = frames[key]
        names = spec.v1_columns
        if got is None:
            got = pd.DataFrame({c.name: pd.Series(dtype=float if c.kind in NUMERIC_KINDS else str)
                                for c in spec.columns if c.name in names} | {n: pd.Series(dtype=str) for n in extra})
        return got[names + list(extra)]

    offers = frame("supply").sort_values(["element", "origin"], ignore_index=True)
    stockpile = frame("stockpile").set_index("element")
    elements = frame("demand").sort_values("element", ignore_index=True)
    elements["stock"] = elements["element"].map(stockpile["stock"]).fillna(0.0).astype(float)
    max_stock = elements["element"].map(stockpile["max_stock"]).astype(float)
    elements["max_stock"] = max_stock.fillna(elements["stock"])
    elements["holding_cost"] = elements["element"].map(stockpile["holding_cost"]).fillna(0.0).astype(float)
    caps = frame("caps", ("given", "max_given")).sort_values(["origin", "element", "basis", "scope"],
                                                             ignore_index=True)
    scenarios = frame("scenarios").sort_values("scenario", ignore_index=True)
    remainder = 1.0 - float(scenarios["probability"].sum())
    if remainder > PROBABILITY_TOLERANCE:
        base = pd.DataFrame({"scenario": [BASELINE], "probability": [remainder],
                             "description": ["implicit: no disruption, everything arrives"]})
        scenarios = pd.concat([base, scenarios], ignore_index=True)
    disruptions = frame("disruptions").sort_values(["scenario", "origin", "element"], ignore_index=True)
    disruptions = disruptions[disruptions["scenario"].isin(scenarios["scenario"])].reset_index(drop=True)  # dated
    groups = frame("groups").sort_values(["group", "origin"], ignore_index=True)
    content = frame("content").sort_values(["origin", "element", "upstream"], ignore_index=True)
    return InputData(offers, elements, caps, scenarios, disruptions, groups, content, timeline.folder, timeline, year,
                     commitments=_commitments_of(timeline, offers, year))


def _commitments_of(timeline: Timeline, offers: pd.DataFrame, year: int | None) -> pd.DataFrame | None:
    """The rows of commitments.csv for delivery in ``year``, an empty ``unit_cost`` filled with the
    offer's (None without the file or a year)."""
    rows = timeline.frames.get("commitments")
    if rows is None or year is None:
        return None
    rows = rows[rows[YEAR] == year]
    price = pd.Series(offers["unit_cost"].to_numpy(float),
                      index=pd.MultiIndex.from_frame(offers[["origin", "element"]]))
    own = price.reindex(pd.MultiIndex.from_frame(rows[["origin", "element"]])).to_numpy(float)
    return pd.DataFrame({"origin": rows["origin"].to_numpy(), "element": rows["element"].to_numpy(),
                         "volume": rows["volume"].to_numpy(float),
                         "unit_cost": np.where(rows["unit_cost"].isna(), own, rows["unit_cost"].to_numpy(float)),
                         "given": rows["given"].to_numpy()})
