"""The plan's one statement feeds both routes: Pyomo's compilation of the model is the fast path's LP.

``compile_statement(st)`` (numpy) and ``compile_model(model_of(st))`` (Pyomo's standard-form
compiler) must give the same columns and rows (matched through the maps by family and index),
the same coefficients, bounds and costs, bit for bit. Also: the tree's paths and nodes.
"""

from __future__ import annotations

import numpy as np
import pytest

from sourcing import RiskOptions, build_plan_model, bundled_inputs, load_inputs, plan
from sourcing.highs import compile_model
from sourcing.multiyear.matrices import compile_statement
from sourcing.multiyear.model import model_of
from sourcing.multiyear.statement import statement_for
from sourcing.multiyear.tree import build_tree
from tests.helpers import temp_folder

OPTIONS = [RiskOptions(), RiskOptions(risk_weight=0.0), RiskOptions(risk_weight=1.0, cvar_weight=0.5, cvar_level=0.8)]


def rich_folder(halt_until: str = ""):
    """Dated rows in every file, lead times 0-2, spot, floors, a demand-basis cap, a group, upstream
    content, two projects (one on an offer that exists from 2028 only), durations, a dated hazard,
    a stockpile with a terminal target; both events hit A, so where they overlap their availabilities
    multiply; ``halt_until``: the halt is in progress today until that year."""
    return temp_folder(
        supply="origin,element,unit_cost,capacity,min_volume,year,lead_time,spot_cost\n"
               "A,Nd,10,100,0,,0,14\nB,Nd,20,80,5,,1,\nC,Nd,15,20,0,,2,18\nA,Ce,2,60,0,,0,3\n"
               "C,Ce,3,60,0,2028,1,\nB,Nd,22,90,5,2027,1,30\n",
        demand="element,demand,shortage_cost,year\nNd,90,50,\nNd,100,50,2028\nCe,40,5,\n",
        caps="origin,element,max_share,min_share,basis,scope,year\nA,Nd,0.7,,imports,origin,\n"
             "A,Nd,0.6,,imports,origin,2028\nC,Nd,,0.1,demand,origin,2027\nAB,Nd,0.9,,imports,origin,\n"
             "Z,*,0.8,,imports,content,\n",
        groups="group,origin\nAB,A\nAB,B\n",
        content="origin,element,upstream,fraction\nC,*,Z,0.4\n",
        scenarios=f"scenario,probability,duration,year,in_progress_until\nhalt,0.2,1,,{halt_until}\n"
                  "embargo,0.1,2,,\nembargo,0.15,3,2028,\n",
        disruptions="scenario,origin,element,availability,year\nhalt,A,*,0.5,\nembargo,A,*,0.0,\n"
                    "embargo,A,Ce,0.3,2028\n",
        stockpile="element,stock,max_stock,holding_cost,terminal_stock,year\nNd,10,50,1,10,\nNd,,60,1,,2028\n",
        investments="project,origin,element,capex,lead_time,max_capacity,life,first_year\n"
                    "cx,C,Nd,40000,1,50,10,\ncy,C,Ce,5000,0,30,2,2027\n",
    )


def assert_same(a, b):
    """The two compiled LPs, ``b`` permuted into ``a``'s order through the maps, are equal."""
    colmap = np.full(a.matrix.shape[1], -1)
    rowmap = np.full(a.matrix.shape[0], -1)
    for maps, into in ((zip(a.columns.values(), b.columns.values()), colmap), (zip(a.rows.values(), b.rows.values()),
                                                                              rowmap)):
        for pa, pb in maps:
            assert len(pa) == len(pb) and ((pa >= 0) == (pb >= 0)).all()
            into[pa[pa >= 0]] = pb[pb >= 0]
    assert a.columns.keys() == b.columns.keys() and a.rows.keys() == b.rows.keys()
    assert (colmap >= 0).all() and (rowmap >= 0).all()
    assert b.matrix.shape == a.matrix.shape
    B = b.matrix.tocsr()[rowmap][:, colmap].tocsc()
    A = a.matrix.tocsc()
    A.sort_indices()
    B.sort_indices()
    for attr in ("indptr", "indices", "data"):
        np.testing.assert_array_equal(getattr(A, attr), getattr(B, attr), err_msg=attr)
    np.testing.assert_array_equal(a.cost, b.cost[colmap])
    np.testing.assert_array_equal(a.col_lower, b.col_lower[colmap])
    np.testing.assert_array_equal(a.col_upper, b.col_upper[colmap])
    np.testing.assert_array_equal(a.row_lower, b.row_lower[rowmap])
    np.testing.assert_array_equal(a.row_upper, b.row_upper[rowmap])
    assert a.offset == b.offset


CASES = [("rich", rich_folder, (2026, 2029), 0.05), ("rich-in-progress", lambda: rich_folder("2027"), (2026, 2029), 0.0),
         ("bundled-sampled", bundled_inputs, (2026, 2029), 0.0)]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: f"rw{o.risk_weight}-cw{o.cvar_weight}")
@pytest.mark.parametrize(("name", "where", "years", "rate"), CASES, ids=[c[0] for c in CASES])
def test_the_pyomo_model_compiles_to_the_fast_path(name, where, years, rate, options):
    """The default tree: exact with overlapping events (rich) and an event in progress today, or
    sampled (bundled: 1,000 paths drawn, many of several events)."""
    st = statement_for(load_inputs(where(), year=years[0]), years, rate, options)
    assert st.tree.info["exact"] == (name != "bundled-sampled")
    assert max(len(h) for h in st.tree.histories) >= 2, "overlapping events"
    assert bool(st.tree.ongoing) == (name != "rich")  # the January 2026 case has events in progress too
    fast = compile_statement(st)
    assert fast.matrix.nnz > 0
    assert_same(fast, compile_model(model_of(st)))


def test_solving_the_pyomo_model_gives_the_same_plan():
    data = load_inputs(rich_folder(), year=2026)
    options = RiskOptions(risk_weight=1.0, cvar_weight=0.3, cvar_level=0.9)
    direct = plan(data, (2026, 2029), discount_rate=0.05, options=options)
    model = build_plan_model(data, (2026, 2029), discount_rate=0.05, options=options)
    via = plan(data, (2026, 2029), discount_rate=0.05, options=options, model=model)
    assert direct.objective == pytest.approx(via.objective, rel=1e-9)
    for name in ("paths", "path_costs"):
        assert getattr(direct, name)["path"].equals(getattr(via, name)["path"])
    assert np.allclose(direct.path_costs["total"], via.path_costs["total"], rtol=1e-7)


def test_the_model_names_every_family_with_its_equation():
    model = build_plan_model(load_inputs(rich_folder(), year=2026), (2026, 2028))
    import pyomo.environ as pyo

    names = {c.name: c.doc for c in model.component_objects(pyo.Constraint)}
    assert set(names) == {"capacity", "project_limit", "total_volume_def", "cover", "concentration", "floor",
                          "spot_limit", "balance", "stock_balance", "terminal"}
    for number, name in (("P1", "capacity"), ("P2", "project_limit"), ("P3", "cover"), ("P4", "concentration"),
                         ("P5", "spot_limit"), ("P6", "balance"), ("P7", "stock_balance"), ("P8", "terminal")):
        assert names[name].startswith(f"({number})"), name
    assert all(v.doc for v in model.component_objects(pyo.Var))
    assert model.volume["A", "Nd", 2028, "halt@2026"].ub == 100  # readable indices: the node's history
    assert model.balance["Nd", 2027, "embargo@2026+halt@2027"].upper is None


@pytest.mark.parametrize(("hazards", "n"), [([0.2, 0.1], 4), ([0.5, 0.5], 3), ([0.0, 0.3], 2),
                                            (np.array([[0.1, 0.3, 0.0], [0.2, 0.0, 0.5]]), 3)])
def test_paths_and_nodes(hazards, n):
    """Path probabilities sum to 1 (up to the left-out ones); each node's probability is that of
    its paths; a path's nodes are its history (no event before its start, its event after)."""
    tree = build_tree(np.arange(2026, 2026 + n), ["a", "b"], np.asarray(hazards, dtype=float))
    assert tree.path_probability.sum() == pytest.approx(1.0)
    assert (tree.path_probability >= 1e-12).all()
    for d in range(-1, n):
        nodes = tree.path_node[:, d + 1]
        assert (tree.node_depth[nodes] == d).all()
        mass = np.bincount(nodes, weights=tree.path_probability, minlength=tree.nodes)
        assert np.allclose(mass[nodes], tree.node_probability[nodes])
        started = tree.path_start <= d
        labels = tree.node_labels()
        assert (labels[nodes[~started]] == "none").all()
        assert (labels[nodes[started]] == np.asarray(tree.path_names(), dtype=object)[started]).all()
        for e in range(-1, d + 1):
            assert (tree.ancestor(nodes, np.full(len(nodes), e)) == tree.path_node[:, e + 1]).all()
    assert tree.count(np.arange(-1, n)).sum() == tree.nodes


def _large_case(tonnes: float):
    """A 10 USD/kg, 9e11 t/yr (spot 50 USD/kg); Nd demand 5e11 t, shortage 10,000 USD/kg; stock 1e11 t (up to
    9e11, held at 0.001 USD/kg, 1e11 t at the end); A halted for two years with hazard 0.1; all tonnes x ``tonnes``."""
    return temp_folder(
        supply=f"origin,element,unit_cost,capacity,spot_cost\nA,Nd,10,{9e11 * tonnes:.6g},50\n",
        demand=f"element,demand,shortage_cost\nNd,{5e11 * tonnes:.6g},10000\n",
        stockpile="element,stock,max_stock,holding_cost,terminal_stock\n"
                  f"Nd,{1e11 * tonnes:.6g},{9e11 * tonnes:.6g},0.001,{1e11 * tonnes:.6g}\n",
        scenarios="scenario,probability,duration\nh,0.1,2\n", disruptions="scenario,origin,element,availability\nh,A,*,0\n")


def test_tonnes_near_the_largest_input_plan_as_small_ones_scaled():
    """Valid inputs below 1e12 t (demand 5e11, stock 1e11) are solved (HiGHS called the unscaled LP
    unbounded), and the LP is homogeneous in the tonnes: a million times the tonnes of every input
    is a million times the objective and every volume of the same case in small numbers."""
    big = plan(load_inputs(_large_case(1.0)), (2026, 2029))
    small = plan(load_inputs(_large_case(1e-6)), (2026, 2029))
    assert big.objective == pytest.approx(1e6 * small.objective, rel=1e-7)
    for name in ("volume", "spot"):
        assert big.volumes[name].to_numpy() == pytest.approx(1e6 * small.volumes[name].to_numpy(), rel=1e-7, abs=1e-3)
    assert big.stock["stock"].to_numpy() == pytest.approx(1e6 * small.stock["stock"].to_numpy(), rel=1e-7, abs=1e-3)
