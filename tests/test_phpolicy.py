"""The inner bound's policy in pieces (sourcing.phpolicy) against the extensive form, solved apart.

The checker is the extensive form (``solve_tree``: the statement with the root fixed through its
own ``fix_root``, or free) and plain numpy on the compiled LP: bounds, rows and cost of the
solution the pieces assemble. On the bundled three-year tree and on random instances (events,
stock, projects, several years):

- one piece (the whole tree) is the extensive form with the root's contracts and investments fixed;
- given the extensive form's optimum as targets, every piece size gives back the optimum;
- given another feasible plan as targets, the policy costs between the optimum and that plan;
- the ranks' shares add up to the whole evaluation, and their columns cover the LP once;
- a root that breaks some path gives no bound, exactly when the extensive form finds no plan;
- the consensus of the paths solved alone (PH's first xbar, far from agreeing) still gives a
  policy at every piece size, no cheaper than the optimum.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings

from sourcing import InfeasibleError, bundled_inputs, load_inputs
from sourcing.decompose import PathModels, _pieces, decomposition_bounds
from sourcing.highs import new_highs, pass_model, run_highs, values
from sourcing.lp import Compiled
from sourcing.model import RiskOptions
from sourcing.multiyear.api import checked_tree, root_values, solve_tree
from sourcing.multiyear.horizon import build_horizon
from sourcing.multiyear.statement import build_statement
from tests.helpers import temp_folder
from tests.plan_strategies import plan_instances

TOL = 1e-7


def _case(data, years, paths=500, seed=0, options=None):
    options = options or RiskOptions()
    horizon = build_horizon(data, years, 0.0)
    tree = checked_tree(horizon, "independent", paths, seed)
    st = build_statement(horizon, tree, options)
    decomposition_bounds(st)
    return horizon, tree, options, PathModels(st)


def _on_columns(models, compiled, raw) -> np.ndarray:
    """A solution of another compile of the same tree, on ``models``'s compiled columns."""
    x = np.zeros(len(models.cp.cost))
    for name, pos in models.cp.columns.items():
        got = values(compiled, raw, name)
        x[pos[pos >= 0]] = got[pos >= 0]
    return x


def _assembled(models, shares) -> np.ndarray:
    x = np.full(len(models.cp.cost), np.nan)
    for got in shares:
        assert np.isnan(x[got.columns]).all(), "two shares decided the same column"
        x[got.columns] = got.values
    assert not np.isnan(x).any(), "some column was decided by no share"
    return x


def _feasible_cost(models, x) -> float:
    """c x + offset of ``x`` after checking it meets the compiled LP's bounds and rows."""
    cp = models.cp
    scale = max(1.0, float(np.abs(x).max()))
    assert (x >= cp.col_lower - TOL * scale).all() and (x <= cp.col_upper + TOL * scale).all()
    ax = cp.matrix @ x
    assert (ax >= cp.row_lower - TOL * scale).all() and (ax <= cp.row_upper + TOL * scale).all()
    return float(cp.cost @ x + cp.offset)


def _evaluate(models, max_paths, root, target_x, size=1):
    pieces = _pieces(models, max_paths)
    targets = {v: target_x[pieces.cols_of[v]] for v in pieces.split}
    shares = [pieces.evaluate(root, targets, (k, size)) for k in range(size)]
    if any(s.objective is None for s in shares):
        return pieces, None, shares
    return pieces, sum(s.objective for s in shares), shares


def _sizes(tree) -> list[int]:
    kids = np.unique(tree.path_node[:, 1], return_counts=True)[1]
    return sorted({tree.paths, int(kids.max()), max(1, tree.paths // 4), 2, 1}, reverse=True)


@pytest.fixture(scope="module")
def three_years():
    return _case(load_inputs(bundled_inputs()), (2026, 2028))


def test_one_piece_is_the_extensive_form_with_the_root_fixed(three_years):
    """The root of another tree's optimum (seed 1, 100 paths) held on this one: the pieces, whole or
    split at the root alone, cost what the extensive form with that root fixed costs."""
    horizon, tree, options, models = three_years
    other = checked_tree(horizon, "independent", 100, 1)
    fix = root_values(*solve_tree(horizon, other, options))
    _, _, fixed = solve_tree(horizon, tree, options, fix_root=fix)
    st, cp = models.st, models.cp
    root = np.zeros(len(cp.cost))
    for name, (items, vals) in fix.items():
        pos = cp.columns[name][st.variables[name].first[items]]
        root[pos[pos >= 0]] = vals[pos >= 0]
    kids = np.unique(tree.path_node[:, 1], return_counts=True)[1]
    for size in (tree.paths, int(kids.max())):
        pieces = _pieces(models, size)
        assert len(pieces.split) == (0 if size == tree.paths else 1)
        cost = pieces.evaluate(root[pieces.cols_of[pieces.root]], {}).objective
        assert cost == pytest.approx(fixed.objective, rel=1e-9)


def _optimum_gives_back_itself(horizon, tree, options, models) -> None:
    _, compiled, raw = solve_tree(horizon, tree, options)
    x = _on_columns(models, compiled, raw)
    for size in _sizes(tree):
        pieces, cost, shares = _evaluate(models, size, x[_pieces(models, size).cols_of[int(tree.path_node[0, 0])]],
                                         x, size=3)
        assert cost is not None, f"the optimum's own decisions broke a piece at {size} paths"
        assert cost == pytest.approx(raw.objective, rel=1e-7, abs=1e-6)
        assert _feasible_cost(models, _assembled(models, shares)) == pytest.approx(cost, rel=1e-7, abs=1e-6)


def test_the_optimum_as_targets_gives_back_the_optimum_at_every_piece_size(three_years):
    _optimum_gives_back_itself(*three_years)


def test_another_plan_as_targets_costs_between_the_optimum_and_that_plan(three_years):
    """The optimum of a costlier risk weight is a feasible plan of the same tree; as the split
    nodes' targets it gives a policy no cheaper than the optimum and no dearer than that plan."""
    horizon, tree, options, models = three_years
    optimum = solve_tree(horizon, tree, options)[2].objective
    _, compiled, raw = solve_tree(horizon, tree, RiskOptions(risk_weight=3.0))
    x = _on_columns(models, compiled, raw)
    plan_cost = _feasible_cost(models, x)
    assert plan_cost > optimum * (1 + 1e-6)
    costs = []
    for size in _sizes(tree):
        root = x[_pieces(models, size).cols_of[int(tree.path_node[0, 0])]]
        pieces, cost, shares = _evaluate(models, size, root, x, size=2)
        assert cost is not None
        assert optimum * (1 - 1e-9) <= cost <= plan_cost * (1 + 1e-9)
        assert _feasible_cost(models, _assembled(models, shares)) == pytest.approx(cost, rel=1e-7)
        costs.append(cost)
    assert costs[-1] == pytest.approx(plan_cost, rel=1e-7)  # one path a piece: the plan's own nodes


def test_a_root_that_breaks_a_path_gives_no_bound_as_the_extensive_form_finds_no_plan(three_years):
    horizon, tree, options, models = three_years
    st, cp = models.st, models.cp
    fix, root = {}, cp.col_upper.copy()  # every root contract and project at its bound
    for name in ("volume", "investment"):
        fam = st.variables[name]
        items = np.flatnonzero(fam.depth == -1)
        fix[name] = (items, fam.upper[fam.first[items]])
    with pytest.raises(InfeasibleError):
        solve_tree(horizon, tree, options, fix_root=fix)
    for size in (tree.paths, 4):
        pieces = _pieces(models, size)
        targets = {v: cp.col_lower[pieces.cols_of[v]] for v in pieces.split}
        assert pieces.evaluate(root[pieces.cols_of[pieces.root]], targets).objective is None


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan_instances(in_progress=True))
def test_random_instances_give_back_their_optimum_in_pieces(case):
    data = load_inputs(temp_folder(**case["tables"]), year=case["years"][0])
    horizon, tree, options, models = _case(data, case["years"])
    try:
        solve_tree(horizon, tree, options)
    except InfeasibleError:
        return
    _optimum_gives_back_itself(horizon, tree, options, models)


def _paths_alone(models) -> np.ndarray:
    """The probability-weighted mean, per column, of every path's optimum solved alone (each path's
    columns and rows cut from the compiled LP, costs per unit of probability): PH's consensus after
    its iteration 0."""
    cp, t = models.cp, models.st.tree
    total, weight = np.zeros(len(cp.cost)), np.zeros(len(cp.cost))
    for s in range(t.paths):
        cols = np.flatnonzero(np.isin(models.col_node, t.path_node[s]))
        rows = np.flatnonzero(np.isin(models.row_node, t.path_node[s]))
        lp = Compiled(cp.cost[cols] / t.node_probability[models.col_node[cols]], 0.0,
                      sp.csc_array(models.A[rows][:, cols]), cp.col_lower[cols], cp.col_upper[cols],
                      cp.row_lower[rows], cp.row_upper[rows], {}, {})
        highs = new_highs()
        pass_model(highs, lp)
        raw = run_highs(highs)
        assert raw.status == "optimal"
        total[cols] += t.path_probability[s] * raw.col_value
        weight[cols] += t.path_probability[s]
    return total / weight


def test_the_consensus_of_paths_alone_gives_a_policy_at_every_piece_size():
    """On the five-year tree this consensus once broke a piece: a project funded at a node and at
    its ancestors beyond its max_capacity. A split node now keeps a feasible continuation along the
    most probable path of each child's subtree."""
    horizon, tree, options, models = _case(load_inputs(bundled_inputs()), (2026, 2030), paths=300)
    optimum = solve_tree(horizon, tree, options)[2].objective
    x = _paths_alone(models)
    root = x[_pieces(models, 1).cols_of[int(tree.path_node[0, 0])]]
    for size in _sizes(tree):
        pieces, cost, shares = _evaluate(models, size, root, x, size=2)
        assert cost is not None, f"no policy at {size} paths a piece"
        assert cost >= optimum * (1 - 1e-9)
        assert _feasible_cost(models, _assembled(models, shares)) == pytest.approx(cost, rel=1e-7)
