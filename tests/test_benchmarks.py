"""The benchmark's generator and floor agree with ``sourcing solve`` (no timings here)."""

import pytest

from benchmarks import floor
from benchmarks.generate import SIZES, Size, generate
from sourcing import load_inputs, solve
from tests.helpers import check_invariants, close


@pytest.mark.parametrize("size", [SIZES["tiny"], Size(origins=40, elements=5, scenarios=30, seed=3)])
def test_floor_and_dense_floor_match_sourcing(tmp_path, size):
    folder = generate(tmp_path / "in", size)
    data = load_inputs(folder)  # the generator writes valid contract inputs
    result = solve(data)
    check_invariants(data, result)
    stats = {}
    solve(data, stats=stats)
    sparse = floor.solve(folder)
    dense = floor.solve(folder, formulation="dense")
    assert close(sparse["objective"], result.objective)
    assert close(dense["objective"], result.objective)
    assert sparse["nnz"] == stats["nnz"] and sparse["shape"] == (stats["rows"], stats["columns"])
    assert dense["nnz"] > sparse["nnz"]
    plan = result.plan.set_index(["origin", "element"])["volume"]
    other = sparse["plan"].set_index(["origin", "element"])["volume"]
    assert ((plan - other.reindex(plan.index)).abs() <= 1e-6 * max(1.0, plan.max())).all()


def test_generator_is_seeded(tmp_path):
    a = generate(tmp_path / "a", SIZES["tiny"])
    b = generate(tmp_path / "b", SIZES["tiny"])
    c = generate(tmp_path / "c", Size(origins=12, elements=3, scenarios=6, seed=1))
    for name in ("supply", "caps", "disruptions", "scenarios"):
        assert (a / f"{name}.csv").read_text() == (b / f"{name}.csv").read_text()
    assert (a / "supply.csv").read_text() != (c / "supply.csv").read_text()


@pytest.mark.parametrize("events", [2, 5])
def test_plan_floor_is_sourcing_plans_lp(tmp_path, events):
    """The plan benchmark's floor, written apart from sourcing.multiyear, builds an LP of the same
    size with the same optimum as ``sourcing.plan`` (dated demand, lead times, spot, caps, events
    with durations, stockpile, investments)."""
    from dataclasses import replace

    from benchmarks import plan_floor
    from benchmarks.plan_generate import PLAN_SIZES, generate_plan
    from sourcing import plan

    folder = generate_plan(tmp_path / "plan", replace(PLAN_SIZES["tiny"], events=events, years=4))
    stats = {}
    result = plan(load_inputs(folder), stats=stats, events="first")
    floor_out = plan_floor.solve(folder)
    assert close(floor_out["objective"], result.objective)
    assert floor_out["nnz"] == stats["nnz"] and floor_out["shape"] == (stats["rows"], stats["columns"])
    assert floor_out["paths"] == stats["paths"] == len(result.paths)


@pytest.mark.parametrize("events", [3, 6])
def test_plan_floor_on_a_sampled_independent_tree_is_sourcing_plans_lp(tmp_path, events):
    """The floor's own sampling and tree of independent events (overlaps multiplying, cover unless
    an event in progress is known) build the LP of ``sourcing.plan``'s sampled tree: same size,
    paths and optimum."""
    from dataclasses import replace

    from benchmarks import plan_floor
    from benchmarks.plan_generate import PLAN_SIZES, generate_plan
    from sourcing import plan

    size = replace(PLAN_SIZES["tiny"], events=events, years=5, hazard=0.9)
    folder = generate_plan(tmp_path / "plan", size)
    stats = {}
    result = plan(load_inputs(folder), stats=stats, paths=60, seed=4)
    assert result.tree["exact"] is False and result.paths["events"].map(len).max() >= 2
    floor_out = plan_floor.solve(folder, events_model="independent", paths=60, seed=4)
    assert floor_out["paths"] == stats["paths"] == len(result.paths)
    assert close(floor_out["objective"], result.objective)
    assert floor_out["nnz"] == stats["nnz"] and floor_out["shape"] == (stats["rows"], stats["columns"])
