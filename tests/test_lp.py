"""``build_lp`` gives exactly the matrices Pyomo's standard-form compiler makes of ``build_model``."""

import numpy as np
import pytest

from benchmarks.generate import SIZES, Size, generate
from sourcing import RiskOptions, build_model, bundled_inputs, load_inputs, solve
from sourcing.highs import compile_model
from sourcing.lp import TriviallyInfeasibleError, build_lp
from tests.helpers import temp_folder

OPTIONS = [
    RiskOptions(),
    RiskOptions(risk_weight=0.0),
    RiskOptions(risk_weight=2.5),
    RiskOptions(risk_weight=1.0, cvar_weight=0.5, cvar_level=0.9),
    RiskOptions(risk_weight=3.0, cvar_weight=1.0, cvar_level=0.8),
]


def shares_folder():
    """Groups, upstream content, floors, a demand-basis cap, a zero cost and no disruption of Ce."""
    return temp_folder(
        supply=[
            {"origin": "A", "element": "Nd", "unit_cost": 10, "capacity": 100, "min_volume": 5},
            {"origin": "B", "element": "Nd", "unit_cost": 20, "capacity": 80},
            {"origin": "C", "element": "Nd", "unit_cost": 0, "capacity": 50},
            {"origin": "A", "element": "Ce", "unit_cost": 2, "capacity": 60},
            {"origin": "C", "element": "Ce", "unit_cost": 3, "capacity": 60},
        ],
        demand=[{"element": "Nd", "demand": 120, "shortage_cost": 50},
                {"element": "Ce", "demand": 40, "shortage_cost": 5},
                {"element": "Tb", "demand": 0, "shortage_cost": 500}],
        groups=[{"group": "AB", "origin": "A"}, {"group": "AB", "origin": "B"}],
        content=[{"origin": "C", "element": "*", "upstream": "Z", "fraction": 0.4}],
        caps=[
            {"origin": "AB", "element": "Nd", "max_share": 0.8, "min_share": "", "basis": "imports", "scope": "origin"},
            {"origin": "Z", "element": "*", "max_share": 0.3, "min_share": "", "basis": "imports", "scope": "content"},
            {"origin": "C", "element": "Nd", "max_share": "", "min_share": 0.1, "basis": "demand", "scope": "origin"},
            {"origin": "A", "element": "*", "max_share": 0.7, "min_share": 0.2, "basis": "imports", "scope": "origin"},
            {"origin": "A", "element": "Tb", "max_share": 0.5, "min_share": "", "basis": "demand", "scope": "origin"},
        ],
        scenarios=[{"scenario": "s1", "probability": 0.2}, {"scenario": "s2", "probability": 0.1}],
        disruptions=[{"scenario": "s1", "origin": "A", "element": "*", "availability": 0.5},
                     {"scenario": "s1", "origin": "A", "element": "Ce", "availability": 1.0},
                     {"scenario": "s2", "origin": "C", "element": "Nd", "availability": 0.0}],
        stockpile=[{"element": "Nd", "stock": 10}],
    )


def datasets(tmp_path):
    bundled = load_inputs(bundled_inputs())
    yield "bundled", bundled
    yield "bundled, China capped at 40%", bundled.with_caps({"China": 0.4, ("China", "Tb"): 1.0})
    yield "shares", load_inputs(shares_folder())
    yield "tiny", load_inputs(generate(tmp_path / "tiny", SIZES["tiny"]))
    yield "small", load_inputs(generate(tmp_path / "small", Size(origins=30, elements=6, scenarios=20, seed=5)))


def assert_same(a, b):
    assert a.matrix.shape == b.matrix.shape
    for x in (a.matrix, b.matrix):
        x.sort_indices()
    for attr in ("indptr", "indices", "data"):
        np.testing.assert_array_equal(getattr(a.matrix, attr), getattr(b.matrix, attr), err_msg=attr)
    for attr in ("cost", "col_lower", "col_upper", "row_lower", "row_upper"):
        np.testing.assert_array_equal(getattr(a, attr), getattr(b, attr), err_msg=attr)
    assert a.offset == b.offset
    assert a.columns.keys() == b.columns.keys() and a.rows.keys() == b.rows.keys()
    for name in a.columns:
        np.testing.assert_array_equal(a.columns[name], b.columns[name], err_msg=name)
        np.testing.assert_array_equal(a.fallback[name], b.fallback[name], err_msg=name)
    for name in a.rows:
        np.testing.assert_array_equal(a.rows[name], b.rows[name], err_msg=name)


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: f"rw{o.risk_weight}-cw{o.cvar_weight}")
def test_build_lp_is_the_compiled_model(tmp_path, options):
    for label, data in datasets(tmp_path):
        try:
            compiled = compile_model(build_model(data, options))
        except Exception as exc:  # the compiler's trivially infeasible row
            with pytest.raises(TriviallyInfeasibleError):
                build_lp(data, options)
            assert type(exc).__name__ == "InfeasibleConstraintException", label
            continue
        assert_same(build_lp(data, options), compiled)


def test_solving_the_pyomo_model_gives_the_same_result():
    data = load_inputs(shares_folder())
    for options in OPTIONS:
        direct = solve(data, options)
        via_pyomo = solve(data, options, model=build_model(data, options))
        assert direct.objective == via_pyomo.objective
        for name in ("plan", "caps", "elements", "scenarios", "shortages"):
            assert getattr(direct, name).equals(getattr(via_pyomo, name)), name

