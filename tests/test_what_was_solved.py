"""Issue 21: every output names what it solved (the year and why, the inputs with each file's or
sheet's own hash); without --inputs the bundled case, and stderr names the folder's own inputs; a
name that matches nothing is caught at check; one name per meaning of "stock"; the result
workbook's plan sheet says which limit binds on each offer. The workbooks are real files, read back
with openpyxl; the hashes are computed here from the bytes (or cells) themselves."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sourcing import bundled_inputs
from sourcing.cli import main
from tests.helpers import FORMER_CASE

FIRST_YEAR = "the first year the inputs name; --year to choose"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def bundled_copy(folder: Path) -> Path:
    shutil.copytree(FORMER_CASE, folder)  # the case whose rows these tests edit
    return folder


def sheet_cells(path: Path) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(path, data_only=True)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def sheet(path: Path, name: str) -> list[dict]:
    rows = sheet_cells(path)[name]
    return [dict(zip(rows[0], r)) for r in rows[1:]]


@pytest.fixture(scope="module")
def edited(tmp_path_factory) -> tuple[Path, Path]:
    """The template workbook, and a copy whose first NdPr demand row (5,000 t, in force only
    before 2027) says 9,999 t: the issue's edit that does nothing to the default answer."""
    folder = tmp_path_factory.mktemp("book")
    mine = folder / "mine.xlsx"
    assert run("init", "--xlsx", str(mine)).exit_code == 0
    book = openpyxl.load_workbook(mine)
    ws = book["demand"]
    header = [c.value for c in next(ws.iter_rows(min_row=1, max_row=ws.max_row)) if c.value]
    at = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "element")
    element, demand = header.index("element") + 1, header.index("demand") + 1
    first = next(r for r in range(at + 1, ws.max_row + 1) if ws.cell(r, element).value == "NdPr")
    assert ws.cell(first, demand).value == 5000
    ws.cell(first, demand).value = 9999
    changed = folder / "changed.xlsx"
    book.save(changed)
    return mine, changed


# ---------------------------------------------------------------------------------------------
# 1. every output names what it solved


def test_the_edit_that_does_nothing_says_which_year_and_row_answer(edited):
    mine, changed = edited
    table = run("solve", "--inputs", str(changed))
    assert table.exit_code == 0
    first, why = table.stdout.splitlines()[:2]
    assert first == f"Sourcing plan for 2027, workbook {changed}: risk weight 1"
    assert why.startswith(f"Year 2027: {FIRST_YEAR} (") and "a row without a year holds only before" in why
    ndpr = next(line for line in table.stdout.splitlines() if line.startswith("  NdPr  ") and "5,200.0" in line)
    assert "9,999" not in table.stdout and ndpr.split()[1] == "5,200.0"  # the 2027 row is the one in force
    asked = run("solve", "--inputs", str(changed), "--year", "2026")
    assert asked.stdout.startswith(f"Sourcing plan for 2026, workbook {changed}: risk weight 1\nYear 2026: --year 2026 (")
    assert any(line.split()[:2] == ["NdPr", "9,999.0"] for line in asked.stdout.splitlines())

    before = json.loads(run("solve", "--inputs", str(mine), "--format", "json").stdout)
    after = json.loads(run("solve", "--inputs", str(changed), "--format", "json").stdout)
    assert after["year"] == 2027 and after["year_reason"] == FIRST_YEAR
    assert after["inputs"]["kind"] == "workbook" and after["inputs"]["path"] == str(changed)
    hashes = {f["name"]: f["sha256"] for f in after["inputs"]["files"]}
    then = {f["name"]: f["sha256"] for f in before["inputs"]["files"]}
    assert set(hashes) == set(then) and "demand" in hashes and "supply" in hashes  # named as the sheets
    assert [n for n in hashes if hashes[n] != then[n]] == ["demand"]  # each sheet its own hash
    assert len(set(hashes.values())) == len(hashes)
    figures = {k: v for k, v in after.items() if k != "inputs"}
    assert figures == {k: v for k, v in before.items() if k != "inputs"}  # the edit changed nothing else


def test_the_json_names_the_bundled_files_by_their_own_hashes():
    expected = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in bundled_inputs().glob("*.csv")}
    status_quo = str(bundled_inputs() / "plans" / "status-quo.csv")
    docs = {
        "solve": json.loads(run("solve", "--format", "json").stdout),
        "evaluate": json.loads(run("evaluate", "--plan", status_quo, "--format", "json").stdout),
        "sweep": json.loads(run("sweep", "--cap", "China=1,0.9", "--format", "json").stdout),
        "check": json.loads(run("check", "--format", "json").stdout),
    }
    for name, doc in docs.items():
        assert doc["year"] == 2027 and doc["year_reason"] == FIRST_YEAR, name
        assert doc["inputs"]["kind"] == "bundled" and Path(doc["inputs"]["path"]) == bundled_inputs(), name
        assert {f["name"]: f["sha256"] for f in doc["inputs"]["files"]} == expected, name
    assert list(docs["solve"])[:4] == ["status", "year", "year_reason", "inputs"]


def test_plan_says_its_horizon_and_why():
    default = run("plan", "--format", "json", "--time-limit", "120")
    doc = json.loads(default.stdout)
    assert doc["years"][0] == 2027 and doc["years"][-1] == 2035
    assert doc["years_reason"] == "the first to the last year the inputs name; --years to choose"
    assert doc["inputs"]["kind"] == "bundled"
    table = run("plan", "--years", "2027:2028").stdout.splitlines()
    assert table[0].startswith("Multi-year plan 2027-2028, the bundled inputs: risk weight 1")
    assert table[1] == "Years 2027-2028: --years 2027:2028."


def test_the_plan_table_says_how_to_plan_the_undated_year_before_the_default_horizon(tmp_path):
    folder = tmp_path / "short"
    bundled_copy(folder)
    out = run("plan", "--inputs", str(folder)).stdout.splitlines()
    assert out[0].startswith(f"Multi-year plan 2027-2035, folder {folder}: ")
    assert out[1].startswith("Years 2027-2035: the first to the last year the inputs name; --years to choose")
    assert "--years 2026:2035 plans 2026" in out[1]
    demand = folder / "demand.csv"  # without 2026's undated rows, no year before 2027 can be planned
    kept = [line for line in demand.read_text().splitlines()
            if not (line.split(",")[0] in ("NdPr", "Dy", "Tb") and line.split(",")[3] == "")]
    demand.write_text("\n".join(kept) + "\n")
    out = run("plan", "--inputs", str(folder)).stdout.splitlines()
    assert out[1] == "Years 2027-2035: the first to the last year the inputs name; --years to choose."


def test_the_about_sheet_holds_each_sheets_own_hash(edited, tmp_path):
    _, changed = edited
    out = tmp_path / "plan.xlsx"
    assert run("solve", "--inputs", str(changed), "--output", str(out)).exit_code == 0
    about = [r for r in sheet(out, "about") if r["section"] == "inputs"]
    items = {r["item"]: r["value"] for r in about}
    assert items["kind"] == "workbook" and items["year"] == f"2027 ({FIRST_YEAR})"
    hashes = {k: v for k, v in items.items() if str(v).startswith("sha256 ")}
    assert {"supply", "demand", "caps"} <= set(hashes)
    assert len(set(hashes.values())) == len(hashes)  # not the book's one hash on every row
    book = "sha256 " + hashlib.sha256(changed.read_bytes()).hexdigest()
    assert book not in hashes.values()


def test_the_report_header_names_the_year_why_and_the_files(tmp_path):
    out = tmp_path / "r.html"
    assert run("report", "--years", "none", "--sweep", "China=1,0.9", "--output", str(out)).exit_code == 0
    html = out.read_text()
    assert f"bundled dataset · 2027: {FIRST_YEAR}" in html
    digest = hashlib.sha256((bundled_inputs() / "demand.csv").read_bytes()).hexdigest()
    assert f'<th scope="row">demand.csv</th><td>SHA-256 <code class="digest">{digest}</code>' in html


# ---------------------------------------------------------------------------------------------
# 2. the folder you stand in


def test_a_folder_with_supply_csv_is_named_and_the_bundled_case_still_read(tmp_path, monkeypatch):
    # contract v1: with no --inputs the bundled dataset is used, from any working directory; the
    # folder's own inputs are never passed over in silence: stderr names them and the option
    folder = tmp_path / "mine"
    assert run("init", str(folder)).exit_code == 0
    demand = folder / "demand.csv"
    demand.write_text(demand.read_text().replace("Ce,6300,", "Ce,6500,"))  # the bundled data says 6300
    monkeypatch.chdir(folder)
    solved = run("solve")
    assert solved.stderr.splitlines()[0] == (
        "inputs: the bundled dataset, not this folder's supply.csv: without --inputs every command reads the "
        "bundled case; --inputs . to read this folder's")
    assert solved.stdout.startswith("Sourcing plan for 2027, the bundled inputs: ")
    assert any(line.split()[:2] == ["Ce", "6,300.0"] for line in solved.stdout.splitlines())
    mine = run("solve", "--inputs", ".")
    assert any(line.split()[:2] == ["Ce", "6,500.0"] for line in mine.stdout.splitlines())
    assert "inputs:" not in mine.stderr  # --inputs given: nothing to say
    checked = run("check")  # check agrees with every command
    assert checked.stderr.splitlines()[0] == solved.stderr.splitlines()[0]
    assert checked.stdout.startswith("ok: ") and str(bundled_inputs()) in checked.stdout.splitlines()[0]


def test_the_one_workbook_with_a_supply_sheet_is_named(tmp_path, monkeypatch):
    assert run("init", "--xlsx", str(tmp_path / "mine.xlsx")).exit_code == 0
    assert run("solve", "--inputs", str(tmp_path / "mine.xlsx"), "--output", str(tmp_path / "plan.xlsx")).exit_code == 0
    monkeypatch.chdir(tmp_path)  # plan.xlsx, a result, has no supply sheet
    result = run("solve", "--format", "json")
    assert result.stderr.splitlines()[0] == (
        "inputs: the bundled dataset, not this folder's workbook mine.xlsx (its one workbook with a supply "
        "sheet): without --inputs every command reads the bundled case; --inputs mine.xlsx to read this folder's")
    assert json.loads(result.stdout)["inputs"]["kind"] == "bundled"
    shutil.copy(tmp_path / "mine.xlsx", tmp_path / "other.xlsx")
    two = run("check")
    assert two.stderr.splitlines()[0] == ("inputs: the bundled dataset (2 workbooks here have a supply sheet "
                                          "(mine.xlsx, other.xlsx)); --inputs to choose others")
    assert str(bundled_inputs()) in two.stdout


def test_a_folder_without_inputs_uses_the_bundled_data_and_says_so(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("solve", "--format", "json")
    assert result.stderr.splitlines()[0] == "inputs: the bundled dataset; --inputs to choose others"
    assert json.loads(result.stdout)["inputs"]["kind"] == "bundled"
    given = run("solve", "--inputs", str(bundled_inputs()), "--format", "json")
    assert "inputs:" not in given.stderr  # --inputs given: nothing to say


def test_help_documents_the_default_inputs():
    for command in ("solve", "check", "plan", "sweep", "evaluate", "report"):
        text = " ".join(run(command, "--help").stdout.split())
        assert "default: the bundled Japan dataset, from any folder" in text, command


# ---------------------------------------------------------------------------------------------
# 3. a name that matches nothing


def test_a_mistyped_demand_element_is_an_error_at_check_with_did_you_mean(tmp_path):
    folder = bundled_copy(tmp_path / "typo")
    demand = folder / "demand.csv"
    text = demand.read_text()
    assert "\nNdPr,6000,400,2027," in text
    demand.write_text(text.replace("\nNdPr,6000,400,2027,", "\nNdPR,6000,400,2027,"))
    line = text[:text.index("\nNdPr,6000,400,2027,")].count("\n") + 2
    result = run("check", "--inputs", str(folder))
    assert result.exit_code == 3
    assert (f"demand.csv:{line}:1: element 'NdPR' has demand but no row of supply.csv offers it, so no plan "
            "can cover it; did you mean 'NdPr'?") in result.stderr
    assert run("solve", "--inputs", str(folder)).exit_code == 3  # never reaches the solver


def test_the_infeasibility_names_the_likely_typo(tmp_path):
    folder = bundled_copy(tmp_path / "typo")
    demand, supply = folder / "demand.csv", folder / "supply.csv"
    demand.write_text(demand.read_text().replace("\nNdPr,6000,400,2027,", "\nNdPR,6000,400,2027,"))
    supply.write_text(supply.read_text() + "France,NdPR,85,0,0,,1,110,a row for the typo\n")
    assert run("check", "--inputs", str(folder)).exit_code == 0  # offered (with no capacity): a valid folder
    result = run("solve", "--inputs", str(folder))
    assert result.exit_code == 4
    assert "NdPR: demand 6,000 t exceeds the total capacity" in result.stderr
    assert "(no origin offers NdPR: a mistyped name? did you mean 'NdPr'?)" in result.stderr


def test_names_that_act_nowhere_are_warnings_with_did_you_mean(tmp_path):
    folder = bundled_copy(tmp_path / "idle")
    with (folder / "demand.csv").open("a") as f:
        f.write("Cee,0,15,,an element no one offers or asks for\n")
    with (folder / "scenarios.csv").open("a") as f:
        f.write("china_export_halts,0.01,a scenario no disruption names,1,,x\n")
    result = run("check", "--inputs", str(folder))
    assert result.exit_code == 0, result.stderr
    assert ("warning: demand.csv: element 'Cee' is offered by no row of supply.csv (its demand is 0, so it "
            "changes nothing); did you mean 'Ce'?") in result.stderr
    assert ("warning: scenarios.csv: scenario 'china_export_halts' is named in no row of disruptions.csv, so it "
            "disrupts nothing (everything arrives in it); did you mean 'china_export_halt'?") in result.stderr


def test_a_mistyped_origin_in_supply_is_named_with_the_origin_it_may_mean(tmp_path):
    folder = bundled_copy(tmp_path / "origin")
    supply = folder / "supply.csv"
    supply.write_text(supply.read_text().replace("\nChina,NdPr,", "\nChnia,NdPr,", 1))
    result = run("check", "--inputs", str(folder))
    assert result.exit_code == 0
    assert ("warning: Chnia is named in no row of disruptions.csv, so no scenario disrupts it and its supply is "
            "treated as certain; if that is meant, say so with a row of availability 1 (or did you mean "
            "'China'?)") in result.stderr


# ---------------------------------------------------------------------------------------------
# 6. one name, one meaning


def test_the_optimal_and_the_initial_stock_are_named_apart(tmp_path):
    text = run("solve").stdout
    headers = [line.split() for line in text.splitlines() if line.startswith("  element  ")]
    elements = next(h for h in headers if "demand_t" in h)
    stockpile = next(h for h in headers if "max_stock_t" in h)
    assert "stock_t" not in elements and "optimal_stock_t" in elements
    assert "stock_t" not in stockpile and stockpile[1:3] == ["initial_stock_t", "optimal_stock_t"]
    doc = json.loads(run("solve", "--format", "json").stdout)
    for entry in (*doc["elements"], *doc["stockpile"]):
        assert entry["initial_stock"] == entry["stock"]
    dy = next(e for e in doc["elements"] if e["element"] == "Dy")
    assert dy["initial_stock"] < dy["optimal_stock"]  # the two are different figures
    out = tmp_path / "plan.xlsx"
    assert run("solve", "--output", str(out)).exit_code == 0
    for name in ("elements", "stockpile"):
        header = sheet_cells(out)[name][0]
        assert "initial_stock (t)" in header and "optimal_stock (t)" in header and "stock (t)" not in header, name


# ---------------------------------------------------------------------------------------------
# 8. the result workbook


def test_the_plan_sheet_names_the_limits_that_bind_and_drops_evaluates_columns(tmp_path):
    out = tmp_path / "plan.xlsx"
    former = ("--inputs", str(FORMER_CASE))  # the 2025 case, where the content cap costs 1.5385 per point
    assert run("solve", *former, "--output", str(out)).exit_code == 0
    rows = sheet(out, "plan")
    assert not {"violated", "excess"} & set(rows[0]) and "binding" in rows[0]
    caps = json.loads(run("solve", *former, "--format", "json").stdout)["caps"]
    content = next(c for c in caps if (c["origin"], c["element"], c["scope"]) == ("China", "NdPr", "content"))
    assert content["binding"]
    named = {(r["origin"], r["element"]): r["binding"] or "" for r in rows}
    assert named[("China", "NdPr")].startswith("China max 50% of NdPr (imports, content): 1.5385 USD M per pp")
    for cap in caps:  # every binding cap by origin is named on its origin's offer; none that does not bind
        said = f"{cap['origin']} {cap['kind']} {cap['limit']:.0%} of {cap['element']} ({cap['basis']}, {cap['scope']})"
        if cap["scope"] == "origin":
            assert (said in named[(cap["origin"], cap["element"])]) == cap["binding"], said
    assert named[("France", "Dy")] == "" and named[("Australia", "NdPr")] == ""
    evaluated = tmp_path / "evaluate.xlsx"
    status_quo = str(FORMER_CASE / "plans" / "status-quo.csv")
    assert run("evaluate", *former, "--plan", status_quo, "--output", str(evaluated)).exit_code == 0
    assert {"violated", "excess (%)"} <= set(sheet(evaluated, "plan")[0])

