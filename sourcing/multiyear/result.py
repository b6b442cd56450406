"""What ``sourcing plan`` returns: a read-only dataclass of pandas frames, and its JSON form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sourcing.model import RiskOptions
from sourcing.multiyear.outlook import BY_ORIGIN

FIGURES = ("objective", "procurement_cost", "spot_cost", "stockpile_cost", "investment_cost",
           "terminal_shortfall_cost", "expected_shortage_cost", "cvar")
"""The plan's figures, present values in USD, expected over the paths (CVaR: over the path losses)."""


@dataclass(frozen=True)
class PlanResult:
    """An optimal multi-year plan on the tree of disruption paths. Money in USD (present values,
    expected over the paths), volumes in t (per year), capacities in t/yr. Treat frames as read-only.

    A decision shared by several paths (taken at a node they share) is repeated in each path's rows.

    Attributes:
        status: ``"optimal"``.
        years: the horizon's years; ``discount_rate`` r; ``options`` the risk options.
        objective: procurement + spot + stockpile + investment + terminal shortfall cost
            + risk_weight ((1 - cvar_weight) expected_shortage_cost + cvar_weight cvar).
        procurement_cost, spot_cost, stockpile_cost, investment_cost, terminal_shortfall_cost,
        expected_shortage_cost: E_s of each part (expected_shortage_cost = E_s[L_s]).
        cvar: CVaR of the path losses L_s at ``options.cvar_level`` (reported whatever the weight).
        paths: ``path`` (``baseline``, or its ``event@year`` pairs joined by ``+``), ``event`` and
            ``start`` (of a one-event path; None otherwise), ``probability`` (its probability, or
            sampled weight), ``events`` (its pairs as ``{"event", "start"}``), ``weight`` (= probability).
        volumes: per path, year and offer in force: ``volume`` (X, t), ``spot`` (Z, t), ``signed``
            (the year the contract is signed: year - lead_time).
        stock: per path, year and element: ``stock`` (S, end of year), ``release`` (W), ``into_stock``
            (B), ``shortage`` (U); W and B are netted (at most one of them is positive).
        terminal: per path and element: ``shortfall`` (V, t short of terminal_stock).
        investments: per path, project and decision year: ``capacity`` (I, t/yr), zeros included.
        survival: along the no-event history, per year, element and origin delivering in that
            year: ``days`` the stock at the start of the year covers the deficit if that origin
            stopped at the start of the year (NaN where the others cover demand).
        path_costs: per path: ``probability`` and the path's ``procurement_cost``, ``spot_cost``,
            ``stockpile_cost``, ``investment_cost``, ``terminal_shortfall_cost``, ``shortage_cost``
            (L_s), ``total`` (their sum), present values in USD.
        offers: per year and offer in force: ``unit_cost``, ``spot_cost`` (NaN: no spot), ``capacity``,
            ``min_volume``, ``lead_time``.
        elements: per year and element: ``demand``, ``shortage_cost``, ``max_stock``, ``holding_cost``.
        limits: per year, the share limits in force (P4): ``origin`` (an origin, group or upstream
            country), ``element``, ``kind`` (``max``/``min``), ``basis``, ``scope``, ``limit``.
        stockpile: per element: ``stock`` (initial, end of the year before y0), ``terminal_stock``.
        projects: investments.csv as used: ``project``, ``origin``, ``element``, ``capex``,
            ``lead_time``, ``max_capacity``, ``first_year``, ``life``, ``annual_cost_per_t`` (USD per
            t/yr and year online: capex x CRF).
        sign_now: the decisions of the root node, taken before any event is known and shared by
            every path: ``decision`` (``contract`` or ``investment``), ``origin``, ``element``,
            ``year`` (a contract's year of delivery; an investment's decision year, y0), ``signed``
            (the year it is signed or decided, <= y0), ``volume`` (t, contracts), ``project`` and
            ``capacity`` (t/yr) and ``online`` (first year online) for investments; zeros included.
        trajectory: per year and element, over the paths weighted by their probabilities:
            ``demand``, the expected ``volume`` contracted (in all, and ``volume:ORIGIN`` per
            origin, NaN where the origin has no offer in force), expected ``spot``, ``stock`` (mean,
            ``stock_p5``, ``stock_p95``), ``shortage`` (mean, ``shortage_p95``) and
            ``shortage_probability`` (see :mod:`sourcing.multiyear.outlook` for the percentiles).
        iterations: simplex iterations HiGHS took.
        value_of_information: VSS, EVPI and their parts, when asked for.
        tree: how the paths were made: ``events`` (``independent`` or ``first``), ``exact``,
            ``paths`` (distinct paths), ``sample_size`` and ``seed`` (None for an exact tree),
            ``mass_left_out`` (the probability of the paths below 1e-12, left out).
        replications: with ``--replications R`` > 1, the error of the sampled tree
            (:class:`sourcing.multiyear.spread.Replications`); this plan is the first tree's.
        decomposition: with ``--decompose ph``, how progressive hedging ended: ``method``,
            ``ranks``, ``iterations``, ``outer_bound``, ``inner_bound``, ``gap``, ``seconds``,
            ``piece_paths`` (the most paths a piece of the inner bound's evaluation may hold) and
            ``pieces`` (how many there were; 1: the whole tree); this plan is then the inner bound's.
    """

    status: str
    years: tuple[int, ...]
    discount_rate: float
    options: RiskOptions
    objective: float
    procurement_cost: float
    spot_cost: float
    stockpile_cost: float
    investment_cost: float
    terminal_shortfall_cost: float
    expected_shortage_cost: float
    cvar: float
    paths: pd.DataFrame
    volumes: pd.DataFrame
    stock: pd.DataFrame
    terminal: pd.DataFrame
    investments: pd.DataFrame
    survival: pd.DataFrame
    path_costs: pd.DataFrame
    offers: pd.DataFrame
    elements: pd.DataFrame
    limits: pd.DataFrame
    stockpile: pd.DataFrame
    projects: pd.DataFrame
    sign_now: pd.DataFrame
    trajectory: pd.DataFrame
    iterations: int = 0
    value_of_information: dict[str, float] | None = None
    tree: dict[str, Any] | None = None
    replications: Any = None
    decomposition: dict[str, Any] | None = None

    def __repr__(self) -> str:
        funded = self.investments[self.investments["capacity"] > 0]
        return (
            f"PlanResult({self.status}: {self.years[0]}-{self.years[-1]}, {len(self.paths)} paths; objective "
            f"{self.objective / 1e6:,.3f} M USD = procurement {self.procurement_cost / 1e6:,.3f} M + spot "
            f"{self.spot_cost / 1e6:,.3f} M + stockpile {self.stockpile_cost / 1e6:,.3f} M + investment "
            f"{self.investment_cost / 1e6:,.3f} M + risk; {funded['project'].nunique()} projects funded on some path)"
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``sourcing plan --format json`` (the keys docs/plan.md lists)."""
        doc: dict[str, Any] = {
            "status": self.status,
            "years": [int(y) for y in self.years],
            "discount_rate": float(self.discount_rate),
        }
        doc.update({name: float(getattr(self, name)) for name in FIGURES})
        doc.update({"risk_weight": self.options.risk_weight, "cvar_weight": self.options.cvar_weight,
                    "cvar_level": self.options.cvar_level})
        if self.tree is not None:
            doc["tree"] = dict(self.tree)
        doc["sign_now"] = records(self.sign_now)
        doc["trajectory"] = trajectory_records(self.trajectory)
        doc["paths"] = records(self.paths)
        doc["volumes"] = records(self.volumes[["path", "year", "origin", "element", "volume", "spot", "signed"]])
        doc["stock"] = records(self.stock)
        doc["terminal"] = records(self.terminal)
        doc["investments"] = records(self.investments)
        doc["survival"] = records(self.survival)
        doc["path_costs"] = records(self.path_costs)
        doc["projects"] = records(self.projects)
        if self.value_of_information is not None:
            doc.update({k: float(v) for k, v in self.value_of_information.items()})
        if self.replications is not None:
            doc["replications"] = self.replications.to_dict()
        if self.decomposition is not None:
            doc["decomposition"] = dict(self.decomposition)
        return doc


def trajectory_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The trajectory's rows, each origin's ``volume:ORIGIN`` column gathered into one object
    ``volume_by_origin`` (the origins with an offer in force that year)."""
    by_origin = [c for c in frame.columns if c.startswith(BY_ORIGIN)]
    rest = records(frame.drop(columns=by_origin))
    volumes = records(frame[by_origin])
    out = []
    for row, mine in zip(rest, volumes):
        got = {name.removeprefix(BY_ORIGIN): v for name, v in mine.items() if v is not None}
        at = list(row).index("volume") + 1
        items = list(row.items())
        out.append(dict(items[:at] + [("volume_by_origin", got)] + items[at:]))
    return out


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts of plain Python values; NaN becomes None (JSON null)."""
    columns = list(frame.columns)
    data = []
    for name in columns:
        values = frame[name].to_numpy()
        if values.dtype.kind == "f":
            data.append([None if v != v else float(v) for v in values.tolist()])
        elif values.dtype.kind in "iub":
            data.append(values.tolist())
        else:
            data.append([v.item() if isinstance(v, np.generic) else v for v in values.tolist()])
    return [dict(zip(columns, row)) for row in zip(*data)]
