"""Load an input folder, validate it once, and return a read-only :class:`InputData`.

Every problem in every file is collected and reported together as ``file:line:column: message``
(1-based; line 1 is the header). Nothing downstream re-checks the data: a model is only ever built
from an :class:`InputData`, and an :class:`InputData` only ever comes out of :func:`load_inputs`.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import wraps
from pathlib import Path

import numpy as np
import pandas as pd

from sourcing.errors import InputError, OptionError, Problem
from sourcing.speed import paused_gc

ALL = "*"
"""In an ``element`` column of ``caps.csv`` or ``disruptions.csv``: every element."""
BASELINE = "baseline"
"""The implicit scenario holding the probability ``1 - sum(probability)``; everything arrives."""
MAX_MAGNITUDE = 1e12
"""Numbers must lie below this; HiGHS treats 1e20 as infinite and large spreads hurt accuracy."""
PROBABILITY_TOLERANCE = 1e-9
"""Slack allowed when checking that probabilities sum to at most 1."""
FREE_COLUMNS = ("source", "note")
IMPORTS, DEMAND = "imports", "demand"
BASES = (IMPORTS, DEMAND)
"""``basis`` of a cap: a share of the element's contracted total (imports) or of its demand."""
ORIGIN, CONTENT = "origin", "content"
SCOPES = (ORIGIN, CONTENT)
"""``scope`` of a cap: the shipping origin's volume, or the upstream content from content.csv."""
FRACTION_TOLERANCE = 1e-9
"""Slack allowed when checking that the content fractions of one offer sum to at most 1."""
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
    one_of: tuple[str, ...] = ()  # at least one of these optional columns must be present

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
        (
            Column("origin", "name"),
            Column("element", "name", star=True),
            Column("max_share", "share", required=False, default=np.nan),
            Column("min_share", "share", required=False, default=0.0),
            Column("basis", "name", required=False, default=IMPORTS, choices=BASES),
            Column("scope", "name", required=False, default=ORIGIN, choices=SCOPES),
        ),
        ("origin", "element", "basis", "scope"),
        False,
        one_of=("max_share", "min_share"),
    ),
    "groups": FileSpec(
        "groups.csv",
        (Column("group", "name"), Column("origin", "name")),
        ("group", "origin"),
        False,
    ),
    "content": FileSpec(
        "content.csv",
        (
            Column("origin", "name"),
            Column("element", "name", star=True),
            Column("upstream", "name"),
            Column("fraction", "share"),
        ),
        ("origin", "element", "upstream"),
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
        (
            Column("element", "name"),
            Column("stock", "number"),
            Column("max_stock", "number", required=False, default=np.nan),
            Column("holding_cost", "number", required=False, default=0.0),
        ),
        ("element",),
        False,
    ),
}


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
            after any override from :meth:`with_caps`.
        scenarios: ``scenario``, ``probability``, ``description``; includes ``baseline`` when the
            given probabilities sum to less than 1.
        disruptions: the availability rows as given (``scenario``, ``origin``, ``element`` or ``*``,
            ``availability``).
        groups: ``group``, ``origin``: one row per membership.
        content: ``origin``, ``element`` or ``*``, ``upstream``, ``fraction`` as given.
        folder: where the data came from, if from a folder.
    """

    offers: pd.DataFrame
    elements: pd.DataFrame
    caps: pd.DataFrame
    scenarios: pd.DataFrame
    disruptions: pd.DataFrame
    groups: pd.DataFrame
    content: pd.DataFrame
    folder: Path | None = None
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def origins(self) -> list[str]:
        """Every origin that offers something, sorted."""
        return sorted(self.offers["origin"].unique())

    def members(self, target: str) -> list[str]:
        """The origins a cap's ``origin`` names: a group's members, or the origin itself."""
        group = self.groups[self.groups["group"] == target]["origin"].tolist()
        return sorted(group) if group else [target]

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
        """Every share limit in force, and its terms.

        Returns ``(limits, terms)``. ``limits`` has one row per limit: ``limit`` (id), ``origin``
        (as named in caps.csv), ``element``, ``kind`` (``max`` or ``min``), ``basis``, ``scope``,
        ``share`` (the limit), ``max_share`` and ``min_share`` (of its caps.csv row).
        ``terms`` has ``limit``, ``offer`` (row of ``offers``), ``weight``: the limit holds
        sum_o weight x[o,e] against share times the basis. An (origin, element) row overrides
        the same origin's ``*`` row of the same basis and scope. A max limit exists where
        ``max_share`` is given and below 1, or on the ``demand`` basis (where 1 still binds);
        a min limit where ``min_share`` > 0.
        """
        offers = self.offers
        caps = self.caps
        content = self.offer_content() if (caps["scope"] == CONTENT).any() else None
        element_code, element_names = pd.factorize(offers["element"])  # offers are sorted by element
        element_code_of = {name: code for code, name in enumerate(element_names)}
        offers_of = {o: np.asarray(i) for o, i in offers.groupby("origin", sort=False).indices.items()}
        members_of = {g: sorted(o) for g, o in self.groups.groupby("group", sort=False)["origin"]}
        no_offer = np.empty(0, dtype=np.int64)
        limit_rows, term_limit, term_offer, term_weight = [], [], [], []
        exact_keys = set(
            caps.loc[caps["element"] != ALL, ["origin", "element", "basis", "scope"]].itertuples(index=False, name=None)
        )
        for cap in caps.itertuples(index=False):
            members = members_of.get(cap.origin, [cap.origin])
            if cap.scope == ORIGIN:
                idx = np.sort(np.concatenate([offers_of.get(o, no_offer) for o in members]))
                weight = np.ones(len(idx))
            else:
                got = content[content["upstream"].isin(members)].groupby("offer")["fraction"].sum()
                full = got.reindex(offers.index, fill_value=0.0).to_numpy()
                idx = np.flatnonzero(full > 0)
                weight = full[idx]
            codes = element_code[idx]
            covered = element_names[np.unique(codes)]
            if cap.element == ALL:
                elements = [e for e in covered if (cap.origin, e, cap.basis, cap.scope) not in exact_keys]
            else:
                elements = [cap.element] if cap.element in covered or cap.basis == DEMAND else []
            has_max = not np.isnan(cap.max_share) and (cap.max_share < 1.0 or cap.basis == DEMAND)
            kinds = [("max", cap.max_share)] if has_max else []
            kinds += [("min", cap.min_share)] if cap.min_share > 0 else []
            for element in elements:
                mask = codes == element_code_of.get(element, -1)
                for kind, share in kinds:
                    ident = len(limit_rows)
                    max_share = 1.0 if np.isnan(cap.max_share) else float(cap.max_share)
                    limit_rows.append((ident, cap.origin, element, kind, cap.basis, cap.scope, float(share),
                                       max_share, float(cap.min_share)))
                    term_limit.append(np.full(int(mask.sum()), ident, dtype=np.int64))
                    term_offer.append(idx[mask])
                    term_weight.append(weight[mask])
        cols = ["limit", "origin", "element", "kind", "basis", "scope", "share", "max_share", "min_share"]
        limits = pd.DataFrame(limit_rows, columns=cols)
        order = limits.sort_values(["element", "origin", "basis", "scope", "kind"], kind="stable")["limit"]
        renumber = np.empty(len(order), dtype=np.int64)
        renumber[order.to_numpy(dtype=np.int64)] = np.arange(len(order))
        limits = limits.assign(limit=limits["limit"].map(dict(zip(order, range(len(order))))))
        limits = limits.sort_values("limit", ignore_index=True)
        join = (lambda parts, dtype: np.concatenate(parts).astype(dtype)) if term_limit else (
            lambda parts, dtype: np.empty(0, dtype=dtype))
        limit_of = renumber[join(term_limit, np.int64)]
        offer_of = join(term_offer, np.int64)
        rank = np.lexsort((offer_of, limit_of))
        terms = pd.DataFrame({"limit": limit_of[rank], "offer": offer_of[rank],
                              "weight": join(term_weight, float)[rank]})
        return limits, terms

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
        overrides the origin's ``*`` row; each ``*`` row stands for every offer of its origin."""
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
        rows = np.flatnonzero(star)
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
        targets = set(self.offers["origin"]) | set(self.groups["group"])
        ordered = sorted(overrides.items(), key=lambda kv: isinstance(kv[0], tuple))
        for key, share in ordered:
            origin, element = key if isinstance(key, tuple) else (key, ALL)
            if origin not in targets:
                raise OptionError(f"--cap: unknown origin or group {origin!r}{_suggest(origin, targets)}")
            if element != ALL and element not in elements:
                raise OptionError(f"--cap: unknown element {element!r}{_suggest(element, elements)}")
            if not (np.isfinite(share) and 0.0 <= share <= 1.0):
                raise OptionError(f"--cap {origin}: the share must lie in [0, 1], got {share}")
            plain = (caps["origin"] == origin) & (caps["basis"] == IMPORTS) & (caps["scope"] == ORIGIN)
            row = plain & (caps["element"] == element)
            caps.loc[plain if element == ALL else row, "max_share"] = float(share)
            if not row.any():
                new = {"origin": origin, "element": element, "max_share": float(share), "min_share": 0.0,
                       "basis": IMPORTS, "scope": ORIGIN}
                caps = pd.concat([caps, pd.DataFrame([new])], ignore_index=True)
        caps = caps.sort_values(["origin", "element", "basis", "scope"], ignore_index=True)
        out = replace(self, caps=caps)
        out._memo.update({k: v for k, v in self._memo.items() if k in _CAPS_FREE})
        return out


def load_inputs(folder: str | Path) -> InputData:
    """Read and validate the contract's CSV files in ``folder``.

    Raises:
        InputError: listing every problem found, each as ``file:line:column: message``.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError([Problem(str(folder), 1, 1, "no such folder; pass --inputs DIR")])
    reader = _Reader(folder)
    with paused_gc():
        frames = {key: reader.read(spec) for key, spec in SPECS.items()}
    if reader.problems:  # cross-file checks only make sense on files that parse
        raise InputError(reader.finish())
    _check_references(reader, frames)
    if reader.problems:
        raise InputError(reader.finish())
    return _assemble(frames, folder)


PLAN_SPEC = FileSpec(
    "plan.csv",
    (Column("origin", "name"), Column("element", "name"), Column("volume", "number")),
    ("origin", "element"),
    True,
)


def load_plan(path: str | Path, data: InputData) -> pd.Series:
    """Read a plan (``origin``, ``element``, ``volume`` t/yr) for ``data``: volume per offer.

    Offers missing from the file get 0. Every (origin, element) must be an offer of ``supply.csv``.

    Raises:
        InputError: listing every problem as ``file:line:column: message``.
    """
    path = Path(path)
    spec = replace(PLAN_SPEC, name=path.name)
    reader = _Reader(path.parent, specs={spec.name: spec})
    frame = reader.read(spec)
    if frame is not None:
        origins, elements = set(data.offers["origin"]), set(data.elements["element"])
        keys = set(zip(data.offers["origin"], data.offers["element"]))
        for row in frame.itertuples():
            if row.origin not in origins:
                reader.add(spec, [row.Index], "origin",
                           f"origin {row.origin!r} is not in the inputs' supply.csv{_suggest(row.origin, origins)}")
            elif row.element not in elements:
                reader.add(spec, [row.Index], "element",
                           f"element {row.element!r} is not in the inputs' demand.csv{_suggest(row.element, elements)}")
            elif (row.origin, row.element) not in keys:
                reader.add(spec, [row.Index], "element",
                           f"{row.origin} does not offer {row.element} in supply.csv; remove the row or add the offer")
    if reader.problems:
        raise InputError(reader.finish())
    index = pd.MultiIndex.from_frame(data.offers[["origin", "element"]])
    volume = frame.set_index(["origin", "element"])["volume"].reindex(index, fill_value=0.0)
    return pd.Series(volume.to_numpy(float), index=data.offers.index, name="volume")


# --------------------------------------------------------------------------------------------
# reading one file


class _Reader:
    """Reads files against their spec and collects problems, located by row position."""

    def __init__(self, folder: Path, specs: dict[str, FileSpec] | None = None) -> None:
        self.folder = folder
        self.order = {spec.name: i for i, spec in enumerate((specs or SPECS).values())}
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

    def finish(self) -> list[Problem]:
        order = self.order
        out = []
        for name, row, col, msg in self.problems:
            line = 1 if row == -1 else (-1 - row if row < -1 else self._lines[name].line(row))
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
            with warnings.catch_warnings():
                warnings.simplefilter("error", pd.errors.ParserWarning)
                raw = pd.read_csv(
                    io.StringIO(text),
                    dtype=str,
                    keep_default_na=False,
                    na_filter=False,
                    skip_blank_lines=False,
                    header=0,
                    index_col=False,
                )
        except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
            self._lines[spec.name] = _LineMap(text, 0)
            found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
            if found:
                want, line, saw = map(int, found.groups())
                message = f"{saw} fields where the header has {want}; quote values that contain commas"
                self.problems.append((spec.name, -1 - line, want + 1, message))
            else:
                self.add(spec, [-1], None, f"a row has more fields than the header ({len(header)}); "
                         "quote values that contain commas")
            return None
        self._lines[spec.name] = _LineMap(text, len(raw))
        if not ok:
            return None
        raw.columns = header
        if _may_be_padded(text):
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
        if spec.one_of and not any(name in header for name in spec.one_of):
            self.add(spec, [-1], None, f"missing column: give at least one of {', '.join(spec.one_of)}")
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
                        expected = ", ".join(col.choices)
                        self.add(spec, [row], col.name, f"got {values[row]!r}; expected one of {expected}")
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


_PADDED = re.compile(r'(?:^|[,\n\r])[^\S\n\r]|[^\S\n\r](?:[,\n\r]|$)')
"""White space next to a delimiter or a line break: where an unquoted value might need stripping."""


def _may_be_padded(text: str) -> bool:
    """Whether some value in ``text`` may start or end with white space (False: stripping changes
    nothing). Quoted values (which may hold line breaks) and non-ASCII text are always stripped;
    large files of names and numbers hold no white space at all, which is checked first."""
    if '"' in text or not text.isascii():
        return True
    return any(c in text for c in " \t\x0b\x0c\x1c\x1d\x1e\x1f") and _PADDED.search(text) is not None


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
        for row in frame.index[bad]:
            name = values[row]
            reader.add(SPECS[key], [row], column, f"{column} {name!r} is not defined in {where}{_suggest(name, known)}")

    must_exist("supply", "element", elements, "demand.csv")
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
            reader.add(SPECS["groups"], [row], "group",
                       f"group {groups.at[row, 'group']!r} has the name of an origin in supply.csv; rename the group")
    if caps is not None:
        neither = caps["max_share"].isna() & (caps["min_share"] <= 0)
        reader.add(SPECS["caps"], caps.index[neither], "max_share",
                   "missing value: give max_share (a cap) or min_share (a floor), or both")
        above = caps["min_share"] > caps["max_share"].fillna(1.0)
        for row in caps.index[above]:
            reader.add(SPECS["caps"], [row], "min_share",
                       f"floor min_share {caps.at[row, 'min_share']:g} is above the cap max_share "
                       f"{caps.at[row, 'max_share']:g}; no plan can meet both")
    if content is not None:
        offers = supply[["origin", "element"]]
        star = content[content["element"] == ALL].drop(columns="element").reset_index(names="row").merge(
            offers, on="origin")
        exact = content[content["element"] != ALL].reset_index(names="row").merge(offers, on=["origin", "element"])
        listed = pd.concat([exact, star], ignore_index=True).drop_duplicates(
            subset=["origin", "element", "upstream"], keep="first")
        total = listed.groupby(["origin", "element"])["fraction"].sum()
        for (origin, element), value in total[total > 1.0 + FRACTION_TOLERANCE].items():
            rows = listed[(listed["origin"] == origin) & (listed["element"] == element)]["row"]
            reader.add(SPECS["content"], [int(rows.max())], "fraction",
                       f"content fractions of {origin} {element} sum to {value:.6g} (> 1); "
                       "they are parts of one offer's material")

    stockpile = frames["stockpile"]
    if stockpile is not None:
        low = stockpile["max_stock"] < stockpile["stock"]
        for row in stockpile.index[low]:
            held, most = stockpile.at[row, "stock"], stockpile.at[row, "max_stock"]
            reader.add(SPECS["stockpile"], [row], "max_stock",
                       f"max_stock {most:g} t is below stock {held:g} t; the stock level can only be raised")

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
    stockpile = frame("stockpile").set_index("element")
    elements = frame("demand").sort_values("element", ignore_index=True)
    elements["stock"] = elements["element"].map(stockpile["stock"]).fillna(0.0).astype(float)
    max_stock = elements["element"].map(stockpile["max_stock"]).astype(float)
    elements["max_stock"] = max_stock.fillna(elements["stock"])
    elements["holding_cost"] = elements["element"].map(stockpile["holding_cost"]).fillna(0.0).astype(float)
    caps = frame("caps").sort_values(["origin", "element", "basis", "scope"], ignore_index=True)
    scenarios = frame("scenarios").sort_values("scenario", ignore_index=True)
    remainder = 1.0 - float(scenarios["probability"].sum())
    if remainder > PROBABILITY_TOLERANCE:
        base = pd.DataFrame({"scenario": [BASELINE], "probability": [remainder],
                             "description": ["implicit: no disruption, everything arrives"]})
        scenarios = pd.concat([base, scenarios], ignore_index=True)
    disruptions = frame("disruptions").sort_values(["scenario", "origin", "element"], ignore_index=True)
    groups = frame("groups").sort_values(["group", "origin"], ignore_index=True)
    content = frame("content").sort_values(["origin", "element", "upstream"], ignore_index=True)
    return InputData(offers, elements, caps, scenarios, disruptions, groups, content, folder)
