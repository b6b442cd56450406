"""Turn an optimal HiGHS solution of the plan LP into a :class:`~sourcing.multiyear.result.PlanResult`.

Each family's values are read per column (:func:`sourcing.highs.values`), then laid out per path:
path s takes, for every decision, the column of the node its history passes at that decision's
depth. Release and into-stock are netted; the survival table is read off the no-event history;
the root's decisions and the expected course over the paths are :mod:`sourcing.multiyear.outlook`'s.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sourcing.highs import ZERO, RawSolution, check_status, values
from sourcing.lp import Compiled
from sourcing.multiyear.outlook import sign_now, trajectory
from sourcing.multiyear.result import PlanResult
from sourcing.multiyear.statement import KG, Statement, crf
from sourcing.result import cvar_of

DAYS = 365.0


def extract_plan(st: Statement, compiled: Compiled, raw: RawSolution, check=None) -> PlanResult:
    """The result of an optimal solve; ``check(raw)`` raises on any other status (default: the
    one-year data's :func:`~sourcing.highs.check_status`)."""
    h, t = st.horizon, st.tree
    if check is not None:
        check(raw)
    else:
        check_status(h.by_year[0], raw)
    value = {name: values(compiled, raw, name) for name in st.variables}
    n, E, S = h.n, len(h.elements), t.paths
    years = h.years
    names = np.asarray(t.path_names(), dtype=object)
    oy, ey = h.offer_years, h.element_years
    offers = h.offers

    def per_path(name: str) -> np.ndarray:
        """(paths x items) values of family ``name``, each path at its node of the item's depth."""
        fam = st.variables[name]
        node = t.path_node[:, fam.depth + 1]  # paths x items
        return value[name][fam.first[None, :] + t.rank(node)]

    q_i, q_offer = oy["i"].to_numpy(np.int64), oy["offer"].to_numpy(np.int64)
    X = per_path("volume")
    Z = np.zeros_like(X)
    spot_q = st.variables["spot"].codes["q"]
    Z[:, spot_q] = per_path("spot")
    volumes = pd.DataFrame({
        "path": np.repeat(names, len(oy)),
        "year": np.tile(years[q_i], S),
        "origin": np.tile(offers["origin"].to_numpy()[q_offer], S),
        "element": np.tile(offers["element"].to_numpy()[q_offer], S),
        "volume": X.ravel(),
        "spot": Z.ravel(),
        "signed": np.tile(years[q_i] - oy["lead_time"].to_numpy(np.int64), S),
    })

    level = per_path("stock")
    net = per_path("release") - per_path("into_stock")
    net = np.where(np.abs(net) < ZERO, 0.0, net)
    shortage = per_path("shortage")
    ey_i, ey_e = ey["i"].to_numpy(np.int64), ey["e"].to_numpy(np.int64)
    element_names = h.elements["element"].to_numpy()
    stock = pd.DataFrame({
        "path": np.repeat(names, n * E),
        "year": np.tile(years[ey_i], S),
        "element": np.tile(element_names[ey_e], S),
        "stock": level.ravel(),
        "release": np.maximum(net, 0.0).ravel(),
        "into_stock": np.maximum(-net, 0.0).ravel(),
        "shortage": shortage.ravel(),
    })

    shortfall = np.zeros((S, E))
    shortfall[:, st.variables["shortfall"].codes["e"]] = per_path("shortfall")
    terminal = pd.DataFrame({"path": np.repeat(names, E), "element": np.tile(element_names, S),
                             "shortfall": shortfall.ravel()})

    inv = st.variables["investment"]
    funded = per_path("investment")
    projects = h.investments["project"].to_numpy()
    investments = pd.DataFrame({
        "path": np.repeat(names, len(inv.depth)),
        "project": np.tile(projects[inv.codes["j"]], S),
        "year": np.tile(years[0] + inv.codes["v"], S),
        "capacity": funded.ravel(),
    })

    # money per path (present values)
    discount = h.discount
    procurement = X @ (KG * oy["unit_cost"].to_numpy(float) * discount[q_i])
    spot_price = np.nan_to_num(oy["spot_cost"].to_numpy(float))
    spot = Z @ (KG * spot_price * discount[q_i])
    holding = level @ (KG * ey["holding_cost"].to_numpy(float) * discount[ey_i])
    invest = funded @ st.annuity if funded.size else np.zeros(S)
    pen = KG * ey["shortage_cost"].to_numpy(float) * discount[ey_i]
    loss = shortage @ pen
    last_pen = pen[(n - 1) * E: n * E]
    terminal_cost = shortfall @ last_pen
    prob = t.path_probability
    path_costs = pd.DataFrame({
        "path": names, "probability": prob, "procurement_cost": procurement, "spot_cost": spot,
        "stockpile_cost": holding, "investment_cost": invest, "terminal_shortfall_cost": terminal_cost,
        "shortage_cost": loss,
    })
    path_costs["total"] = path_costs.iloc[:, 2:].sum(axis=1)

    paths = pd.DataFrame({
        "path": names,
        "event": pd.Series([None if k < 0 else t.events[k] for k in t.path_event.tolist()], dtype=object),
        "start": pd.Series([None if k < 0 else int(years[s]) for k, s in zip(t.path_event.tolist(),
                                                                            t.path_start.tolist())], dtype=object),
        "probability": prob,
        "events": pd.Series([[{"event": t.events[k], "start": int(years[s])} for k, s in h] for h in t.histories],
                            dtype=object),
        "weight": prob,
    })
    o = st.options
    return PlanResult(
        status="optimal", years=tuple(int(y) for y in years), discount_rate=h.discount_rate, options=o,
        objective=float(raw.objective), procurement_cost=float(prob @ procurement), spot_cost=float(prob @ spot),
        stockpile_cost=float(prob @ holding), investment_cost=float(prob @ invest),
        terminal_shortfall_cost=float(prob @ terminal_cost), expected_shortage_cost=float(prob @ loss),
        cvar=cvar_of(loss, prob, o.cvar_level), paths=paths, volumes=volumes, stock=stock, terminal=terminal,
        investments=investments, survival=_survival(st, value), path_costs=path_costs,
        offers=_offers(h), elements=_elements(h), limits=_limits(h), stockpile=h.elements.copy(),
        projects=_projects(st), sign_now=sign_now(h, st.variables, value),
        trajectory=trajectory(h, X, Z, level, shortage, prob), iterations=raw.iterations, tree=dict(t.info),
    )


def _survival(st: Statement, value: dict[str, np.ndarray]) -> pd.DataFrame:
    """Days the stock at the start of each year (no-event history) covers the deficit if one origin
    stopped at the start of the year: 365 S[e,y-1] / (demand - sum of the other origins' X)."""
    h, t = st.horizon, st.tree
    oy, E = h.offer_years, len(h.elements)
    X, S = st.variables["volume"], st.variables["stock"]
    q_i, q_e = oy["i"].to_numpy(np.int64), oy["e"].to_numpy(np.int64)
    node = t.none_node[q_i]  # no event through y - 1
    ok = node >= 0
    q = np.flatnonzero(ok)
    x = value["volume"][X.column(q, node[ok])]
    i, e = q_i[q], q_e[q]
    total = np.zeros(h.n * E)
    np.add.at(total, i * E + e, x)
    start_stock = np.where(i == 0, h.elements["stock"].to_numpy(float)[e], 0.0)
    later = i > 0
    if later.any():
        prev = (i[later] - 1) * E + e[later]
        start_stock[later] = value["stock"][S.column(prev, t.none_node[i[later]])]
    demand = h.element_years["demand"].to_numpy(float)[i * E + e]
    deficit = demand - (total[i * E + e] - x)
    deficit = np.where(np.abs(deficit) <= ZERO * np.maximum(1.0, demand), 0.0, deficit)
    days = np.where(deficit > 0, DAYS * start_stock / np.where(deficit > 0, deficit, 1.0), np.nan)
    keep = x > ZERO
    out = pd.DataFrame({
        "year": h.years[i[keep]],
        "element": h.elements["element"].to_numpy()[e[keep]],
        "origin": h.offers["origin"].to_numpy()[oy["offer"].to_numpy()[q[keep]]],
        "days": days[keep],
    })
    return out.sort_values(["year", "element", "origin"], ignore_index=True)


def _offers(h) -> pd.DataFrame:
    oy = h.offer_years
    return pd.DataFrame({
        "year": h.years[oy["i"].to_numpy()],
        "origin": h.offers["origin"].to_numpy()[oy["offer"].to_numpy()],
        "element": h.offers["element"].to_numpy()[oy["offer"].to_numpy()],
        "unit_cost": oy["unit_cost"].to_numpy(float), "spot_cost": oy["spot_cost"].to_numpy(float),
        "capacity": oy["capacity"].to_numpy(float), "min_volume": oy["min_volume"].to_numpy(float),
        "lead_time": oy["lead_time"].to_numpy(np.int64),
    })


def _limits(h) -> pd.DataFrame:
    lim = h.limits
    return pd.DataFrame({"year": h.years[lim["i"].to_numpy()], "origin": lim["origin"].to_numpy(),
                         "element": lim["element"].to_numpy(), "kind": lim["kind"].to_numpy(),
                         "basis": lim["basis"].to_numpy(), "scope": lim["scope"].to_numpy(),
                         "limit": lim["share"].to_numpy(float)})


def _elements(h) -> pd.DataFrame:
    ey = h.element_years
    return pd.DataFrame({
        "year": h.years[ey["i"].to_numpy()],
        "element": h.elements["element"].to_numpy()[ey["e"].to_numpy()],
        "demand": ey["demand"].to_numpy(float), "shortage_cost": ey["shortage_cost"].to_numpy(float),
        "max_stock": ey["max_stock"].to_numpy(float), "holding_cost": ey["holding_cost"].to_numpy(float),
    })


def _projects(st: Statement) -> pd.DataFrame:
    inv = st.horizon.investments
    out = inv[["project", "origin", "element", "capex", "lead_time", "max_capacity", "first_year", "life"]].copy()
    out["annual_cost_per_t"] = inv["capex"].to_numpy(float) * crf(st.horizon.discount_rate, inv["life"].to_numpy())
    return out.reset_index(drop=True)
