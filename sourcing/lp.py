"""The model's LP as the matrices HiGHS takes, built with numpy straight from :class:`InputData`.

:func:`build_lp` returns exactly what compiling :func:`sourcing.model.build_model` with Pyomo's
standard-form compiler gives (:func:`sourcing.solver.compile_model`): the same columns and rows in
the same order, the same coefficients, bounds and costs, the same maps from Pyomo components to
columns and rows. ``tests/test_lp.py`` checks this on every kind of input. :func:`sourcing.solve`
uses it so that the wait is the solver's: building the Pyomo objects and walking them again costs
more than HiGHS takes to solve these LPs (see ``benchmarks/README.md``). Whoever changes the model
changes both, and that test says where they differ.

Column order, as the compiler numbers them (components in order of first appearance, objective
first, all indices of a component at once): ``volume``; ``stock_level`` where a holding cost is
given; ``shortage`` when the risk term holds it; ``cvar_threshold``, ``cvar_excess`` with CVaR; then
the others as the rows meet them. Fixed stock levels (``max_stock == stock``) are left out, their
value moved to the row bounds and the objective's offset. Row order: the constraint components in
declaration order, each in index order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from sourcing.data import InputData
from sourcing.model import USD_PER_KG_TO_USD_PER_T, RiskOptions
from sourcing.schema import IMPORTS


@dataclass
class Compiled:
    """The model as HiGHS sees it, with where each Pyomo component landed.

    ``columns[name]`` holds, for each index of Var ``name`` in the component's order, its column
    (-1 where the compiler left it out: fixed, or in no row and not in the objective);
    ``rows[name]`` the same for constraints.
    """

    cost: np.ndarray
    offset: float
    matrix: object  # scipy.sparse.csc_array
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    columns: dict[str, np.ndarray]
    rows: dict[str, np.ndarray]
    fallback: dict[str, np.ndarray] = field(default_factory=dict)  # value of left-out columns


class TriviallyInfeasibleError(Exception):
    """A row holds no variable and cannot hold (what the compiler raises as InfeasibleConstraintException)."""


@dataclass
class _Family:
    """One constraint component: its rows' terms (row within the family, column family, index, coef)."""

    name: str
    size: int
    lower: np.ndarray
    upper: np.ndarray
    terms: list[tuple[np.ndarray, str, np.ndarray, np.ndarray]] = field(default_factory=list)

    def add(self, row: np.ndarray, var: str, index: np.ndarray, coef: np.ndarray) -> None:
        self.terms.append((np.asarray(row, dtype=np.int64), var, np.asarray(index, dtype=np.int64),
                           np.asarray(coef, dtype=float)))


def build_lp(data: InputData, options: RiskOptions) -> Compiled:
    """The LP of ``build_model(data, options)`` as compiled matrices (see the module docstring)."""
    data.require_disjoint()
    offers, elements, scenarios = data.offers, data.elements, data.scenarios
    n, E, K = len(offers), len(elements), len(scenarios)
    e_of = pd.Index(elements["element"]).get_indexer(offers["element"])
    demand = elements["demand"].to_numpy(float)
    stock = elements["stock"].to_numpy(float)
    penalty = elements["shortage_cost"].to_numpy(float) * USD_PER_KG_TO_USD_PER_T
    probability = scenarios["probability"].to_numpy(float)
    use_cvar = options.uses_cvar
    inf = np.inf

    # variables: name -> (size, lower, upper)
    max_stock = elements["max_stock"].to_numpy(float)
    holding = elements["holding_cost"].to_numpy(float) * USD_PER_KG_TO_USD_PER_T
    fixed_stock = max_stock <= stock  # stock_level fixed at stock: the compiler moves it to the rhs
    committed, extra = data.committed()  # (1c) x[o,e] >= C[o,e]; C priced at its own unit_cost
    variables = {
        "volume": (n, np.maximum(offers["min_volume"].to_numpy(float), committed), offers["capacity"].to_numpy(float)),
        "total_volume": (E, np.zeros(E), np.full(E, inf)),
        "stock_level": (E, stock, max_stock),
        "stock_release": (E * K, np.zeros(E * K), np.full(E * K, inf)),
        "shortage": (E * K, np.zeros(E * K), np.full(E * K, inf)),
    }
    if use_cvar:
        variables["cvar_threshold"] = (1, np.full(1, -inf), np.full(1, inf))
        variables["cvar_excess"] = (K, np.zeros(K), np.full(K, inf))

    # objective: procurement_cost + stockpile_cost + risk_weight * risk; the dict's order is the
    # order in which the compiler meets the components
    volume_cost = USD_PER_KG_TO_USD_PER_T * offers["unit_cost"].to_numpy(float)
    objective: dict[str, np.ndarray] = {"volume": volume_cost}
    held = holding != 0  # stockpile_cost sums holding[e] (s[e] - stock[e]) over these
    offset = USD_PER_KG_TO_USD_PER_T * float(extra.sum())  # procurement_cost's constant: C at its own prices
    if held.any():
        objective["stock_level"] = np.where(held, holding, 0.0)
        for h, level in zip(holding[held], stock[held]):
            offset += h * -level
    lam, omega = options.risk_weight, options.cvar_weight
    if lam != 0:
        mean = np.outer(penalty, probability).ravel()  # p[k] * 1000 pen[e], element-major
        if use_cvar:
            risk = {
                "shortage": lam * ((1.0 - omega) * mean),
                "cvar_threshold": np.full(1, lam * omega),
                "cvar_excess": lam * (omega * ((1.0 / (1.0 - options.cvar_level)) * probability)),
            }
            objective.update(risk)
        else:
            objective["shortage"] = lam * mean

    # constraints, in the order build_model declares them
    ek = np.arange(E * K)
    limits, terms = data.limits()
    is_max = (limits["kind"] == "max").to_numpy()
    limit_element = pd.Index(elements["element"]).get_indexer(limits["element"])
    on_imports = (limits["basis"] == IMPORTS).to_numpy()
    share = limits["share"].to_numpy(float)
    families = []

    f = _Family("total_volume_def", E, np.zeros(E), np.zeros(E))  # (2a) X[e] - sum_o x[o,e] == 0
    f.add(np.arange(E), "total_volume", np.arange(E), np.ones(E))
    f.add(e_of, "volume", np.arange(n), -np.ones(n))
    families.append(f)
    f = _Family("cover", E, demand, np.full(E, inf))  # (2) X[e] >= demand[e]
    f.add(np.arange(E), "total_volume", np.arange(E), np.ones(E))
    families.append(f)
    for name, keep in (("concentration", is_max), ("floor", ~is_max)):  # (3), (3b)
        ids = np.flatnonzero(keep)
        pos = np.full(len(limits), -1)
        pos[ids] = np.arange(len(ids))
        rhs = np.where(on_imports[ids], 0.0, share[ids] * demand[limit_element[ids]])
        lo, hi = (np.full(len(ids), -inf), rhs) if name == "concentration" else (rhs, np.full(len(ids), inf))
        f = _Family(name, len(ids), lo, hi)
        t = terms[keep[terms["limit"].to_numpy()]] if len(terms) else terms
        f.add(pos[t["limit"].to_numpy()], "volume", t["offer"].to_numpy(), t["weight"].to_numpy(float))
        basis = ids[on_imports[ids]]
        f.add(pos[basis], "total_volume", limit_element[basis], -share[basis])
        families.append(f)
    # (4) X[e] - sum_o (1 - a[o,e,k]) x[o,e] + w[e,k] + u[e,k] >= demand[e], element-major
    k_index, offer, availability = data.availability_arrays()
    f = _Family("scenario_balance", E * K, np.repeat(demand, K), np.full(E * K, inf))
    f.add(ek, "total_volume", ek // K, np.ones(E * K))
    f.add(e_of[offer] * K + k_index, "volume", offer, -(1.0 - availability))
    f.add(ek, "stock_release", ek, np.ones(E * K))
    f.add(ek, "shortage", ek, np.ones(E * K))
    families.append(f)
    f = _Family("stock_limit", E * K, np.full(E * K, -inf), np.zeros(E * K))  # (5) w[e,k] - s[e] <= 0
    f.add(ek, "stock_release", ek, np.ones(E * K))
    f.add(ek, "stock_level", ek // K, -np.ones(E * K))
    families.append(f)
    if use_cvar:  # (6) z[k] - sum_e 1000 pen[e] u[e,k] + eta >= 0
        f = _Family("cvar_excess_def", K, np.zeros(K), np.full(K, inf))
        f.add(np.arange(K), "cvar_excess", np.arange(K), np.ones(K))
        f.add(ek % K, "shortage", ek, -np.repeat(penalty, K))
        f.add(np.arange(K), "cvar_threshold", np.zeros(K, dtype=int), np.ones(K))
        families.append(f)

    # column order: components as the compiler meets them, objective first
    order: list[str] = []
    for name in list(objective) + [t[1] for fam in families for t in fam.terms]:
        if name not in order:
            order.append(name)
    start, at = {}, 0
    for name in order:
        start[name] = at
        at += variables[name][0]
    ncol = at

    # rows: families in order; drop rows without terms the way the compiler does
    row_start, r = {}, 0
    rows_i, cols_i, vals = [], [], []
    lower_parts, upper_parts = [], []
    for fam in families:
        row_start[fam.name] = r
        for row, var, index, coef in fam.terms:
            rows_i.append(row + r)
            cols_i.append(index + start[var])
            vals.append(coef)
        lower_parts.append(fam.lower)
        upper_parts.append(fam.upper)
        r += fam.size
    nrow = r
    A = sp.csr_array((np.concatenate(vals), (np.concatenate(rows_i), np.concatenate(cols_i))), shape=(nrow, ncol))
    A.sum_duplicates()
    A.eliminate_zeros()
    row_lower = np.concatenate(lower_parts)
    row_upper = np.concatenate(upper_parts)
    has_terms = np.zeros(nrow, dtype=bool)  # rows with a term the compiler saw (even with coefficient 0)
    has_terms[np.concatenate(rows_i)] = True
    constant = ~has_terms
    if constant.any():
        bad = constant & ((row_lower > 0) | (row_upper < 0))
        if bad.any():
            raise TriviallyInfeasibleError("model contains a trivially infeasible constraint")
    cost = np.zeros(ncol)
    for name, c in objective.items():
        cost[start[name]: start[name] + len(c)] = c
    col_lower = np.concatenate([variables[name][1] for name in order])
    col_upper = np.concatenate([variables[name][2] for name in order])

    # columns in no row and not in the objective are left out, as the compiler does; so are fixed
    # ones, whose value moves to the row bounds and the objective's offset
    A = A.tocsc()
    used = (np.diff(A.indptr) > 0) | (cost != 0)
    fixed = np.zeros(ncol, dtype=bool)
    fixed_value = np.zeros(ncol)
    if "stock_level" in start:
        at = start["stock_level"] + np.flatnonzero(fixed_stock)
        fixed[at] = used[at]
        fixed_value[at] = stock[fixed_stock]
    if fixed.any():
        cols = np.flatnonzero(fixed)
        for j in cols:
            offset += cost[j] * fixed_value[j]
        moved = A[:, cols] @ fixed_value[cols]
        row_lower = np.where(np.isfinite(row_lower), row_lower - moved, row_lower)
        row_upper = np.where(np.isfinite(row_upper), row_upper - moved, row_upper)
        used &= ~fixed
    keep_rows = ~constant
    column_pos = np.where(used, np.cumsum(used) - 1, -1)
    row_pos = np.where(keep_rows, np.cumsum(keep_rows) - 1, -1)
    if not used.all():
        A, cost, col_lower, col_upper = A[:, used], cost[used], col_lower[used], col_upper[used]
    if not keep_rows.all():
        A, row_lower, row_upper = A[keep_rows], row_lower[keep_rows], row_upper[keep_rows]
        A = sp.csc_array(A)
    columns, fallback = {}, {}
    for name, (size, lo, hi) in variables.items():
        if name in start:
            columns[name] = column_pos[start[name]: start[name] + size]
        else:
            columns[name] = np.full(size, -1)
        fallback[name] = np.minimum(np.maximum(0.0, lo), hi)
    fallback["stock_level"] = np.where(fixed_stock, stock, fallback["stock_level"])
    rows = {fam.name: row_pos[row_start[fam.name]: row_start[fam.name] + fam.size] for fam in families}
    return Compiled(cost, offset, A, col_lower, col_upper, row_lower, row_upper, columns, rows, fallback)
