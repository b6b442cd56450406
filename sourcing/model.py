"""Build the Pyomo model of the contract's LP from validated data. Builds only: no I/O, no solving.

Sets are UPPERCASE, indices lowercase, and every component carries the name used in the CSV headers,
result columns and docs/model.md. The math letters of docs/model.md live in the ``doc=`` strings:

    x[o,e] = volume, X[e] = total_volume, s[e] = stock_level, w[e,k] = stock_release,
    u[e,k] = shortage, L[k] = loss, eta = cvar_threshold, z[k] = cvar_excess.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sourcing.data import InputData
from sourcing.errors import OptionError
from sourcing.schema import IMPORTS
from sourcing.speed import paused_gc

if TYPE_CHECKING:
    import pyomo.environ as pyo

USD_PER_KG_TO_USD_PER_T = 1000.0
"""Costs are given per kg, volumes in tonnes."""


@dataclass(frozen=True)
class RiskOptions:
    """How the objective weighs disruption losses.

    Attributes:
        risk_weight: lambda >= 0; 1 makes the objective the expected cost of procurement plus
            disruption losses, 0 ignores disruptions.
        cvar_weight: omega in [0, 1]; the share of the risk term given to CVaR instead of the mean.
        cvar_level: beta in [0, 1); CVaR averages the worst 1 - beta of probability mass.
    """

    risk_weight: float = 1.0
    cvar_weight: float = 0.0
    cvar_level: float = 0.95

    def __post_init__(self) -> None:
        checks = (
            ("risk_weight", self.risk_weight, 0.0 <= self.risk_weight < 1e6, "a number >= 0 (and below 1e6)"),
            ("cvar_weight", self.cvar_weight, 0.0 <= self.cvar_weight <= 1.0, "a number in [0, 1]"),
            ("cvar_level", self.cvar_level, 0.0 <= self.cvar_level < 1.0, "a number in [0, 1)"),
        )
        for name, value, ok, expected in checks:
            if not (np.isfinite(value) and ok):
                raise OptionError(f"--{name.replace('_', '-')} must be {expected}, got {value}")

    @property
    def uses_cvar(self) -> bool:
        return self.risk_weight > 0 and self.cvar_weight > 0


@dataclass(frozen=True)
class FirstStage:
    """First-stage decisions to hold fixed: ``volume`` per offer (aligned to ``InputData.offers``)
    and optionally ``stock_level`` per element (aligned to ``InputData.elements``)."""

    volume: pd.Series
    stock_level: pd.Series | None = None


def build_model(data: InputData, options: RiskOptions | None = None, *,
                fixed: FirstStage | None = None) -> pyo.ConcreteModel:
    """The contract's LP (1)-(5), with the CVaR term when ``options.cvar_weight > 0``.

    The model is written sparsely but is equivalent to the contract: the total contracted volume of
    each element is a variable ``total_volume`` (2a), so a cap row (3) holds two terms and a scenario
    row (4) holds the total minus the lost part of the disrupted offers only.

    The stock level s[e] is a decision between ``stock`` and ``max_stock`` at ``holding_cost`` per
    kg beyond ``stock``; where ``max_stock == stock`` it is fixed, and the model is v1's exactly.

    With ``fixed``, the volumes (and stock levels, if given) are fixed and the first-stage limits
    (2), (3) and (3b) are deactivated: what remains prices a given plan, with stock release and
    shortage chosen optimally in every scenario (``sourcing evaluate``).
    """
    data.require_disjoint()
    with paused_gc():
        return _build_model(data, options, fixed)


def _build_model(data: InputData, options: RiskOptions | None, fixed: FirstStage | None) -> pyo.ConcreteModel:
    import pyomo.environ as pyo  # here, not at the top: solving never needs it (see sourcing.lp)
    from pyomo.core.expr import LinearExpression

    options = options or RiskOptions()
    offers = data.offers
    elements = data.elements.set_index("element")
    scenarios = data.scenarios.set_index("scenario")
    offer_keys = list(zip(offers["origin"], offers["element"]))
    limits, terms = data.limits()
    limit_terms: dict[int, list[tuple[tuple[str, str], float]]] = defaultdict(list)
    for lim, offer, weight in zip(terms["limit"], terms["offer"], terms["weight"]):
        limit_terms[int(lim)].append((offer_keys[offer], float(weight)))
    limit_info = {int(r.limit): r for r in limits.itertuples(index=False)}
    caps_max = [i for i, r in limit_info.items() if r.kind == "max"]
    caps_min = [i for i, r in limit_info.items() if r.kind == "min"]
    committed, extra = data.committed()  # contracts already signed: x >= C, C priced at its own unit_cost
    bounds = dict(zip(offer_keys, zip(np.maximum(offers["min_volume"].to_numpy(float), committed).tolist(),
                                      offers["capacity"])))
    unit_cost = dict(zip(offer_keys, offers["unit_cost"]))
    offers_of: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key in offer_keys:
        offers_of[key[1]].append(key)
    lost: dict[tuple[str, str], list[tuple[int, float]]] = defaultdict(list)  # (e, k) -> [(offer, 1 - a)]
    k_of, offer_of, availability = data.availability_arrays()
    scenario_names = scenarios.index.to_numpy()
    element_names = offers["element"].to_numpy()
    for k, o, f in zip(k_of.tolist(), offer_of.tolist(), (1.0 - availability).tolist()):
        lost[element_names[o], scenario_names[k]].append((o, f))
    demand = elements["demand"].to_dict()
    penalty = (elements["shortage_cost"] * USD_PER_KG_TO_USD_PER_T).to_dict()
    stock = elements["stock"].to_dict()
    max_stock = elements["max_stock"].to_dict()
    holding = (elements["holding_cost"] * USD_PER_KG_TO_USD_PER_T).to_dict()
    probability = scenarios["probability"].to_dict()

    m = pyo.ConcreteModel(name="sourcing")
    m.OFFERS = pyo.Set(initialize=offer_keys, dimen=2, doc="offers (o, e) from supply.csv")
    m.ELEMENTS = pyo.Set(initialize=list(elements.index), doc="elements e from demand.csv")
    m.SCENARIOS = pyo.Set(initialize=list(scenarios.index), doc="scenarios k, baseline included")
    m.CAPS = pyo.Set(initialize=caps_max, doc="max limits: rows of InputData.limits() with kind 'max'")
    m.FLOORS = pyo.Set(initialize=caps_min, doc="min limits: rows of InputData.limits() with kind 'min'")

    m.volume = pyo.Var(
        m.OFFERS, domain=pyo.NonNegativeReals, bounds=lambda m, o, e: bounds[o, e],
        doc="x[o,e]: tonnes contracted; (1) min_volume[o,e] <= x[o,e] <= capacity[o,e]; (1c) x[o,e] >= C[o,e], "
            "the tonnes already contracted (commitments.csv)",
    )
    m.total_volume = pyo.Var(m.ELEMENTS, domain=pyo.NonNegativeReals, doc="X[e]: tonnes contracted in all")
    m.stock_level = pyo.Var(
        m.ELEMENTS, domain=pyo.NonNegativeReals, bounds=lambda m, e: (stock[e], max_stock[e]),
        doc="s[e]: stock held, t; stock[e] <= s[e] <= max_stock[e]",
    )
    for e in m.ELEMENTS:
        if max_stock[e] <= stock[e]:
            m.stock_level[e].fix(stock[e])
    m.stock_release = pyo.Var(m.ELEMENTS, m.SCENARIOS, domain=pyo.NonNegativeReals, doc="w[e,k]: stock released, t")
    m.shortage = pyo.Var(m.ELEMENTS, m.SCENARIOS, domain=pyo.NonNegativeReals, doc="u[e,k]: demand unmet, t")

    # the large row families are written as LinearExpressions of prefetched variables: the same
    # rows as the operator form, built several times faster (see benchmarks/README.md)
    volume_of = list(m.volume.values())  # in offer order

    @m.Constraint(m.ELEMENTS, doc="(2a) X[e] = sum_o x[o,e]")
    def total_volume_def(m, e):
        terms = [m.volume[k] for k in offers_of[e]]
        body = LinearExpression(linear_coefs=[1.0] + [-1.0] * len(terms), linear_vars=[m.total_volume[e], *terms])
        return (0, body, 0)

    @m.Constraint(m.ELEMENTS, doc="(2) cover: X[e] >= demand[e]")
    def cover(m, e):
        return m.total_volume[e] >= demand[e]

    def limited(i: int):
        """sum_o weight[o] x[o,e] of limit i, and its basis: X[e] (imports) or demand[e]."""
        r = limit_info[i]
        body = sum(w * m.volume[k] for k, w in limit_terms[i]) if limit_terms[i] else 0 * m.total_volume[r.element]
        return body, (m.total_volume[r.element] if r.basis == IMPORTS else demand[r.element])

    @m.Constraint(m.CAPS, doc="(3) concentration: sum_{o in G} f[o,e] x[o,e] - max_share B[e] <= 0")
    def concentration(m, i):
        body, basis = limited(i)
        return body - limit_info[i].share * basis <= 0

    @m.Constraint(m.FLOORS, doc="(3b) floor: sum_{o in G} f[o,e] x[o,e] - min_share B[e] >= 0")
    def floor(m, i):
        body, basis = limited(i)
        return body - limit_info[i].share * basis >= 0

    @m.Constraint(
        m.ELEMENTS, m.SCENARIOS,
        doc="(4) scenario: X[e] - sum_o (1 - a[o,e,k]) x[o,e] + w[e,k] + u[e,k] >= demand[e]",
    )
    def scenario_balance(m, e, k):
        row = lost[e, k]
        body = LinearExpression(
            linear_coefs=[1.0, *(-f for _, f in row), 1.0, 1.0],
            linear_vars=[m.total_volume[e], *(volume_of[o] for o, _ in row), m.stock_release[e, k], m.shortage[e, k]],
        )
        return (demand[e], body, None)

    @m.Constraint(m.ELEMENTS, m.SCENARIOS, doc="(5) stock: w[e,k] - s[e] <= 0")
    def stock_limit(m, e, k):
        return m.stock_release[e, k] - m.stock_level[e] <= 0

    @m.Expression(doc="sum_e 1000 holding_cost[e] (s[e] - stock[e]), USD")
    def stockpile_cost(m):
        return sum(holding[e] * (m.stock_level[e] - stock[e]) for e in m.ELEMENTS if holding[e])

    @m.Expression(doc="sum_{o,e} 1000 (unit_cost[o,e] (x[o,e] - C[o,e]) + sum_rows C cost), USD: the "
                      "committed part C at its own unit_cost")
    def procurement_cost(m):
        priced = sum(USD_PER_KG_TO_USD_PER_T * unit_cost[k] * m.volume[k] for k in m.OFFERS)
        constant = USD_PER_KG_TO_USD_PER_T * float(extra.sum())
        return constant + priced if constant else priced

    @m.Expression(m.SCENARIOS, doc="L[k] = sum_e 1000 shortage_cost[e] u[e,k], USD")
    def loss(m, k):
        return sum(penalty[e] * m.shortage[e, k] for e in m.ELEMENTS)

    @m.Expression(doc="sum_k p[k] L[k], USD")
    def expected_shortage_cost(m):
        return sum(probability[k] * m.loss[k] for k in m.SCENARIOS)

    risk = (1.0 - options.cvar_weight) * m.expected_shortage_cost if options.uses_cvar else m.expected_shortage_cost
    if options.uses_cvar:
        _add_cvar(m, probability, options.cvar_level)
        risk = risk + options.cvar_weight * m.cvar

    @m.Objective(sense=pyo.minimize, doc="procurement cost + stockpile cost + risk_weight * risk term, USD")
    def total_cost(m):
        if options.risk_weight == 0:
            return m.procurement_cost + m.stockpile_cost
        return m.procurement_cost + m.stockpile_cost + options.risk_weight * risk

    if fixed is not None:
        _fix_first_stage(m, fixed, offer_keys, list(elements.index))
    return m


def _fix_first_stage(m: pyo.ConcreteModel, fixed: FirstStage, offer_keys: list, elements: list) -> None:
    for key, value in zip(offer_keys, fixed.volume):
        m.volume[key].setlb(None)
        m.volume[key].setub(None)
        m.volume[key].fix(float(value))
    if fixed.stock_level is not None:
        for e, value in zip(elements, fixed.stock_level):
            m.stock_level[e].fix(float(value))
    for con in (m.cover, m.concentration, m.floor):
        con.deactivate()


def _add_cvar(m: pyo.ConcreteModel, probability: dict[str, float], level: float) -> None:
    """Rockafellar-Uryasev: CVaR = eta + 1/(1 - beta) sum_k p[k] z[k], z[k] >= L[k] - eta, z >= 0."""
    import pyomo.environ as pyo

    m.cvar_threshold = pyo.Var(domain=pyo.Reals, doc="eta: value at risk at the optimum, USD")
    m.cvar_excess = pyo.Var(m.SCENARIOS, domain=pyo.NonNegativeReals, doc="z[k]: loss above eta, USD")

    @m.Constraint(m.SCENARIOS, doc="(6) CVaR: z[k] - L[k] + eta >= 0")
    def cvar_excess_def(m, k):
        return m.cvar_excess[k] - m.loss[k] + m.cvar_threshold >= 0

    @m.Expression(doc="eta + 1/(1 - beta) sum_k p[k] z[k], USD")
    def cvar(m):
        tail = sum(probability[k] * m.cvar_excess[k] for k in m.SCENARIOS)
        return m.cvar_threshold + tail / (1.0 - level)
