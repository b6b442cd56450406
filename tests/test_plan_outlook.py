"""What a planner acts on: ``sign_now`` (the root's decisions) and ``trajectory`` (the expected
course over the paths), checked apart from the code that computes them.

- The weighted percentile against numpy's own (``quantile(..., weights=, method="inverted_cdf")``)
  and against the plain percentile of the paths repeated as often as their integer weights say.
- ``sign_now`` against the per-path tables (every path's contracts signed by y0 and investments
  decided in y0 are the same decisions), and the same figures in the JSON, the table and the
  workbook's sheet.
- ``trajectory`` recomputed in plain pandas from the per-path tables and the paths' probabilities,
  its invariants (percentiles ordered and within the paths' range, the probability of a shortage
  in [0, 1] and the weight of the paths short by more than the tolerance), and a case on paper.
"""

from __future__ import annotations

import io
import json
import re

import numpy as np
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from sourcing import bundled_inputs, load_inputs, plan
from sourcing.cli import main
from sourcing.multiyear.horizon import build_horizon
from sourcing.multiyear.outlook import SHORTAGE_TOLERANCE, trajectory, weighted_quantile
from tests.helpers import temp_folder
from tests.plan_strategies import plan_instances
from tests.test_plan_hand import lead_case

SHORT = ["plan", "--years", "2026:2029"]


def run(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def bundled():
    """The bundled plan over 2026-2029 (which funds a project now) as JSON, table and workbook."""
    doc = json.loads(run(*SHORT, "--format", "json").stdout)
    text = run(*SHORT).stdout
    return doc, text


@pytest.fixture(scope="module")
def bundled_book(tmp_path_factory):
    out = tmp_path_factory.mktemp("book") / "plan.xlsx"
    run(*SHORT, "--output", str(out))
    return openpyxl.load_workbook(out)


def cells(line: str) -> list[str]:
    """The cells of a row of the text table (columns are at least two spaces apart)."""
    return re.split(r"\s{2,}", line.strip())


# ---- the weighted percentile

def test_weighted_percentile_on_paper():
    """Values 10, 20, 30, 40 with weights 0.1, 0.2, 0.3, 0.4: F(10) = 0.1, F(20) = 0.3, F(30) = 0.6,
    F(40) = 1. The 5th percentile is 10 (F(10) >= 0.05), the median 30 (F(20) = 0.3 < 0.5 <= 0.6),
    the 95th 40; at exactly F = 0.3 it is 20, the smallest value reaching the level."""
    values, weights = np.array([30.0, 10.0, 40.0, 20.0]), np.array([0.3, 0.1, 0.4, 0.2])
    assert weighted_quantile(values, weights, 0.05) == 10
    assert weighted_quantile(values, weights, 0.5) == 30
    assert weighted_quantile(values, weights, 0.95) == 40
    assert weighted_quantile(values, weights, 0.3) == 20
    assert weighted_quantile(values, weights * 7, 0.3) == 20  # only relative weights count
    assert weighted_quantile(values, weights, 0.0) == 10 and weighted_quantile(values, weights, 1.0) == 40
    with pytest.raises(ValueError):
        weighted_quantile(values, weights, 1.5)
    with pytest.raises(ValueError):
        weighted_quantile(values, weights[:3], 0.5)


@given(st.lists(st.tuples(st.integers(-5, 5), st.integers(1, 6)), min_size=1, max_size=12),
       st.sampled_from([0.0, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 1.0]))
def test_weighted_percentile_is_the_percentile_of_the_paths_repeated_by_weight(pairs, level):
    """Integer weights: the paths repeated as often as their weight, then numpy's inverted_cdf
    percentile of the unweighted list; and numpy's weighted quantile of the same values."""
    values = np.array([float(v) for v, _ in pairs])
    weights = np.array([float(w) for _, w in pairs])
    expanded = np.repeat(values, weights.astype(int))
    assert weighted_quantile(values, weights, level) == np.percentile(expanded, 100 * level, method="inverted_cdf")
    assert weighted_quantile(values, weights / weights.sum(), level) == np.percentile(
        expanded, 100 * level, method="inverted_cdf")  # fractions of the same weights: the same value


@given(st.lists(st.tuples(st.floats(-1e3, 1e3, allow_nan=False), st.floats(1e-3, 1.0)), min_size=1, max_size=12),
       st.sampled_from([0.05, 0.5, 0.95]))
def test_weighted_percentile_per_column_is_numpys(pairs, level):
    values = np.array([v for v, _ in pairs])
    weights = np.array([w for _, w in pairs])
    matrix = np.column_stack([values, -values, np.zeros_like(values)])
    got = weighted_quantile(matrix, weights, level)
    cumulative = np.cumsum(np.sort(weights)) / weights.sum()
    if np.min(np.abs(cumulative - level)) > 1e-6:  # away from a tie of the level with a cumulative weight
        for j in range(matrix.shape[1]):
            assert got[j] == np.quantile(matrix[:, j], level, weights=weights, method="inverted_cdf")
    assert got[2] == 0.0 and got[0] in values and -got[1] in values


# ---- sign now

def sign_now_from_paths(result) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The contracts signed by y0 and the investments decided in y0, read from every path's rows:
    each path must hold the same figures (they are decided before anything is known)."""
    first = result.years[0]
    v = result.volumes[result.volumes["signed"] <= first]
    spread = v.groupby(["year", "element", "origin"])["volume"].agg(["min", "max"])
    assert ((spread["max"] - spread["min"]).abs() <= 1e-9 * (1 + spread["max"].abs())).all(), "not one decision"
    assert (v.groupby(["year", "element", "origin"]).size() == len(result.paths)).all()
    inv = result.investments[result.investments["year"] == first]
    spread = inv.groupby("project")["capacity"].agg(["min", "max"])
    assert ((spread["max"] - spread["min"]).abs() <= 1e-9 * (1 + spread["max"].abs())).all()
    return spread["max"].reset_index(), v.groupby(["year", "element", "origin"])["volume"].max().reset_index()


def check_sign_now(result) -> None:
    projects, contracts = sign_now_from_paths(result)
    now = result.sign_now
    mine = now[now["decision"] == "contract"]
    assert mine[["year", "element", "origin"]].to_numpy().tolist() == contracts[["year", "element", "origin"]] \
        .sort_values(["year", "element", "origin"]).to_numpy().tolist()
    assert np.allclose(mine["volume"].to_numpy(float), contracts["volume"].to_numpy(float), rtol=1e-12, atol=1e-9)
    assert (mine["signed"] <= result.years[0]).all() and mine["capacity"].isna().all()
    funded = now[now["decision"] == "investment"]
    assert funded["project"].tolist() == sorted(projects["project"])
    assert np.allclose(funded["capacity"].to_numpy(float), projects.sort_values("project")["max"].to_numpy(float),
                       rtol=1e-12, atol=1e-9)
    assert (funded["year"] == result.years[0]).all() and funded["volume"].isna().all()
    lead = result.projects.set_index("project")["lead_time"]
    assert (funded["online"].astype(int) == result.years[0] + funded["project"].map(lead)).all()
    assert len(now) == len(mine) + len(funded)


def test_sign_now_on_paper():
    """lead_case(2): A (lead 2) for 2028 is signed at the start of 2026, before anything is known:
    100 t on every path (test_plan_hand derives it). The root also signs A for 2026 and 2027
    (signed 2024 and 2025, nothing to cover: 0) and B for 2026 (lead 0: 0). B for 2027 and 2028 is
    signed later, so it is not a decision of now."""
    result = plan(load_inputs(lead_case(2)), (2026, 2028))
    now = result.sign_now
    got = {(r.origin, r.year, r.signed): r.volume for r in now.itertuples()}
    assert got.keys() == {("A", 2026, 2024), ("A", 2027, 2025), ("A", 2028, 2026), ("B", 2026, 2026)}
    assert got[("A", 2028, 2026)] == pytest.approx(100)
    assert got[("A", 2026, 2024)] == got[("A", 2027, 2025)] == got[("B", 2026, 2026)] == pytest.approx(0)
    assert set(now["decision"]) == {"contract"}
    check_sign_now(result)


def test_sign_now_is_the_same_in_the_json_the_table_and_the_workbook(bundled, bundled_book):
    doc, text = bundled
    now = doc["sign_now"]
    contracts = [r for r in now if r["decision"] == "contract"]
    funded = [r for r in now if r["decision"] == "investment"]
    assert contracts and any(r["capacity"] > 0 for r in funded)
    # the table: its first block, row for row
    lines = text.splitlines()
    assert lines[3].startswith("Sign now: decided at the start of 2026")  # after the year and inputs lines
    head = lines.index(next(line for line in lines if line.startswith("Contracts (t for the year")))
    assert head == 4  # first in the table, after the lines saying what was solved
    rows = [cells(line) for line in lines[head + 2: head + 2 + len(contracts)]]
    assert rows == [[str(r["year"]), r["element"], r["origin"], f"{r['volume']:,.1f}", str(r["signed"])]
                    for r in contracts]
    assert lines[head + 2 + len(contracts)] == ""
    start = lines.index(next(line for line in lines if line.startswith("Investments decided now")))
    shown = {cells(line)[0]: cells(line)[3] for line in lines[start + 2: start + 2 + len(funded)]}
    assert shown == {r["project"]: f"{r['capacity']:,.1f}" for r in funded}
    # the workbook: the sheet right after `about`, cell for cell
    assert bundled_book.sheetnames[:3] == ["about", "sign_now", "trajectory"]
    sheet = list(bundled_book["sign_now"].iter_rows(values_only=True))
    header = [h.split(" (")[0] for h in sheet[0]]
    assert header == list(now[0])
    for row, r in zip(sheet[1:], now, strict=True):
        got = dict(zip(header, row))
        for key, value in r.items():
            assert got[key] == (value if isinstance(value, str | None) else pytest.approx(value, rel=1e-15)), key


def test_sign_now_is_what_every_path_decides_by_y0():
    result = plan(load_inputs(bundled_inputs()), (2026, 2030))
    check_sign_now(result)
    assert (result.sign_now["decision"] == "investment").sum() == len(result.projects)


# ---- trajectory

def trajectory_in_pandas(result) -> pd.DataFrame:
    """Per year and element from the per-path tables alone: probability-weighted means, numpy's
    weighted percentiles, the weight of the paths short by more than the tolerance."""
    p = result.paths.set_index("path")["probability"]
    p = p / p.sum()
    v = result.volumes.assign(p=result.volumes["path"].map(p))
    v = v.assign(pv=v["p"] * v["volume"], ps=v["p"] * v["spot"])
    per_origin = v.groupby(["year", "element", "origin"])["pv"].sum().unstack("origin")
    totals = v.groupby(["year", "element"])[["pv", "ps"]].sum()
    s = result.stock.assign(p=result.stock["path"].map(p))
    rows = []
    for (year, element), g in s.groupby(["year", "element"], sort=False):
        w = g["p"].to_numpy()
        stock, short = g["stock"].to_numpy(), g["shortage"].to_numpy()
        rows.append({"year": year, "element": element, "volume": totals.loc[(year, element), "pv"],
                     "spot": totals.loc[(year, element), "ps"], "stock": float(w @ stock),
                     "stock_p5": np.quantile(stock, 0.05, weights=w, method="inverted_cdf"),
                     "stock_p95": np.quantile(stock, 0.95, weights=w, method="inverted_cdf"),
                     "stock_min": stock.min(), "stock_max": stock.max(),
                     "shortage": float(w @ short),
                     "shortage_p95": np.quantile(short, 0.95, weights=w, method="inverted_cdf"),
                     "shortage_max": short.max(),
                     "shortage_probability": float(w[short > SHORTAGE_TOLERANCE].sum())})
    out = pd.DataFrame(rows)
    for origin in per_origin.columns:
        out["volume:" + origin] = per_origin[origin].reindex(pd.MultiIndex.from_frame(out[["year", "element"]])) \
            .to_numpy()
    return out


def check_trajectory(result, exact_percentiles: bool = True) -> None:
    tr = result.trajectory
    ref = trajectory_in_pandas(result)
    assert tr[["year", "element"]].to_numpy().tolist() == ref[["year", "element"]].to_numpy().tolist()
    scale = 1.0 + float(result.elements["demand"].max())
    for name in ["volume", "spot", "stock", "shortage", "shortage_probability",
                 *[c for c in ref.columns if c.startswith("volume:")]]:
        assert np.allclose(tr[name].to_numpy(float), ref[name].to_numpy(float), rtol=1e-9, atol=1e-9 * scale,
                           equal_nan=True), name
    if exact_percentiles:
        for name in ("stock_p5", "stock_p95", "shortage_p95"):
            assert np.allclose(tr[name].to_numpy(float), ref[name].to_numpy(float), rtol=1e-12, atol=0), name
    # invariants
    tol = 1e-9 * scale
    assert (ref["stock_min"] - tol <= tr["stock_p5"]).all() and (tr["stock_p5"] <= tr["stock_p95"]).all()
    assert (tr["stock_p95"] <= ref["stock_max"] + tol).all()
    assert (ref["stock_min"] - tol <= tr["stock"]).all() and (tr["stock"] <= ref["stock_max"] + tol).all()
    assert (tr["shortage_p95"] >= -tol).all() and (tr["shortage_p95"] <= ref["shortage_max"] + tol).all()
    assert (tr["shortage"] <= ref["shortage_max"] + tol).all()
    assert tr["shortage_probability"].between(0.0, 1.0).all()
    # a shortage on more than 5% of the weight reaches the 95th percentile, and none leaves it at 0
    assert (tr.loc[tr["shortage_probability"] > 0.05 + 1e-9, "shortage_p95"] > SHORTAGE_TOLERANCE).all()
    assert (tr.loc[tr["shortage_probability"] == 0, "shortage_p95"] <= SHORTAGE_TOLERANCE).all()
    by_origin = tr[[c for c in tr.columns if c.startswith("volume:")]].sum(axis=1, min_count=1)
    assert np.allclose(by_origin.to_numpy(float), tr["volume"].to_numpy(float), rtol=1e-9, atol=tol)
    demand = result.elements.set_index(["year", "element"])["demand"]
    assert tr["demand"].tolist() == demand.reindex(pd.MultiIndex.from_frame(tr[["year", "element"]])).tolist()


def test_trajectory_on_paper():
    """lead_case(2): paths baseline 0.729, ban@2026 0.1, ban@2027 0.09, ban@2028 0.081; only 2028
    has demand (100 t). A 100 t (signed 2026) on every path; B 100 t where the ban is known at the
    start of 2028 (ban@2026, ban@2027: 0.19); ban@2028 loses A: 100 t short. So in 2028: expected
    A 100, B 19, volume 119; shortage 8.1 t on average, 100 t at the 95th percentile (F(0) = 0.919
    < 0.95), probability 0.081; no stock (5th and 95th percentile 0)."""
    result = plan(load_inputs(lead_case(2)), (2026, 2028))
    tr = result.trajectory.set_index("year")
    last = tr.loc[2028]
    assert last["volume:A"] == pytest.approx(100) and last["volume:B"] == pytest.approx(19)
    assert last["volume"] == pytest.approx(119)
    assert last["shortage"] == pytest.approx(8.1) and last["shortage_p95"] == pytest.approx(100)
    assert last["shortage_probability"] == pytest.approx(0.081)
    assert last[["stock", "stock_p5", "stock_p95"]].tolist() == [0, 0, 0]
    assert tr.loc[2026, "shortage_probability"] == 0 and tr.loc[2027, "shortage_p95"] == 0
    check_trajectory(result)


def test_trajectory_of_the_bundled_decade_is_its_paths_in_pandas():
    result = plan(load_inputs(bundled_inputs()), (2026, 2035))  # the default tree of docs/plan.md's story
    check_trajectory(result)
    check_sign_now(result)
    tr = result.trajectory
    assert (tr["stock_p5"] < tr["stock_p95"]).any() and (tr["shortage_probability"] > 0).any()
    # docs/plan.md's paragraph on the expected course says these figures
    from tests.test_doc_figures import ROOT, said

    page = (ROOT / "docs" / "plan.md").read_text()
    dy = tr[tr["element"] == "Dy"].set_index("year")
    said(page, f"the mean Dy stock is {dy.at[2026, 'stock']:,.1f} t at the end of 2026 where the plan fills "
         f"{dy.at[2026, 'stock_p95']:,.0f} t, and its 5th percentile is {dy.at[2026, 'stock_p5']:,.0f}", "docs/plan.md")
    said(page, f"Dy runs short with probability {dy.at[2026, 'shortage_probability']:.1%} in 2026 and "
         f"{dy.at[2027, 'shortage_probability']:.1%} in 2027 ({dy.at[2027, 'shortage']:,.1f} t expected in 2027, "
         f"{dy.at[2027, 'shortage_p95']:,.1f} t at the 95th percentile)", "docs/plan.md")

def test_trajectory_does_not_depend_on_the_scale_of_the_weights():
    """The trajectory uses the probabilities normalised to sum to 1, so it holds unchanged on a
    tree whose paths carry sampling weights (or leave some mass out)."""
    data = load_inputs(lead_case(1))
    result = plan(data, (2026, 2028))
    h = build_horizon(data, (2026, 2028), 0.0)
    S = len(result.paths)
    X = result.volumes["volume"].to_numpy().reshape(S, -1)
    Z = result.volumes["spot"].to_numpy().reshape(S, -1)
    level = result.stock["stock"].to_numpy().reshape(S, -1)
    short = result.stock["shortage"].to_numpy().reshape(S, -1)
    p = result.paths["probability"].to_numpy()
    once = trajectory(h, X, Z, level, short, p)
    pd.testing.assert_frame_equal(once, result.trajectory)
    pd.testing.assert_frame_equal(trajectory(h, X, Z, level, short, p * 0.37), once, rtol=1e-12)


def test_the_table_and_the_workbook_show_the_trajectory_of_the_json(bundled, bundled_book):
    doc, text = bundled
    tr = doc["trajectory"]
    lines = text.splitlines()
    head = lines.index(next(line for line in lines if line.startswith("Expected course over the paths")))
    columns = lines[head + 1].split()
    assert columns[:3] == ["year", "element", "demand_t"] and columns[-3:] == ["shortage_t", "shortage_p95_t",
                                                                                "p_shortage"]
    for line, r in zip(lines[head + 2: head + 2 + len(tr)], tr, strict=True):
        row = cells(line)
        assert row[:3] == [str(r["year"]), r["element"], f"{r['demand']:,.1f}"]
        assert row[-6:] == [f"{r[k]:,.1f}" for k in ("stock", "stock_p5", "stock_p95", "shortage", "shortage_p95")] \
            + [f"{r['shortage_probability']:.1%}"]
    sheet = list(bundled_book["trajectory"].iter_rows(values_only=True))
    header = [h.split(" (")[0] for h in sheet[0]]
    assert len(sheet) - 1 == len(tr)
    for row, r in zip(sheet[1:], tr):
        got = dict(zip(header, row))
        for key, value in r.items():
            if key == "volume_by_origin":
                assert {k.removeprefix("volume:"): v for k, v in got.items()
                        if k.startswith("volume:") and v is not None} == pytest.approx(value, rel=1e-15)
            else:
                assert got[key] == (value if isinstance(value, str) else pytest.approx(value, rel=1e-15)), key


def test_json_keys_are_added_not_removed(bundled):
    doc = bundled[0]
    assert {"paths", "volumes", "stock", "terminal", "investments", "survival", "path_costs"} <= set(doc)
    assert set(doc["trajectory"][0]) == {"year", "element", "demand", "volume", "volume_by_origin", "spot", "stock",
                                         "stock_p5", "stock_p95", "shortage", "shortage_p95", "shortage_probability"}
    assert set(doc["sign_now"][0]) == {"decision", "origin", "element", "year", "signed", "volume", "project",
                                       "capacity", "online"}
    frame = pd.read_csv(io.StringIO(run(*SHORT, "--format", "csv").stdout))
    assert "path" in frame.columns  # the CSV stays the per-path volumes


@settings(max_examples=12)
@given(plan_instances(max_years=3, max_events=2))
def test_sign_now_and_trajectory_hold_on_random_plans(case):
    folder = temp_folder(**case["tables"])
    years = case["years"]
    result = plan(load_inputs(folder, year=years[0]), years)
    check_sign_now(result)
    check_trajectory(result)
