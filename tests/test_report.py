"""`sourcing report`: the briefing holds the other commands' results, and its HTML is one
self-contained file whose numbers are the JSON's, checked here on the text and in
test_report_browser.py in a real browser.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import html as html_text
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from markupsafe import escape
from PIL import Image

from sourcing import RiskOptions, bundled_inputs, load_inputs
from sourcing.cli import main
from sourcing.output import render
from sourcing.output.html import briefing_html
from sourcing.output.json import result_json
from sourcing.reporting import report
from tests.helpers import temp_folder

GOLDEN = Path(__file__).parent / "golden"
CREATED = dt.datetime(2026, 2, 1, 9, 30, tzinfo=dt.UTC)
"""The date of the reports made here (SOURCE_DATE_EPOCH gives the CLI the same)."""


@pytest.fixture(scope="module")
def bundled_briefing():
    return report(load_inputs(bundled_inputs()), created=CREATED)


@pytest.fixture(scope="module")
def bundled_html(bundled_briefing):
    return briefing_html(bundled_briefing)


def test_the_briefing_holds_what_solve_and_evaluate_print(bundled_briefing):
    """The report's results are the other commands' documents, byte for byte."""
    b = bundled_briefing
    assert result_json(b.result) == (GOLDEN / "solve-voi.json").read_text()
    assert result_json(b.status_quo) == (GOLDEN / "evaluate.json").read_text()
    assert b.status_quo_file.name == "plans/status-quo.csv" and len(b.status_quo_file.rows) == 14
    assert b.focus == "China" and b.bundled and b.created == CREATED


def test_the_frontier_is_the_sweeps_with_its_infeasible_zone_explained(bundled_briefing):
    cf = bundled_briefing.cap_frontier
    assert cf.target == "China" and cf.frontier.grid.size == 71
    assert cf.frontier.grid.risk_weights == (1.0,)
    points = cf.frontier.frame().set_index("max_share")
    golden = pd.read_csv(GOLDEN / "sweep.csv").set_index("max_share")  # 1.0 down to 0.46 by the CLI
    common = golden.index.intersection(points.index)
    assert len(common) == 55
    for col in ("status", "objective", "procurement_cost", "cvar", "marginal_cost_per_pp"):
        if col == "status":
            assert (points.loc[common, col] == golden.loc[common, col]).all()
        else:
            pd.testing.assert_series_equal(points.loc[common, col], golden.loc[common, col], rtol=1e-9)
    assert cf.infeasible_below == 0.62
    assert (points.loc[points.index > 0.62, "status"] == "optimal").all()
    assert (points.loc[points.index <= 0.62, "status"] == "infeasible").all()
    assert cf.causes == ("Tb: China must supply at least 62.3% of imports but its cap (max_share) is 62.0%, "
                         "set by --cap China=0.62; raise that cap, or capacity elsewhere",)


def test_every_input_row_and_its_source_is_in_the_report(bundled_briefing, bundled_html):
    """Counted and read here with the csv module, independently of the project's readers."""
    folder = bundled_inputs()
    files = {f.name: f for f in bundled_briefing.inputs}
    for path in [*sorted(folder.glob("*.csv")), folder / "plans" / "status-quo.csv"]:
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        name = path.relative_to(folder).as_posix()
        key = "plan" if name.startswith("plans/") else path.stem
        if name in files:
            assert len(files[name].rows) == len(rows)
        assert len(re.findall(f'<tr id="in-{key}-\\d+"', bundled_html)) == len(rows), name
        for row in rows:
            assert str(escape(row["source"])) in bundled_html, (name, row["source"])
    assert "groups.csv" in files and not files["groups.csv"].given


def test_the_file_is_self_contained(bundled_html):
    assert "<script" not in bundled_html.lower() and "<link" not in bundled_html.lower()
    assert "@import" not in bundled_html and "url(" not in bundled_html and "@font-face" not in bundled_html
    for attr in re.findall(r'(?:src|href)="([^"]*)"', bundled_html):
        assert attr.startswith(("#", "data:image/png;base64,")), attr
    images = re.findall(r'<img [^>]*src="data:image/png;base64,([^"]+)"', bundled_html)
    assert len(images) == 2  # the frontier and the years ahead
    for image in images:
        picture = Image.open(io.BytesIO(base64.b64decode(image)))
        assert picture.format == "PNG" and min(picture.size) > 500


def test_every_link_to_an_input_row_lands_on_one(bundled_html):
    targets = set(re.findall(r'href="#([^"]+)"', bundled_html))
    ids = set(re.findall(r' id="([^"]+)"', bundled_html))
    assert targets <= ids, sorted(targets - ids)
    from sourcing.timeline import rows_in_force

    supply = pd.read_csv(bundled_inputs() / "supply.csv", dtype={"year": float})
    supply.index = supply.index + 2  # the line of each row
    in_force = rows_in_force(supply, ["origin", "element"], load_inputs(bundled_inputs()).year)
    assert {t for t in targets if t.startswith("in-supply-")} == {f"in-supply-{n}" for n in in_force.index}


def test_the_cli_writes_the_apis_file_and_opens_it(bundled_html, tmp_path, monkeypatch):
    """Same inputs, options and date: the same bytes (SOURCE_DATE_EPOCH dates the file)."""
    opened = []
    monkeypatch.setattr("click.launch", lambda url, **kw: opened.append(url))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(CREATED.timestamp())))
    out = tmp_path / "briefing.html"
    result = CliRunner().invoke(main, ["report", "-o", str(out), "--open"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert out.read_text(encoding="utf-8") == bundled_html
    assert opened == [str(out)] and f"wrote {out}" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["briefing.html"]  # no temporary left


def test_no_plan_exits_4_and_writes_nothing(tmp_path):
    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["report", "--cap", "China=0.3", "-o", str(out)])
    assert result.exit_code == 4
    assert "Tb: China must supply at least 62.3%" in result.stderr
    assert not out.exists()


def test_an_unknown_sweep_origin_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["report", "--sweep", "Chinaa=1:0.5:0.1", "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 2 and "--sweep: unknown origin or group 'Chinaa'" in result.stderr
    assert not (tmp_path / "r.html").exists()


@pytest.fixture(scope="module")
def small_folder():
    """Two origins, no China, no caps.csv, no plans/: the report must do without them."""
    return temp_folder(
        supply=[{"origin": "Alpha", "element": "X", "unit_cost": 1, "capacity": 100, "source": "quote A"},
                {"origin": "Beta", "element": "X", "unit_cost": 2, "capacity": 100, "source": "quote B"}],
        demand=[{"element": "X", "demand": 80, "shortage_cost": 10, "source": "plan 2027"}],
        scenarios=[{"scenario": "strike", "probability": 0.1, "source": "history"}],
        disruptions=[{"scenario": "strike", "origin": "Alpha", "element": "*", "availability": 0.5}],
    )


def test_a_folder_without_china_or_status_quo_sweeps_its_largest_origin(small_folder):
    b = report(load_inputs(small_folder), RiskOptions(1.0, 0.5), created=CREATED)
    assert b.status_quo is None and b.result.value_of_information is None
    assert b.focus == "Alpha" and b.cap_frontier.target == "Alpha"
    assert b.cap_frontier.infeasible_below is None and not b.cap_frontier.causes
    text = briefing_html(b)
    assert 'id="status-quo"' not in text and 'href="#status-quo"' not in text
    assert 'id="infeasible-zone"' not in text and "Every cap of the sweep has a plan." in text
    assert "VSS and EVPI are defined for the risk-neutral objective" in text
    assert "No limit binds" in text and "quote B" in text


def test_the_cli_prints_to_stdout_with_a_sweep_asked_for(small_folder):
    result = CliRunner().invoke(main, ["report", "--inputs", str(small_folder), "--sweep", "Beta=0.9,0.4,0.2",
                                       "-o", "-"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("<!DOCTYPE html>") and result.stdout.rstrip().endswith("</html>")
    assert "the Beta cap frontier" in result.stdout
    frontier = re.search(r'<table id="frontier-table".*?</table>', result.stdout, re.S).group(0)
    assert re.findall(r'<tr class="(nogo)?"><td class="num">([^<]+)</td>', frontier) == [
        ("", "90.0%"), ("", "40.0%"), ("", "20.0%")]


def test_the_table_and_the_report_write_figures_alike(bundled_briefing, bundled_html):
    """A figure of the table (formatted by the rules both share) is a cell of the report."""
    table = render(bundled_briefing.result, "table")
    doc = json.loads(result_json(bundled_briefing.result))
    for line in table.splitlines()[4:20]:  # the plan's rows
        element, *rest = line.split()
        assert f'data-element="{element}"' in bundled_html
        for figure in rest[-6:-1]:
            assert f">{figure}</td>" in bundled_html, (line, figure)
    assert f">{doc['objective'] / 1e6:,.3f} <span" in bundled_html


def test_the_years_ahead_are_what_sourcing_plan_answers(bundled_briefing, bundled_html):
    """Over the inputs' own years (2027-2035 bundled), the report's plan is the plan command's."""
    m = bundled_briefing.multi_year
    assert m.years == (2027, 2035) and not m.causes
    result = CliRunner().invoke(main, ["plan", "--years", "2027:2035", "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert m.plan.objective == doc["objective"]
    assert pd.DataFrame(doc["volumes"]).equals(m.plan.volumes.reset_index(drop=True).astype({"signed": "int64"}))
    section = re.search(r'<section id="multi-year">.*?</section>', bundled_html, re.S).group(0)
    table = re.search(r'<table id="plan-costs".*?</table>', section, re.S).group(0)
    assert f'<td class="num">{doc["objective"] / 1e6:,.3f}</td>' in table
    assert 'href="#multi-year"' in bundled_html
    # what to sign now comes first, cell for cell the JSON's sign_now
    assert section.index('id="plan-contracts"') < section.index('id="plan-invest_now"') < section.index(
        'id="plan-trajectory"') < section.index('id="plan-worst"')
    contracts = [r for r in doc["sign_now"] if r["decision"] == "contract"]
    assert body_cells(section, "plan-contracts") == [
        [str(r["year"]), r["element"], r["origin"], f"{r['volume']:,.1f}", str(r["signed"])] for r in contracts]
    funded = {row[0]: row[3] for row in body_cells(section, "plan-invest_now")}
    assert funded == {r["project"]: f"{r['capacity']:,.1f}" for r in doc["sign_now"] if r["decision"] == "investment"}
    # the expected course: the JSON's trajectory, its band and the probability of a shortage
    rows = body_cells(section, "plan-trajectory")
    assert len(rows) == len(doc["trajectory"])
    for row, r in zip(rows, doc["trajectory"]):
        assert row[:3] == [str(r["year"]), r["element"], f"{r['demand']:,.1f}"]
        assert row[-6:] == [f"{r[k]:,.1f}" for k in ("stock", "stock_p5", "stock_p95", "shortage", "shortage_p95")] \
            + [f"{r['shortage_probability']:.1%}"]
    likeliest = max(doc["trajectory"], key=lambda r: (r["shortage_probability"], -r["year"]))
    assert f'<span id="plan-exposed">{likeliest["shortage_probability"]:.1%}</span>' in section
    assert f"a shortage is likeliest for {likeliest['element']} in {likeliest['year']}" in " ".join(section.split())


def body_cells(html: str, table_id: str) -> list[list[str]]:
    """The text of each cell of each body row of the table ``table_id``."""
    table = re.search(rf'<table id="{table_id}".*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    return [[html_text.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
            for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S)]


def test_years_none_leaves_the_years_ahead_out_and_a_horizon_can_be_chosen(tmp_path):
    out = tmp_path / "r.html"
    result = CliRunner().invoke(main, ["report", "--years", "none", "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert 'id="multi-year"' not in out.read_text(encoding="utf-8")
    result = CliRunner().invoke(main, ["report", "--years", "2027:2029", "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert "what to sign and fund now, 2027-2029</h2>" in out.read_text(encoding="utf-8")
    result = CliRunner().invoke(main, ["report", "--years", "2029:2027", "-o", str(out)])
    assert result.exit_code == 2 and "--years 2029:2027: START must not be after END" in result.stderr


def test_a_horizon_without_a_plan_shows_its_causes_beside_the_one_year_answer():
    """Caps of 40% on each of two origins from 2029: 2027 has a plan, the horizon 2027-2029 none."""
    folder = temp_folder(
        supply=[{"origin": "Alpha", "element": "X", "unit_cost": 1, "capacity": 100, "source": "quote A"},
                {"origin": "Beta", "element": "X", "unit_cost": 2, "capacity": 100, "source": "quote B"}],
        demand=[{"element": "X", "demand": 80, "shortage_cost": 10, "year": 2027, "source": "plan 2027"}],
        scenarios=[{"scenario": "strike", "probability": 0.1, "source": "history"}],
        disruptions=[{"scenario": "strike", "origin": "Alpha", "element": "*", "availability": 0.5}],
        caps=[{"origin": o, "element": "*", "max_share": 0.4, "year": 2029, "source": "policy"}
              for o in ("Alpha", "Beta")])
    b = report(load_inputs(folder), created=CREATED)
    assert b.result.status == "optimal" and b.year == 2027
    assert b.multi_year.years == (2027, 2029) and b.multi_year.plan is None
    assert len(b.multi_year.causes) == 2 and all("caps.csv line" in c for c in b.multi_year.causes)
    text = briefing_html(b)
    assert "No multi-year plan exists over 2027-2029" in text
    assert str(escape(b.multi_year.causes[0])) in text and 'id="plan-contracts"' not in text


def test_inputs_without_a_dated_row_have_no_years_ahead(small_folder):
    b = report(load_inputs(small_folder), created=CREATED, sweep=None)
    assert b.multi_year is None and 'id="multi-year"' not in briefing_html(b)


def test_a_plan_highs_could_not_finish_leaves_the_one_year_report_standing(monkeypatch, tmp_path):
    from sourcing.errors import SolverError

    def stopped(*args, **kwargs):
        raise SolverError("HiGHS stopped before an optimum (time_limit): raise --time-limit", "time_limit")

    monkeypatch.setattr("sourcing.reporting.plan", stopped)
    out = tmp_path / "r.html"
    result = CliRunner().invoke(main, ["report", "--sweep", "China=1.0,0.9", "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "was not solved:</strong> HiGHS stopped before an optimum (time_limit): raise --time-limit" in text
    assert 'id="plan-table"' in text and "and what to sign for the years ahead" not in text


def test_a_plan_of_one_path_is_drawn_without_a_warning():
    """No scenario: the tree is the baseline alone; its picture says so (matplotlib warned before)."""
    import warnings

    folder = temp_folder(
        supply=[{"origin": "Alpha", "element": "X", "unit_cost": 1, "capacity": 100, "source": "quote A"},
                {"origin": "Beta", "element": "X", "unit_cost": 2, "capacity": 100, "source": "quote B"}],
        demand=[{"element": "X", "demand": d, "shortage_cost": 10, "year": y, "source": "plan"}
                for y, d in ((2027, 80), (2028, 90))])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        b = report(load_inputs(folder), created=CREATED, sweep=None)
        text = briefing_html(b)
    assert len(b.multi_year.plan.paths) == 1 and "; 1 path;" in text and "1 paths" not in text


def test_the_report_of_another_year_is_the_apis_on_that_years_rows(tmp_path, monkeypatch):
    """``report --year 2026`` is the report of ``load_inputs(year=2026)``, byte for byte, and it
    says which year it decided (the bundled default is 2027)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(CREATED.timestamp())))
    out = tmp_path / "report-2026.html"
    args = ["report", "--year", "2026", "--years", "none", "--sweep", "China=1,0.9", "-o", str(out)]
    assert CliRunner().invoke(main, args, catch_exceptions=False).exit_code == 0
    data = load_inputs(bundled_inputs(), year=2026)
    expected = briefing_html(report(data, sweep=("China", (1.0, 0.9)), years=None, created=CREATED))
    html = out.read_text(encoding="utf-8")
    assert html == expected
    assert "what to contract in 2026" in html and "what to contract in 2027" not in html
