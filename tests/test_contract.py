"""docs/contract.md is the program's: every key and column it lists is in the output, and every key
and column in the output is listed there."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from sourcing import bundled_inputs
from sourcing.cli import main

CONTRACT = (Path(__file__).resolve().parents[1] / "docs" / "contract.md").read_text()
STATUS_QUO = str(bundled_inputs() / "plans" / "status-quo.csv")


def listed(table_heading: str) -> dict[str, list[str]]:
    """The rows of the contract's table under ``table_heading``: first cell -> the `names` in the second."""
    section = CONTRACT.split(f"## {table_heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 2 and not set(cells[0]) <= {"-"}:
            rows[cells[0]] = re.findall(r"`([^`]+)`", cells[1])
    return rows


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def documents():
    return {
        "solve": json.loads(run("solve", "--format", "json")),
        "voi": json.loads(run("solve", "--value-of-information", "--format", "json")),
        "evaluate": json.loads(run("evaluate", "--plan", STATUS_QUO, "--format", "json")),
        "sweep": json.loads(run("sweep", "--cap", "China=1,0.5", "--format", "json")),
    }


def test_the_json_keys_are_those_of_the_contract(documents):
    keys = listed("JSON documents")
    solve, voi, ev, sweep = documents["solve"], documents["voi"], documents["evaluate"], documents["sweep"]
    assert list(solve) == keys["solve"]
    assert set(voi) - set(solve) == set(keys["solve, with `--value-of-information`"])
    for entry in ("plan", "caps", "elements", "stockpile", "scenarios"):
        assert all(list(e) == keys[f"{entry} entry"] for e in solve[entry]), entry
    assert set(ev) == set(solve) | {"violations", "optimum"} and keys["evaluate"][-2:] == ["violations", "optimum"]
    assert ev["violations"] and all(list(v) == keys["violations entry"] for v in ev["violations"])
    assert list(sweep) == keys["sweep"]
    assert all(list(p) == keys["sweep point"] for p in sweep["points"])


def test_the_csv_columns_are_those_of_the_contract():
    columns = listed("CSV files")
    solve = pd.read_csv(io.StringIO(run("solve", "--format", "csv"))).columns.tolist()
    assert solve == columns["solve"]
    evaluate = pd.read_csv(io.StringIO(run("evaluate", "--plan", STATUS_QUO, "--format", "csv"))).columns.tolist()
    assert evaluate == columns["solve"] + columns["evaluate"][-2:]
    sweep = pd.read_csv(io.StringIO(run("sweep", "--cap", "China=1,0.5", "--format", "csv"))).columns.tolist()
    shares = [c for c in sweep if c.startswith("share:")]
    expected = [c for c in columns["sweep"] if not c.startswith("share:")]
    assert [c for c in sweep if not c.startswith("share:")] == expected and len(shares) == 19


def test_every_exit_code_of_the_contract_is_in_every_help():
    codes = [int(c) for c in re.findall(r"^\| (\d+) \|", CONTRACT.split("## Exit codes", 1)[1], re.M)]
    assert codes == [0, 2, 3, 4, 5, 130]
    for command in ([], ["solve"], ["evaluate"], ["sweep"], ["report"], ["check"]):
        text = " ".join(run(*command, "--help").split())
        for code in codes:
            assert re.search(rf"\b{code} [a-z]", text), (command, code)


def test_the_contract_links_to_pages_and_sections_that_exist():
    docs = Path(__file__).resolve().parents[1] / "docs"
    links = re.findall(r"\]\(((?:\.\./)?[\w/.-]+\.md)(?:#([a-z0-9-]+))?\)", CONTRACT)
    assert ("inputs.md", "") in links and ("model.md", "the-one-year-model") in links
    for page, anchor in links:
        assert (docs / page).is_file(), page
        text = (docs / page).read_text()
        headings = {re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-") for h in re.findall(r"^#+ (.+)$", text, re.M)}
        assert not anchor or anchor in headings, (page, anchor)


def test_the_docs_tables_list_every_column_of_the_schema():
    """docs/inputs.md's table holds the one-year columns; docs/plan.md's the columns and the
    file only ``sourcing plan`` reads (and ``year``)."""
    from sourcing.schema import SPECS, YEAR

    root = Path(__file__).resolve().parents[1]
    readme = (root / "docs" / "inputs.md").read_text().split("\nRules:", 1)[0]
    plan_doc = (root / "docs" / "plan.md").read_text()
    for spec in SPECS.values():
        only_plan = spec.name == "investments.csv"  # a file only plan reads
        one_year = [] if only_plan else [c for c in spec.columns if not c.plan_only and c.name != YEAR]
        if one_year:
            row = next(line for line in readme.splitlines() if line.startswith(f"| `{spec.name}` |"))
            for column in one_year:
                assert f"`{column.name}`" in row, (spec.name, column.name)
                if column.unit:
                    assert column.unit.split("/")[0] in row, (spec.name, column.name, column.unit)
        for column in spec.columns:
            if only_plan or column.plan_only or column.name == YEAR:
                rows = plan_doc.split(f"| `{spec.name}`", 1)[1].split("\n| `", 1)[0]
                assert f"`{column.name}`" in rows, ("docs/plan.md", spec.name, column.name)
