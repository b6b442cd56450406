"""Every constraint and figure of a plan recomputed in plain pandas from its result frames.

The inputs are read afresh from the CSV files (:func:`tests.plan_reference.read_plan_inputs`), not
taken from ``sourcing``; one tolerance, :data:`tests.helpers.REL`, scaled by the data.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from tests.helpers import REL, close, cvar_brute
from tests.plan_reference import availability, covered, path_table, read_plan_inputs

KG = 1000.0


def check_plan(result, folder: Path, rel: float = REL, plain_caps: bool = True) -> None:
    """Assert that ``result`` (a PlanResult of ``folder``) meets (P1)-(P8), is non-anticipative, and
    that its figures are the costs of its own tables. ``plain_caps``: the folder's caps are all plain."""
    years = (result.years[0], result.years[-1])
    inp = read_plan_inputs(folder, years, result.discount_rate)
    Y, n, DF, offers, dem = inp["Y"], inp["n"], inp["DF"], inp["offers"], inp["dem"]
    model = (result.tree or {}).get("events", "first")
    scale = max([1.0] + [d for d, _ in dem.values()] + [q["cap"] for q in offers.values()])
    tol = rel * scale
    got = result.paths.set_index("path")["probability"]
    if result.tree is None or result.tree["exact"]:
        paths, probs = path_table(inp, model)
        by_name = dict(paths)
        # the paths, with their probabilities
        assert sorted(got.index) == sorted(by_name), "not the paths of the hazards"
        assert np.allclose(got[[p for p, _ in paths]].to_numpy(), probs, rtol=1e-12, atol=0)
        assert abs(got.sum() - 1.0) <= 1e-9 * len(paths) + (1 - probs.sum())
    else:  # a sampled tree: its paths as the result lists them, weights summing to 1
        code = {name: k for k, name in enumerate(inp["events"])}
        by_name = {r.path: tuple((code[x["event"]], x["start"] - Y[0]) for x in r.events)
                   for r in result.paths.itertuples(index=False)}
        paths = list(by_name.items())
        assert abs(got.sum() - 1.0) <= 1e-9

    v = result.volumes.copy()
    v["i"] = v["year"] - Y[0]
    key = list(zip(v["origin"], v["element"], v["i"]))
    assert set(key) == set(offers), "one row per path and offer in force"
    assert len(v) == len(offers) * len(paths)
    v["capacity"] = [offers[q]["cap"] for q in key]
    v["min_volume"] = [offers[q]["min"] for q in key]
    v["lead"] = [offers[q]["lead"] for q in key]
    v["a"] = [availability(inp, by_name[p], o, e, i) for p, o, e, i in zip(v["path"], v["origin"], v["element"],
                                                                         v["i"])]
    # capacity online per path: investments decided on the path's history
    inv = result.investments.copy()
    online = np.zeros(len(v))
    if len(inv):
        proj = result.projects.set_index("project")
        inv["origin"] = inv["project"].map(proj["origin"])
        inv["element"] = inv["project"].map(proj["element"])
        inv["lead"] = inv["project"].map(proj["lead_time"])
        inv["life"] = inv["project"].map(proj["life"])
        add = {}
        for r in inv.itertuples(index=False):
            for y in range(r.year + r.lead, r.year + r.lead + r.life):
                add[r.path, r.origin, r.element, y] = add.get((r.path, r.origin, r.element, y), 0.0) + r.capacity
        online = np.array([add.get((p, o, e, y), 0.0) for p, o, e, y in zip(v["path"], v["origin"], v["element"],
                                                                          v["year"])])
        total = inv.groupby(["path", "project"])["capacity"].sum()
        most = proj["max_capacity"].reindex(total.index.get_level_values("project")).to_numpy()
        assert (total.to_numpy() <= most + tol).all(), "(P2) max_capacity"
        assert (inv["capacity"] >= -tol).all()
    K = v["capacity"].to_numpy() + online
    assert (v["volume"] >= v["min_volume"] - tol).all(), "(P1) below min_volume"
    assert (v["volume"] <= K + tol).all(), "(P1) above capacity"
    assert (v["spot"] <= v["a"] * (K - v["volume"]) + tol).all(), "(P5) spot above spare capacity"
    assert (v["spot"] >= -tol).all()
    total = v.groupby(["path", "year", "element"])["volume"].sum()
    waiting = v.drop_duplicates(["path", "year", "element"]).set_index(["path", "year", "element"])
    no_event_before = pd.Series([covered(inp, by_name[p], y - Y[0], model) for p, y, _ in waiting.index],
                                index=waiting.index)
    demand = pd.Series({(p, y, e): dem[e, y - Y[0]][0] for p, y, e in total.index})
    assert (total[no_event_before.reindex(total.index).to_numpy()] >= demand[no_event_before.reindex(
        total.index).to_numpy()] - tol).all(), "(P3) cover"
    if plain_caps:
        for (o, e, i), share in inp["cap_of"].items():
            if share < 1:
                rows = v[(v["element"] == e) & (v["i"] == i)]
                mine = rows[rows["origin"] == o].set_index("path")["volume"]
                assert (mine <= share * rows.groupby("path")["volume"].sum().reindex(mine.index) + tol).all(), "(P4)"

    s = result.stock.copy()
    s["i"] = s["year"] - Y[0]
    arrived = (v["a"] * v["volume"] + v["spot"]).groupby([v["path"], v["year"], v["element"]]).sum()
    s_key = pd.MultiIndex.from_frame(s[["path", "year", "element"]])
    s["arrived"] = arrived.reindex(s_key, fill_value=0.0).to_numpy()
    s["demand"] = [dem[e, i][0] for e, i in zip(s["element"], s["i"])]
    assert (s["arrived"] + s["release"] - s["into_stock"] + s["shortage"] >= s["demand"] - tol).all(), "(P6) balance"
    assert (s[["stock", "release", "into_stock", "shortage"]] >= -tol).all().all()
    assert ((s["release"] <= tol) | (s["into_stock"] <= tol)).all(), "release and into_stock are netted"
    s = s.sort_values(["path", "element", "i"])
    previous = s.groupby(["path", "element"])["stock"].shift(1)
    first = s["i"] == 0
    previous[first] = s.loc[first, "element"].map(inp["initial"])
    assert np.allclose(s["stock"], previous + s["into_stock"] - s["release"], atol=tol), "(P7) stock balance"
    assert (s["stock"] <= [inp["max_stock"][e, i] + tol for e, i in zip(s["element"], s["i"])]).all(), "(P7) max"
    end = s[s["i"] == n - 1].set_index(["path", "element"])["stock"]
    term = result.terminal.set_index(["path", "element"])["shortfall"]
    need = pd.Series([inp["target"][e] for _, e in end.index], index=end.index)
    assert (term.reindex(end.index) >= need - end - tol).all() and (term >= -tol).all(), "(P8)"

    # non-anticipativity: a decision is the same on paths that share the history it knows
    def history(path: str, depth: int) -> str:
        return "+".join(f"{k}@{t}" for k, t in by_name[path] if t <= depth) or "none"

    v["known"] = [history(p, i - lead - 1) for p, i, lead in zip(v["path"], v["i"], v["lead"])]
    spread = v.groupby(["origin", "element", "year", "known"])["volume"].agg(["min", "max"])
    assert ((spread["max"] - spread["min"]).abs() <= tol).all(), "contracts differ on paths sharing their history"
    s["known"] = [history(p, i) for p, i in zip(s["path"], s["i"])]
    for col in ("stock", "release", "into_stock", "shortage"):
        spread = s.groupby(["element", "year", "known"])[col].agg(["min", "max"])
        assert ((spread["max"] - spread["min"]).abs() <= tol).all(), f"{col} differs on paths sharing a node"
    if len(inv):
        inv["known"] = [history(p, y - Y[0] - 1) for p, y in zip(inv["path"], inv["year"])]
        spread = inv.groupby(["project", "year", "known"])["capacity"].agg(["min", "max"])
        assert ((spread["max"] - spread["min"]).abs() <= tol).all(), "investments differ on paths sharing a node"

    # money, per path and expected
    prob = result.paths.set_index("path")["probability"]
    price = np.array([offers[q]["cost"] for q in key])
    spot_price = np.array([offers[q]["spot"] or 0.0 for q in key])
    df_v = np.array([DF[i] for i in v["i"]])
    per = pd.DataFrame({"path": v["path"], "procurement": KG * price * v["volume"] * df_v,
                        "spot": KG * spot_price * v["spot"] * df_v}).groupby("path").sum()
    s_df = np.array([DF[i] for i in s["i"]])
    pen = np.array([dem[e, i][1] for e, i in zip(s["element"], s["i"])])
    hold = np.array([inp["holding"][e, i] for e, i in zip(s["element"], s["i"])])
    per["stockpile"] = pd.Series(KG * hold * s["stock"].to_numpy() * s_df, index=s.index).groupby(s["path"]).sum()
    per["loss"] = pd.Series(KG * pen * s["shortage"].to_numpy() * s_df, index=s.index).groupby(s["path"]).sum()
    last_pen = {e: dem[e, n - 1][1] for e in inp["elements"]}
    tv = result.terminal
    per["terminal"] = pd.Series(KG * DF[n - 1] * tv["element"].map(last_pen).to_numpy() * tv["shortfall"].to_numpy(),
                                index=tv.index).groupby(tv["path"]).sum().reindex(per.index, fill_value=0.0)
    invest = pd.Series(0.0, index=per.index)
    if len(inv):
        proj = result.projects.set_index("project")
        yearly = inv["project"].map(proj["annual_cost_per_t"])
        span = [sum(DF[i - Y[0]] for i in range(y + lead, min(y + lead + life, Y[-1] + 1)))
                for y, lead, life in zip(inv["year"], inv["lead"], inv["life"])]
        invest = (inv["capacity"] * yearly * np.array(span)).groupby(inv["path"]).sum().reindex(per.index,
                                                                                                 fill_value=0.0)
    per["investment"] = invest
    p = prob.reindex(per.index).to_numpy()
    big = max(1.0, abs(result.objective))
    for name, col in (("procurement_cost", "procurement"), ("spot_cost", "spot"), ("stockpile_cost", "stockpile"),
                      ("investment_cost", "investment"), ("terminal_shortfall_cost", "terminal"),
                      ("expected_shortage_cost", "loss")):
        assert close(getattr(result, name), float(p @ per[col].to_numpy()), rel, scale=big), name
    pc = result.path_costs.set_index("path").reindex(per.index)
    assert np.allclose(pc["shortage_cost"], per["loss"], rtol=rel, atol=rel * big)
    o = result.options
    cvar = cvar_brute(per["loss"].to_numpy(), p, o.cvar_level)
    assert close(result.cvar, cvar, rel, scale=big)
    risk = ((1 - o.cvar_weight) * result.expected_shortage_cost + o.cvar_weight * cvar) if o.risk_weight > 0 else 0
    plain = (result.procurement_cost + result.spot_cost + result.stockpile_cost + result.investment_cost
             + result.terminal_shortfall_cost)
    assert close(result.objective, plain + o.risk_weight * risk, rel, scale=big), "objective = its parts"

    # survival along the no-event history
    sv = result.survival
    for r in sv.itertuples(index=False):
        i = r.year - Y[0]
        rows = v[(v["element"] == r.element) & (v["i"] == i) & (v["known"] == "none")]
        if not len(rows):
            continue
        one = rows[rows["path"] == rows["path"].iloc[0]]
        others = one.loc[one["origin"] != r.origin, "volume"].sum()
        start = inp["initial"][r.element] if i == 0 else s[(s["element"] == r.element) & (s["i"] == i - 1)
                                                          & (s["known"] == "none")]["stock"].iloc[0]
        deficit = dem[r.element, i][0] - others
        if deficit > tol:
            assert close(r.days, 365 * start / deficit, rel, scale=1.0)
        else:
            assert np.isnan(r.days)
