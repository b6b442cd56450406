"""Independent events (``--events independent``, the default): the event chain, the tree built from
its histories, hand cases on paper, and a sampled tree re-solved by the per-path reference.

Money in USD; a price of c USD/kg on x t costs 1,000 c x USD.
"""

from __future__ import annotations

import json
from itertools import product

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from sourcing import InputError, load_inputs, plan
from sourcing.cli import main
from sourcing.multiyear.events import (
    MIN_PROBABILITY,
    count_paths,
    independent_histories,
    simulate,
    stratified,
)
from sourcing.multiyear.tree import tree_of
from tests.helpers import close, temp_folder
from tests.plan_invariants import check_plan
from tests.plan_reference import reference_plan


def brute_force(hazard, duration, busy):
    """Every history, year by year over every subset of the free events, with its probability."""
    K, n = hazard.shape
    out = {}
    for starts in product([0, 1], repeat=K * n):
        grid = np.asarray(starts).reshape(K, n)
        prob, ok = 1.0, True
        for k in range(K):
            left = busy[k]
            for i in range(n):
                if left > 0:
                    ok &= grid[k, i] == 0
                    left -= 1
                elif grid[k, i]:
                    prob *= hazard[k, i]
                    left = duration[k, i] - 1
                else:
                    prob *= 1 - hazard[k, i]
        if ok and prob > 0:
            out[tuple(sorted(((k, i) for k in range(K) for i in range(n) if grid[k, i]), key=lambda p: (p[1], p[0])))] \
                = prob
    return out


chains = st.integers(1, 3).flatmap(lambda k: st.integers(1, 4).flatmap(lambda n: st.tuples(
    st.lists(st.lists(st.sampled_from([0.0, 0.02, 0.1, 0.3, 0.5, 1.0]), min_size=n, max_size=n), min_size=k,
             max_size=k),
    st.lists(st.lists(st.integers(1, 3), min_size=n, max_size=n), min_size=k, max_size=k),
    st.lists(st.integers(0, n + 1), min_size=k, max_size=k))))


@given(chains)
def test_the_exact_tree_is_every_history_and_the_count_needs_no_list(case):
    """Against a brute force over every start grid: the exact tree holds every history of
    probability >= 1e-12 with its probability; count_paths gives their number; the weights and
    the mass left out add up to 1."""
    hazard, duration, busy = (np.asarray(x) for x in case)
    hazard = hazard.astype(float)
    n = hazard.shape[1]
    busy = np.minimum(busy, n)
    names = [f"e{k}" for k in range(len(hazard))]
    every = {h: p for h, p in brute_force(hazard, duration, busy).items() if p >= MIN_PROBABILITY}
    assert count_paths(hazard, duration, busy, 10**6) == len(every)
    got = independent_histories(names, hazard, duration, busy, 10**6, 0)
    assert got.exact and len(got.histories) == len(every)
    for h, w in zip(got.histories, got.weights):
        assert w == pytest.approx(every[h], rel=1e-12)
    assert got.weights.sum() + got.mass_left_out == pytest.approx(1.0)
    if len(every) > 1:  # one path fewer than there are: the limit is passed, and the tree is sampled
        assert count_paths(hazard, duration, busy, len(every) - 1) > len(every) - 1
        assert not independent_histories(names, hazard, duration, busy, len(every) - 1, 0).exact


@settings(max_examples=20)
@given(st.floats(0.02, 0.6), st.integers(1, 3), st.integers(2, 6), st.integers(0, 2**31 - 1))
def test_sampled_starts_happen_at_the_hazard(p, d, n, seed):
    """Among the sampled paths on which the event is free at the start of a year, the share on
    which it starts that year is the hazard (within 5 binomial standard deviations)."""
    size = 20_000
    hazard = np.full((1, n), p)
    duration = np.full((1, n), d)
    s, _, t = simulate(hazard, duration, np.zeros(1, dtype=np.int64), size, seed)
    busy_until = np.full(size, -1)
    for i in range(n):
        free = busy_until < i
        started = np.zeros(size, dtype=bool)
        started[s[t == i]] = True
        assert not (started & ~free).any(), "an event started while in progress"
        m = free.sum()
        assert abs(started[free].mean() - p) <= 5 * np.sqrt(p * (1 - p) / m)
        busy_until[started] = i + d - 1


@settings(max_examples=30)
@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=6), st.integers(1, 3000), st.integers(0, 2**31 - 1))
def test_a_sampled_year_starts_each_free_event_on_its_hazard_share_of_the_paths(p, size, seed):
    """The draws are stratified over the paths: with every event free, an event of hazard p starts
    on size x p paths give or take one (independent draws would scatter that count binomially, by
    sqrt(size p (1 - p)) paths), and the draws are uniform: each of the size strata holds one."""
    hazard = np.asarray(p, dtype=float)[:, None]
    s, k, _ = simulate(hazard, np.ones_like(hazard, dtype=np.int64), np.zeros(len(p), dtype=np.int64), size, seed)
    started = np.bincount(k, minlength=len(p))
    assert (np.abs(started - size * hazard[:, 0]) <= 1.0 + 1e-9).all()
    assert all(len(np.unique(s[k == e])) == started[e] for e in range(len(p)))
    draws = stratified(np.random.default_rng(seed), size, len(p))
    assert ((draws >= 0) & (draws < 1)).all()
    assert all(sorted(np.floor(draws[:, e] * size).astype(int)) == list(range(size)) for e in range(len(p)))


def test_a_sample_is_the_same_for_the_same_seed_and_merges_identical_paths():
    hazard = np.full((3, 5), 0.2)
    duration = np.ones((3, 5), dtype=np.int64)
    busy = np.zeros(3, dtype=np.int64)
    names = ["a", "b", "c"]
    one = independent_histories(names, hazard, duration, busy, 500, 7)
    assert not one.exact and one.sample_size == 500 and one.seed == 7
    again = independent_histories(names, hazard, duration, busy, 500, 7)
    assert one.histories == again.histories and (one.weights == again.weights).all()
    other = independent_histories(names, hazard, duration, busy, 500, 8)
    assert one.histories != other.histories
    assert len(set(one.histories)) == len(one.histories) < 500  # merged
    assert one.weights.sum() == pytest.approx(1.0)
    assert np.allclose(one.weights * 500, np.round(one.weights * 500))


def test_nodes_are_the_pairs_started_so_far_and_events_in_progress_belong_to_every_node():
    years = np.arange(2026, 2029)
    produced = independent_histories(["a", "b"], np.array([[0.3, 0.3, 0.3], [0.2, 0.2, 0.2]]),
                                     np.array([[2, 2, 2], [1, 1, 1]]), np.array([0, 2]), 1000, 0)
    tree = tree_of(years, ["a", "b"], produced, np.array([[2, 2, 2], [1, 1, 1]]), ((1, 1),))
    names = tree.path_names()
    labels = tree.node_labels()
    assert not any("b@2026" in x or "b@2027" in x for x in names), "b is in progress in 2026-2027"
    for s, history in enumerate(tree.histories):
        for d in range(-1, 3):
            node = tree.path_node[s, d + 1]
            pairs = [f"{tree.events[k]}@{years[t]}" for k, t in history if t <= d]
            assert labels[node] == ("+".join(pairs) or "none")
    cover = tree.cover_nodes()
    assert not cover[tree.path_node[:, 1]].any(), "b in progress in 2027 is known at the root's children"
    assert tree.node_probability[0] == pytest.approx(1.0)
    node, event, known = tree.in_progress()
    ongoing = (event == 1) & (tree.node_depth[node] <= 1)
    assert ongoing.sum() == tree.count(np.array([0, 1])).sum() and known[ongoing].all()


def two_events(p_a=0.5, p_b=0.5, **extra):
    """One year 2026, Nd demand 100 t at 10 USD/kg shortage; China 1 USD/kg, 200 t; events a and
    b each halve China's deliveries."""
    return temp_folder(
        supply=[{"origin": "China", "element": "Nd", "unit_cost": 1, "capacity": 200}],
        demand=[{"element": "Nd", "demand": 100, "shortage_cost": 10}],
        scenarios=[{"scenario": "a", "probability": p_a, "duration": 1},
                   {"scenario": "b", "probability": p_b, "duration": 1}],
        disruptions=[{"scenario": "a", "origin": "China", "element": "*", "availability": 0.5},
                     {"scenario": "b", "origin": "China", "element": "*", "availability": 0.5}], **extra)


def test_two_overlapping_events_multiply_their_availabilities():
    """Paths: baseline, a, b, a+b, each 0.25. With both, China delivers 0.5 x 0.5 = 25%. Buying x
    t costs 1,000 x and saves 10,000 a_s per tonne short: the marginal shortage saving at x = 100
    is 10 (0.25 x 0.5 + 0.25 x 0.5 + 0.25 x 0.25) = 3.125 > 1 per tonne, and stays so up to the
    capacity 200 (a+b is short until 400): x = 200. Shortage only on a+b: 100 - 50 = 50 t. Cost
    200,000 + 0.25 x 50 x 10,000 = 325,000 (were the availabilities not multiplied, a+b would
    cover demand and the cost would be 200,000)."""
    f = two_events()
    result = plan(load_inputs(f, year=2026), (2026, 2026))
    assert dict(zip(result.paths["path"], result.paths["probability"])) == pytest.approx(
        {"baseline": 0.25, "a@2026": 0.25, "a@2026+b@2026": 0.25, "b@2026": 0.25})
    assert result.objective == pytest.approx(325_000)
    short = result.stock.set_index("path")["shortage"]
    assert short["a@2026+b@2026"] == pytest.approx(50) and short["a@2026"] == pytest.approx(0)
    both = result.paths.set_index("path").loc["a@2026+b@2026"]
    assert both["events"] == [{"event": "a", "start": 2026}, {"event": "b", "start": 2026}]
    assert both["event"] is None and both["start"] is None
    check_plan(result, f)


def test_hazards_may_sum_above_one_for_independent_events_only():
    """events.md: each hazard lies in [0, 1] and their sum may exceed 1 (the events are independent);
    the one-year commands read the rows as disjoint scenarios and --events first lets one event start
    per path, so both refuse a sum above 1 (exit 3), and check says so as a warning. Hazards 0.7 and
    0.6 over two years: every path's probability is the product of the documented factors."""
    f = two_events(p_a=0.7, p_b=0.6)
    checked = CliRunner().invoke(main, ["check", "--inputs", str(f)])
    assert checked.exit_code == 0 and "sum to 1.3 (> 1)" in checked.stderr
    with pytest.raises(InputError, match=r"scenarios\.csv:3:2: probabilities sum to 1\.3 \(> 1\)"):
        load_inputs(f)  # by default, contract v1's disjoint scenarios
    result = plan(load_inputs(f, year=2026, independent_events=True), (2026, 2026))
    assert dict(zip(result.paths["path"], result.paths["probability"])) == pytest.approx(
        {"baseline": 0.3 * 0.4, "a@2026": 0.7 * 0.4, "b@2026": 0.3 * 0.6, "a@2026+b@2026": 0.7 * 0.6})
    assert result.objective == pytest.approx(reference_plan(f, (2026, 2026))["objective"], rel=1e-9)
    check_plan(result, f)
    solved = CliRunner().invoke(main, ["solve", "--inputs", str(f)])
    assert solved.exit_code == 3 and "scenarios.csv:3:2: probabilities sum to 1.3 (> 1)" in solved.stderr
    first = CliRunner().invoke(main, ["plan", "--inputs", str(f), "--years", "2026:2026", "--events", "first"])
    assert first.exit_code == 3 and "scenarios.csv:3:2: probabilities sum to 1.3 (> 1)" in first.stderr


def recurring(until="2026"):
    """2026-2027, Nd demand 100 t, shortage 0.5 USD/kg (below the price: nothing is bought unless
    cover forces it); China 1 USD/kg, 200 t; a halt (China delivers nothing) of one year, hazard
    0.5, in progress until ``until``."""
    return temp_folder(
        supply=[{"origin": "China", "element": "Nd", "unit_cost": 1, "capacity": 200}],
        demand=[{"element": "Nd", "demand": 100, "shortage_cost": 0.5}],
        scenarios=[{"scenario": "halt", "probability": 0.5, "duration": 1, "in_progress_until": until}],
        disruptions=[{"scenario": "halt", "origin": "China", "element": "*", "availability": 0}])


def test_an_event_in_progress_ends_and_can_recur():
    """The halt is in progress in 2026 on every path and known at the root: no cover in 2026, so
    nothing is bought and 100 t are short (50,000). It cannot start in 2026; in 2027 it is free:
    baseline (0.5) or halt@2027 (0.5). Cover holds again in 2027 (the halt has ended; a new one is
    not known at the start of the year): 100 t at 1 USD/kg, 100,000; on halt@2027 nothing arrives,
    100 t short, 0.5 x 50,000 = 25,000. Objective 175,000."""
    f = recurring()
    result = plan(load_inputs(f), (2026, 2027))
    assert dict(zip(result.paths["path"], result.paths["probability"])) == pytest.approx(
        {"baseline": 0.5, "halt@2027": 0.5})
    assert result.objective == pytest.approx(175_000)
    v = result.volumes.set_index(["path", "year"])["volume"]
    assert v["baseline", 2026] == pytest.approx(0) and v["halt@2027", 2027] == pytest.approx(100)
    assert result.stock.set_index(["path", "year"])["shortage"]["baseline", 2026] == pytest.approx(100)
    check_plan(result, f)
    ref = reference_plan(f, (2026, 2027))
    assert ref["objective"] == pytest.approx(175_000)


def test_an_event_in_progress_until_before_the_horizon_has_no_effect():
    """in_progress_until 2025 < y0: the halt may start in 2026 like any event."""
    result = plan(load_inputs(recurring("2025")), (2026, 2027))
    assert set(result.paths["path"]) == {"baseline", "halt@2026", "halt@2027", "halt@2026+halt@2027"}


def test_in_progress_with_the_first_event_tree_is_a_usage_error():
    f = recurring()
    out = CliRunner().invoke(main, ["plan", "--inputs", str(f), "--years", "2026:2027", "--events", "first"])
    assert out.exit_code == 2
    assert "--events first" in out.stderr and "halt" in out.stderr and "--events independent" in out.stderr


def test_in_progress_on_a_dated_row_is_an_input_error_naming_the_cell():
    f = temp_folder(
        supply=[{"origin": "China", "element": "Nd", "unit_cost": 1, "capacity": 200}],
        demand=[{"element": "Nd", "demand": 100, "shortage_cost": 0.5}],
        scenarios=[{"scenario": "halt", "probability": 0.5, "duration": 1, "year": "", "in_progress_until": ""},
                   {"scenario": "halt", "probability": 0.5, "duration": 1, "year": 2027, "in_progress_until": 2028}])
    out = CliRunner().invoke(main, ["plan", "--inputs", str(f)])
    assert out.exit_code == 3
    assert "scenarios.csv:3:" in out.stderr and "in_progress_until 2028" in out.stderr


def test_too_few_paths_is_a_usage_error():
    out = CliRunner().invoke(main, ["plan", "--inputs", str(two_events()), "--years", "2026:2026", "--paths", "10"])
    assert out.exit_code == 2 and "--paths" in out.stderr


def sampled_case():
    """2026-2029, three independent events on two origins (4,096 histories of positive probability:
    more than 500, so --paths 500 samples)."""
    return temp_folder(
        supply=[{"origin": "China", "element": "Nd", "unit_cost": 1, "capacity": 150, "lead_time": 1},
                {"origin": "Australia", "element": "Nd", "unit_cost": 3, "capacity": 80, "lead_time": 0,
                 "spot_cost": 5}],
        demand=[{"element": "Nd", "demand": 100, "shortage_cost": 20}],
        stockpile=[{"element": "Nd", "stock": 20, "max_stock": 80, "holding_cost": 0.1}],
        scenarios=[{"scenario": "a", "probability": 0.3, "duration": 1},
                   {"scenario": "b", "probability": 0.2, "duration": 1},
                   {"scenario": "c", "probability": 0.1, "duration": 1}],
        disruptions=[{"scenario": "a", "origin": "China", "element": "*", "availability": 0.5},
                     {"scenario": "b", "origin": "China", "element": "*", "availability": 0.2},
                     {"scenario": "c", "origin": "Australia", "element": "*", "availability": 0.5}])


def test_a_sampled_tree_read_back_from_the_json_is_solved_alike_by_the_per_path_reference():
    """The JSON's paths (pairs and weights) are the whole tree: the reference, tying paths that
    share a history by explicit equalities, re-solves it to the same optimum. The same seed gives
    byte-identical JSON."""
    f = sampled_case()
    args = ["plan", "--inputs", str(f), "--years", "2026:2029", "--paths", "500", "--seed", "3", "--format", "json"]
    out = CliRunner().invoke(main, args)
    assert out.exit_code == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["tree"] == {"events": "independent", "exact": False, "paths": len(doc["paths"]), "sample_size": 500,
                           "seed": 3, "mass_left_out": 0.0}
    code = {"a": 0, "b": 1, "c": 2}
    given_paths = [(p["path"], tuple((code[x["event"]], x["start"] - 2026) for x in p["events"]), p["weight"])
                   for p in doc["paths"]]
    assert sum(w for *_, w in given_paths) == pytest.approx(1.0)
    ref = reference_plan(f, (2026, 2029), given=given_paths)
    assert close(doc["objective"], ref["objective"], scale=1.0)
    assert CliRunner().invoke(main, args).stdout == out.stdout


def test_in_progress_until_does_not_count_toward_the_default_horizon():
    """Dated demand names 2026 and 2027; the halt in progress until 2030 does not stretch the horizon."""
    f = temp_folder(
        supply=[{"origin": "China", "element": "Nd", "unit_cost": 1, "capacity": 200}],
        demand=[{"element": "Nd", "demand": 100, "shortage_cost": 0.5, "year": 2026},
                {"element": "Nd", "demand": 120, "shortage_cost": 0.5, "year": 2027}],
        scenarios=[{"scenario": "halt", "probability": 0.5, "duration": 1, "in_progress_until": 2030}],
        disruptions=[{"scenario": "halt", "origin": "China", "element": "*", "availability": 0}])
    result = plan(load_inputs(f))
    assert result.years == (2026, 2027)
    assert result.paths["path"].tolist() == ["baseline"] and result.tree["exact"]


@pytest.mark.parametrize(("years", "durations", "until"), [((2026, 2030), (2, 3), ("", "2027")),
                                                            ((2026, 2029), (1, 3), ("2026", "")),
                                                            ((2026, 2030), (3, 2), ("", ""))])
def test_longer_exact_trees_agree_with_the_per_path_reference(years, durations, until):
    """Two events over four or five years, durations 1-3, one in progress today or none: every
    path enumerated (exact), the reference's own enumeration and explicit ties give the same optimum."""
    f = temp_folder(
        supply=[{"origin": "China", "element": "Nd", "unit_cost": 1, "capacity": 150, "lead_time": 1},
                {"origin": "Australia", "element": "Nd", "unit_cost": 3, "capacity": 80, "lead_time": 0,
                 "spot_cost": 5}],
        demand=[{"element": "Nd", "demand": 100, "shortage_cost": 20}],
        stockpile=[{"element": "Nd", "stock": 20, "max_stock": 80, "holding_cost": 0.1}],
        scenarios=[{"scenario": "a", "probability": 0.3, "duration": durations[0], "in_progress_until": until[0]},
                   {"scenario": "b", "probability": 0.2, "duration": durations[1], "in_progress_until": until[1]}],
        disruptions=[{"scenario": "a", "origin": "China", "element": "*", "availability": 0.5},
                     {"scenario": "b", "origin": "China", "element": "*", "availability": 0.2}])
    result = plan(load_inputs(f), years, paths=2000)
    assert result.tree["exact"] and result.paths["events"].map(len).max() >= 2
    ref = reference_plan(f, years)
    assert set(ref["paths"]) == set(result.paths["path"])
    assert close(result.objective, ref["objective"], scale=1.0)
    check_plan(result, f)
