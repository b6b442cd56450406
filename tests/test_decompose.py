"""plan --decompose ph: progressive hedging on mpi-sppy over the extensive form's own statement.

The bounds it reports are checked against the extensive form's optimum (solved apart, by
``plan``); its trivial outer bound against the wait-and-see value that ``value_of_information``
computes path by path from its own one-path trees; the finite bounds decomposition adds against
the extensive form's optimum without them; and one run under ``mpiexec -n 2`` (required where
``SOURCING_REQUIRE_MPI`` is set, as .ci/run sets it once it has installed openmpi)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from sourcing import bundled_inputs, load_inputs
from sourcing.cli import main
from sourcing.model import RiskOptions
from sourcing.multiyear.api import checked_tree, plan, solve_tree, value_of_information
from sourcing.multiyear.horizon import build_horizon
from sourcing.multiyear.matrices import compile_statement
from sourcing.multiyear.statement import build_statement

REQUIRED = bool(os.environ.get("SOURCING_REQUIRE_MPI"))
HERE = Path(__file__).parent


def _needs_mpi_sppy():
    try:
        import mpi4py  # noqa: F401
        import mpisppy  # noqa: F401
    except ImportError:
        if REQUIRED:
            raise
        pytest.skip("mpi4py and mpi-sppy are not installed (pip install 'sourcing[mpi]')")


@pytest.fixture(scope="module")
def bundled():
    return load_inputs(bundled_inputs())


@pytest.mark.parametrize("years, options", [
    ((2026, 2027), RiskOptions()),
    ((2026, 2028), RiskOptions(1.0, 0.5, 0.9)),
    ((2026, 2026), RiskOptions(2.0)),
])
def test_decomposition_bounds_are_finite_and_keep_the_optimum(bundled, years, options):
    from sourcing.decompose import decomposition_bounds

    horizon = build_horizon(bundled, years, 0.0)
    tree = checked_tree(horizon, "independent", 500, 0)
    st = build_statement(horizon, tree, options)
    decomposition_bounds(st)
    compiled = compile_statement(st)
    assert np.isfinite(compiled.col_upper).all()
    from sourcing.highs import new_highs, pass_model, run_highs

    highs = new_highs()
    pass_model(highs, compiled)
    bounded = run_highs(highs, None)
    _, _, free = solve_tree(horizon, tree, options)
    assert bounded.status == "optimal"
    assert bounded.objective == pytest.approx(free.objective, rel=1e-9)


def test_path_subproblems_give_the_wait_and_see_bound(bundled):
    """PH's iteration 0 solves each path alone: its trivial bound is the wait-and-see value that
    value_of_information gets from one-path trees of its own."""
    _needs_mpi_sppy()
    from sourcing.decompose import progressive_hedging

    got = progressive_hedging(bundled, (2026, 2026), max_iterations=1)
    ws = value_of_information(bundled, (2026, 2026))["wait_and_see"]
    assert got.decomposition["outer_bound"] == pytest.approx(ws, rel=1e-7)
    # the usual outputs carry it: the table's line and the workbook's sheet
    import io

    import openpyxl

    from sourcing.output.plan_table import plan_table
    from sourcing.output.xlsx import result_xlsx

    assert "Decomposition: progressive hedging on 1 rank, 1 iterations" in plan_table(got)
    book = openpyxl.load_workbook(io.BytesIO(result_xlsx(got)))
    header, row = list(book["decomposition"].iter_rows(values_only=True))
    assert header[0] == "method" and row[0] == "ph"


@pytest.mark.parametrize("years, iterations, piece_paths", [((2026, 2026), 30, 2000), ((2026, 2027), 1, 2000),
                                                           ((2026, 2027), 1, 20)])
def test_ph_bounds_hold_the_extensive_forms_optimum(bundled, years, iterations, piece_paths):
    """Also with the inner bound's plan evaluated in pieces of at most 20 paths: the nodes above
    that size take PH's consensus after one iteration, and the policy still holds on every path."""
    _needs_mpi_sppy()
    from sourcing.decompose import progressive_hedging

    got = progressive_hedging(bundled, years, paths=500, max_iterations=iterations, time_limit=60,
                              piece_paths=piece_paths)
    d = got.decomposition
    optimum = plan(bundled, years, paths=500).objective
    assert d["method"] == "ph" and d["ranks"] == 1 and d["iterations"] >= 1
    assert d["piece_paths"] == piece_paths and (d["pieces"] > 1) == (piece_paths < got.tree["paths"])
    tol = 1e-9 * abs(optimum)
    assert d["outer_bound"] <= optimum + tol <= d["inner_bound"] + 2 * tol
    # the inner bound lies within its reported gap of the optimum, and it is this plan's cost
    assert d["inner_bound"] - optimum <= d["gap"] * abs(d["inner_bound"]) + tol
    assert got.objective == pytest.approx(d["inner_bound"], rel=1e-12)
    assert d["gap"] == pytest.approx((d["inner_bound"] - d["outer_bound"]) / abs(d["inner_bound"]))


def test_ph_sign_now_agrees_with_the_extensive_form_within_the_gap(bundled):
    """Sign-now decisions held fixed on the tree cost no more than the optimum plus the gap: the
    plan's own sign-now, fixed through the extensive form, gives back its objective."""
    _needs_mpi_sppy()
    from sourcing.decompose import progressive_hedging

    got = progressive_hedging(bundled, (2026, 2026), max_iterations=30)
    exact = plan(bundled, (2026, 2026))
    d = got.decomposition
    assert got.objective - exact.objective <= d["gap"] * abs(d["inner_bound"]) + 1e-9 * abs(exact.objective)
    keys = ["decision", "origin", "element", "year"]
    assert got.sign_now[keys].astype(str).equals(exact.sign_now[keys].astype(str))


def test_the_hubs_own_bounds_close_on_one_rank_and_stop_ph_at_its_gap(bundled):
    """On one rank (no spokes) the hub computes the Lagrangian bound of its weights and evaluates
    its consensus root: the outer bound rises above the wait-and-see bound, both bounds hold the
    extensive form's optimum, and PH stops once they are within --ph-gap, before its iteration
    limit."""
    _needs_mpi_sppy()
    from sourcing.decompose import progressive_hedging

    optimum = plan(bundled, (2026, 2026)).objective
    ws = value_of_information(bundled, (2026, 2026))["wait_and_see"]
    tight = progressive_hedging(bundled, (2026, 2026), max_iterations=40, gap=1e-9).decomposition
    assert tight["iterations"] == 40  # a gap it cannot reach: PH runs to its limit
    tol = 1e-9 * abs(optimum)
    assert ws + 0.01 * abs(optimum) < tight["outer_bound"] <= optimum + tol <= tight["inner_bound"] + tol
    assert tight["gap"] < 0.02 < (optimum - ws) / abs(optimum)  # the trivial bound alone: more than 2%
    loose = progressive_hedging(bundled, (2026, 2026), max_iterations=40, gap=0.05).decomposition
    assert loose["iterations"] < 40 and loose["gap"] <= 0.05
    assert loose["outer_bound"] <= optimum + tol <= loose["inner_bound"] + tol


def test_ph_reaches_a_tenth_of_a_percent_on_the_one_year_tree(bundled):
    """With PH's exact quadratic proximal term the one-year tree closes to 1e-3 well inside the
    iteration limit (the linearised term stood at 0.5% after 170 iterations), and the bounds still
    hold the extensive form's optimum."""
    _needs_mpi_sppy()
    from sourcing.decompose import progressive_hedging

    optimum = plan(bundled, (2026, 2026)).objective
    d = progressive_hedging(bundled, (2026, 2026), max_iterations=150, gap=1e-3).decomposition
    assert d["iterations"] < 150 and d["gap"] <= 1e-3
    tol = 1e-9 * abs(optimum)
    assert d["outer_bound"] <= optimum + tol <= d["inner_bound"] + tol


def test_a_path_qp_that_cycled_at_highs_defaults_solves_to_its_kkt_point():
    """tests/data/ph-path-qp.mps is a path subproblem of PH (path 106 of the 2026-2028 tree, 500
    sampled paths, seed 0, PH's iteration 1 at rho 0.001, written by HiGHS as it was handed over)
    on which HiGHS's active-set QP solver ran without end at its default qp_regularization_value.
    With the decomposition's value HiGHS stops within an iteration limit at a point that satisfies
    the QP's optimality conditions, recomputed here from the file's data: feasible, and every
    reduced cost c + Qx - A'y of the sign its column's bounds (and every row dual of the sign its
    row's bounds) allow."""
    import highspy
    from scipy import sparse

    from sourcing.decompose import QP_REGULARIZATION

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    assert h.readModel(str(HERE / "data" / "ph-path-qp.mps")) == highspy.HighsStatus.kOk
    h.setOptionValue("qp_regularization_value", QP_REGULARIZATION)
    h.setOptionValue("qp_iteration_limit", 100_000)
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    lp, hessian, sol = h.getLp(), h.getModel().hessian_, h.getSolution()
    a = lp.a_matrix_
    A = sparse.csc_matrix((a.value_, a.index_, a.start_), shape=(lp.num_row_, lp.num_col_))
    Q = sparse.csc_matrix((hessian.value_, hessian.index_, hessian.start_), shape=(hessian.dim_,) * 2)
    assert Q.nnz and abs(Q - sparse.diags(Q.diagonal())).sum() == 0  # PH's proximal term: diagonal
    x, y, c = np.array(sol.col_value), np.array(sol.row_dual), np.array(lp.col_cost_)
    row = A @ x
    scale = np.abs(c).max()
    feas, dual = 1e-6 * max(1.0, np.abs(x).max()), 1e-7 * scale
    for value, lower, upper, price in [(x, np.array(lp.col_lower_), np.array(lp.col_upper_),
                                        c + Q.diagonal() * x - A.T @ y),
                                       (row, np.array(lp.row_lower_), np.array(lp.row_upper_), y)]:
        assert (value >= lower - feas).all() and (value <= upper + feas).all()
        at_lower, at_upper = value <= lower + feas, value >= upper - feas
        assert (price[at_lower & ~at_upper] >= -dual).all() and (price[at_upper & ~at_lower] <= dual).all()
        assert (np.abs(price[~at_lower & ~at_upper]) <= dual).all()


def test_decompose_and_replications_exclude_each_other():
    got = CliRunner().invoke(main, ["plan", "--years", "2026:2027", "--decompose", "ph", "--replications", "2"])
    assert got.exit_code == 2
    assert "exclude each other" in got.output


def _mpiexec_plan(tmp_path, *options: str) -> subprocess.CompletedProcess:
    """``mpiexec -n 2 sourcing plan --decompose ph OPTIONS --output plan.json`` in ``tmp_path``."""
    mpiexec = shutil.which("mpiexec")
    if mpiexec is None:
        if REQUIRED:
            pytest.fail("SOURCING_REQUIRE_MPI is set but there is no mpiexec")
        pytest.skip("no mpiexec (Debian: apt-get install openmpi-bin libopenmpi-dev)")
    _needs_mpi_sppy()
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1", OMPI_MCA_mpi_yield_when_idle="1")
    command = [mpiexec, "-n", "2", sys.executable, "-m", "sourcing.cli", "plan", "--decompose", "ph", *options,
               "--output", str(tmp_path / "plan.json")]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def test_mpiexec_two_ranks_stop_at_the_gap_of_the_plan_they_report(bundled, tmp_path):
    """On two ranks the xhatshuffle spoke's incumbent can be the best inner bound, and mpi-sppy's hub
    stops on it: the plan reported is then that incumbent's root (re-evaluated), so its gap is the
    one PH stopped at. The hub's progress lines on stderr hold the optimum between their bounds."""
    done = _mpiexec_plan(tmp_path, "--years", "2026:2026", "--ph-gap", "1e-3", "--time-limit", "300")
    d = json.loads((tmp_path / "plan.json").read_text())["decomposition"]
    assert d["gap"] <= 1e-3 and d["iterations"] < 1000
    optimum = plan(bundled, (2026, 2026)).objective / 1e6
    lines = [line for line in done.stderr.splitlines() if line.startswith("ph iteration")]
    pattern = re.compile(r"ph iteration (\d+), [\d.]+ s: outer bound ([\d,.]+) M USD, inner bound ([\d,.]+) M USD, "
                         r"gap (\d+\.\d{3})%$")
    assert lines and all(pattern.match(line) or line.endswith("inner bound -, gap -") for line in lines)
    lines = [line for line in lines if pattern.match(line)]
    assert lines  # the gap closed, so some line has both bounds
    for line in lines:
        _, outer, inner, gap = pattern.match(line).groups()
        outer, inner = float(outer.replace(",", "")), float(inner.replace(",", ""))
        assert outer <= optimum + 1e-3 and optimum <= inner + 1e-3
        assert float(gap) == pytest.approx(100 * (inner - outer) / inner, abs=2e-3)


def test_mpiexec_two_ranks_write_one_document(bundled, tmp_path):
    """... with the inner bound's pieces shared between the two ranks."""
    done = _mpiexec_plan(tmp_path, "--years", "2026:2027", "--paths", "500", "--time-limit", "8",
                         "--ph-piece-paths", "20")
    out = tmp_path / "plan.json"
    assert done.stdout == ""  # mpi-sppy's chatter goes to stderr; the document to --output
    doc = json.loads(out.read_text())  # one document: rank 0 alone wrote it
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]  # mpi-sppy's log files are not left here
    d = doc["decomposition"]
    assert d["ranks"] == 2 and d["method"] == "ph" and d["piece_paths"] == 20 and d["pieces"] > 2
    optimum = plan(bundled, (2026, 2027), paths=500).objective
    tol = 1e-9 * abs(optimum)
    assert d["outer_bound"] <= optimum + tol <= d["inner_bound"] + 2 * tol
    assert doc["objective"] == pytest.approx(d["inner_bound"], rel=1e-12)
