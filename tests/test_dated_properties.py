"""``solve --year Y`` and ``plan`` on random dated instances against formulations written apart.

The instances (``plan_strategies.dated_instances``) have origins, offers and scenarios that exist
only from some year, dated changes, ``*`` disruption rows of origins that offer nothing in some
years, and dated caps and floors on origins and a group. ``tests/dated_reference.py`` resolves the
rows in force each year from the contract's words (it imports nothing of ``sourcing``) and solves
the one-year reference LP (``tests.helpers.reference_solve``) and the per-path plan LP
(``tests.plan_reference.plan_lp``). The optima agree (relative 1e-6), infeasibility included.
"""

from __future__ import annotations

from hypothesis import given, settings

from sourcing import InfeasibleError, load_inputs, plan, solve
from tests.dated_reference import reference_plan_dated, reference_solve_year
from tests.helpers import close, temp_folder
from tests.plan_strategies import dated_instances

TRIED = {"solve": 0, "plan": 0, "infeasible": 0}


def _objective(run) -> float | None:
    try:
        return run().objective
    except InfeasibleError:
        return None


def _agree(got: float | None, ref: dict, what: str) -> None:
    if ref["status"] == "infeasible":
        TRIED["infeasible"] += 1
        assert got is None, f"{what}: the reference finds no plan, sourcing finds {got}"
        return
    assert ref["status"] == "optimal", ref
    assert got is not None, f"{what}: sourcing finds no plan, the reference {ref['objective']}"
    assert close(got, ref["objective"], scale=1.0), f"{what}: {got} != reference {ref['objective']}"


@settings(max_examples=30)
@given(dated_instances())
def test_solve_and_plan_on_dated_rows_match_the_references(case):
    tables, (start, end) = case["tables"], case["years"]
    folder = temp_folder(**tables)
    for year in range(start, end + 1):
        got = _objective(lambda year=year: solve(load_inputs(folder, year=year)))
        _agree(got, reference_solve_year(tables, year), f"solve --year {year}")
        TRIED["solve"] += 1
    got = _objective(lambda: plan(load_inputs(folder, year=start), (start, end)))
    _agree(got, reference_plan_dated(tables, (start, end)), f"plan --years {start}:{end}")
    TRIED["plan"] += 1
