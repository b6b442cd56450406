"""The plan LP as a Pyomo model, read off the one statement (:mod:`sourcing.multiyear.statement`).

Sets are UPPERCASE tuples of readable indices (origin, element, year, and ``history``: the node's
event history, ``none`` or ``event@year``); every Var and Constraint takes its bounds, terms and
``doc`` from the statement's family of the same name; the objective's parts are Expressions.
Builds only: no solving. Pyomo's standard-form compiler turns the model into exactly the matrices of
:func:`sourcing.multiyear.matrices.compile_statement` (``tests/test_plan_lp.py``): a change to the
LP is made once, in the statement.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from sourcing.data import InputData
from sourcing.model import RiskOptions
from sourcing.multiyear.events import DEFAULT_PATHS, INDEPENDENT
from sourcing.multiyear.families import Rows, Variables
from sourcing.multiyear.statement import Statement, statement_for
from sourcing.speed import paused_gc

if TYPE_CHECKING:
    import pyomo.environ as pyo


def build_plan_model(data: InputData, years: tuple[int, int] | None = None, *, discount_rate: float = 0.0,
                     options: RiskOptions | None = None, events: str = INDEPENDENT, paths: int = DEFAULT_PATHS,
                     seed: int = 0) -> pyo.ConcreteModel:
    """The Pyomo model of the LP that ``sourcing.plan(data, years, discount_rate=..., options=...,
    events=..., paths=..., seed=...)`` solves."""
    return model_of(statement_for(data, years, discount_rate, options or RiskOptions(), events=events, paths=paths,
                                  seed=seed))


def labels(st: Statement, family: Variables | Rows) -> list[tuple]:
    """The readable index of every column (or row) of ``family``, in its order."""
    h, t = st.horizon, st.tree
    years, codes, at = h.years, family.codes, family.item
    history = t.node_labels()[family.node]
    E = len(h.elements)
    elements = h.elements["element"].to_numpy()
    if "q" in codes:  # an offer in a year
        q = codes["q"][at]
        offer = h.offer_years["offer"].to_numpy()[q]
        cols = [h.offers["origin"].to_numpy()[offer], h.offers["element"].to_numpy()[offer],
                years[h.offer_years["i"].to_numpy()[q]], history]
    elif "r" in codes:  # an element in a year
        r = codes["r"][at]
        cols = [elements[r % E], years[r // E], history]
    elif "v" in codes:  # a project's decision year
        cols = [h.investments["project"].to_numpy()[codes["j"][at]], years[0] + codes["v"][at], history]
    elif "j" in codes:  # a project
        cols = [h.investments["project"].to_numpy()[codes["j"][at]], history]
    elif "limit" in codes:  # a share limit of a year
        lim = h.limits.iloc[codes["limit"][at]]
        cols = [lim["origin"].to_numpy(), lim["element"].to_numpy(), lim["basis"].to_numpy(),
                lim["scope"].to_numpy(), years[lim["i"].to_numpy()], history]
    else:  # per path (at the last depth, a node is a path), per element with a terminal target
        paths = np.asarray(t.path_names(), dtype=object)[t.rank(family.node)]
        cols = ([elements[codes["e"][at]]] if "e" in codes else []) + [paths]
    return list(zip(*[np.asarray(c).tolist() for c in cols]))


class _Rows:
    """The rows of one family as Pyomo rule bodies: ``(lower, LinearExpression, upper)`` by index."""

    def __init__(self, st: Statement, fam: Rows, columns: dict[str, list]) -> None:
        from pyomo.core.expr import LinearExpression

        self.linear = LinearExpression
        self.position = {key: i for i, key in enumerate(labels(st, fam))}
        self.coefs: list[list[float]] = [[] for _ in range(fam.size)]
        self.vars: list[list] = [[] for _ in range(fam.size)]
        for var, row, col, coef in fam.terms:
            objects = columns[var]
            for i, j, c in zip(row.tolist(), col.tolist(), coef.tolist()):
                self.coefs[i].append(c)
                self.vars[i].append(objects[j])
        self.lower, self.upper = list(map(_finite, fam.lower)), list(map(_finite, fam.upper))

    def __call__(self, index: tuple):
        i = self.position[index]
        return (self.lower[i], self.linear(linear_coefs=self.coefs[i], linear_vars=self.vars[i]), self.upper[i])


def model_of(st: Statement) -> pyo.ConcreteModel:
    """The Pyomo model of the statement ``st``."""
    with paused_gc():
        return _model_of(st)


def _model_of(st: Statement) -> pyo.ConcreteModel:
    import pyomo.environ as pyo
    from pyomo.core.expr import LinearExpression

    v, r = st.variables, st.rows
    m = pyo.ConcreteModel(name="sourcing plan")

    def index(name: str, doc: str):
        return pyo.Set(initialize=labels(st, v[name]), ordered=True, doc=doc)

    def bounds(name: str) -> Callable:
        fam = v[name]
        by_index = dict(zip(labels(st, fam), zip(map(_finite, fam.lower), map(_finite, fam.upper))))
        return lambda m, *i: by_index[i]

    m.CONTRACTS = index("volume", "(origin, element, year, history): the volume for a year, known to its signing")
    m.TOTALS = index("total_volume", "(element, year, history): an element's contracted total for a year")
    m.SPOT = index("spot", "(origin, element, year, history): an in-year spot purchase")
    m.FUNDING = index("investment", "(project, year, history): a project's funding decided at the start of a year")
    m.STOCKS = index("stock", "(element, year, history): the in-year decisions of an element")
    m.TARGETS = index("shortfall", "(element, path): an element's terminal target on a path")
    m.PATHS = pyo.Set(initialize=st.tree.path_names(), ordered=True,
                      doc="paths: baseline, or event@year pairs joined by +")

    m.volume = pyo.Var(m.CONTRACTS, domain=pyo.NonNegativeReals, bounds=bounds("volume"), doc=v["volume"].doc)
    m.total_volume = pyo.Var(m.TOTALS, domain=pyo.NonNegativeReals, bounds=bounds("total_volume"),
                             doc=v["total_volume"].doc)
    m.spot = pyo.Var(m.SPOT, domain=pyo.NonNegativeReals, bounds=bounds("spot"),
                     doc=v["spot"].doc)
    m.investment = pyo.Var(m.FUNDING, domain=pyo.NonNegativeReals, bounds=bounds("investment"),
                           doc=v["investment"].doc)
    m.stock = pyo.Var(m.STOCKS, domain=pyo.NonNegativeReals, bounds=bounds("stock"), doc=v["stock"].doc)
    m.release = pyo.Var(m.STOCKS, domain=pyo.NonNegativeReals, bounds=bounds("release"),
                        doc=v["release"].doc)
    m.into_stock = pyo.Var(m.STOCKS, domain=pyo.NonNegativeReals, bounds=bounds("into_stock"),
                           doc=v["into_stock"].doc)
    m.shortage = pyo.Var(m.STOCKS, domain=pyo.NonNegativeReals, bounds=bounds("shortage"),
                         doc=v["shortage"].doc)
    m.shortfall = pyo.Var(m.TARGETS, domain=pyo.NonNegativeReals, bounds=bounds("shortfall"),
                          doc=v["shortfall"].doc)
    if "cvar_threshold" in v:
        m.cvar_threshold = pyo.Var(domain=pyo.Reals, doc=v["cvar_threshold"].doc)
        m.cvar_excess = pyo.Var(m.PATHS, domain=pyo.NonNegativeReals, bounds=bounds("cvar_excess"),
                                doc=v["cvar_excess"].doc)
    columns = {name: (list(m.component(name).values())) for name in v}
    body = {name: _Rows(st, fam, columns) for name, fam in r.items()}

    m.CAPACITY_ROWS = pyo.Set(initialize=labels(st, r["capacity"]), ordered=True,
                              doc="(origin, element, year, history): offers that funded capacity can reach")
    m.PROJECTS = pyo.Set(initialize=labels(st, r["project_limit"]), ordered=True,
                         doc="(project, history): a project's funding along a history")
    m.COVER = pyo.Set(initialize=labels(st, r["cover"]), ordered=True,
                      doc="(element, year, history): cover on a history through the year before, where no "
                          "event in progress in the year is known at its start")
    m.CAPS = pyo.Set(initialize=labels(st, r["concentration"]), ordered=True,
                     doc="(origin, element, basis, scope, year, history): a cap of the year")
    m.FLOORS = pyo.Set(initialize=labels(st, r["floor"]), ordered=True,
                       doc="(origin, element, basis, scope, year, history): a floor of the year")

    @m.Constraint(m.CAPACITY_ROWS, doc=r["capacity"].doc)
    def capacity(m, *i):
        return body["capacity"](i)

    @m.Constraint(m.PROJECTS, doc=r["project_limit"].doc)
    def project_limit(m, *i):
        return body["project_limit"](i)

    @m.Constraint(m.TOTALS, doc=r["total_volume_def"].doc)
    def total_volume_def(m, *i):
        return body["total_volume_def"](i)

    @m.Constraint(m.COVER, doc=r["cover"].doc)
    def cover(m, *i):
        return body["cover"](i)

    @m.Constraint(m.CAPS, doc=r["concentration"].doc)
    def concentration(m, *i):
        return body["concentration"](i)

    @m.Constraint(m.FLOORS, doc=r["floor"].doc)
    def floor(m, *i):
        return body["floor"](i)

    @m.Constraint(m.SPOT, doc=r["spot_limit"].doc)
    def spot_limit(m, *i):
        return body["spot_limit"](i)

    @m.Constraint(m.STOCKS, doc=r["balance"].doc)
    def balance(m, *i):
        return body["balance"](i)

    @m.Constraint(m.STOCKS, doc=r["stock_balance"].doc)
    def stock_balance(m, *i):
        return body["stock_balance"](i)

    @m.Constraint(m.TARGETS, doc=r["terminal"].doc)
    def terminal(m, *i):
        return body["terminal"](i)

    if "cvar_excess_def" in r:
        @m.Constraint(m.PATHS, doc=r["cvar_excess_def"].doc)
        def cvar_excess_def(m, path):
            return body["cvar_excess_def"]((path,))

    def part(name: str):
        coefs, terms = [], []
        for var, col, coef in st.costs[name].terms:
            coefs += coef.tolist()
            terms += [columns[var][j] for j in col.tolist()]
        return LinearExpression(linear_coefs=coefs, linear_vars=terms)

    @m.Expression(doc=st.costs["procurement_cost"].doc)
    def procurement_cost(m):
        return part("procurement_cost")

    @m.Expression(doc=st.costs["spot_cost"].doc)
    def spot_cost(m):
        return part("spot_cost")

    @m.Expression(doc=st.costs["stockpile_cost"].doc)
    def stockpile_cost(m):
        return part("stockpile_cost")

    @m.Expression(doc=st.costs["investment_cost"].doc)
    def investment_cost(m):
        return part("investment_cost")

    @m.Expression(doc=st.costs["terminal_shortfall_cost"].doc)
    def terminal_shortfall_cost(m):
        return part("terminal_shortfall_cost")

    @m.Expression(doc=st.costs["expected_shortage_cost"].doc)
    def expected_shortage_cost(m):
        return part("expected_shortage_cost")

    if "cvar" in st.costs:
        @m.Expression(doc=st.costs["cvar"].doc)
        def cvar(m):
            return part("cvar")

    @m.Objective(sense=pyo.minimize, doc="procurement + spot + stockpile + investment + terminal shortfall "
                                         "cost + risk_weight ((1 - cvar_weight) expected shortage cost "
                                         "+ cvar_weight cvar), USD")
    def total_cost(m):
        return sum(part.weight * m.component(name) for name, part in st.costs.items() if part.weight != 0)

    return m


def _finite(value: float) -> float | None:
    return None if not np.isfinite(value) else float(value)
