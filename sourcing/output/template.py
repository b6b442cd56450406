"""``sourcing init``: a documented template of every input file, as a folder or as one workbook.

The bundled Japan case is the example: every row with its ``source``, so that a planner starts
from a working case and replaces figures one by one. The documentation of the columns (kind,
unit, default, rule) comes from :mod:`sourcing.schema`, the same declarations the readers follow.
A folder gets a ``README.md`` of the columns; a workbook gets a ``readme`` sheet, a comment on every
header cell, and data validation on the cells (shares in [0, 1], numbers >= 0, the known names as
drop-downs).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from sourcing.output.xlsx import Table, workbook
from sourcing.schema import ALL, MAX_MAGNITUDE, NUMERIC_KINDS, PLAN_SPEC, SPECS, YEAR_RANGE, Column, FileSpec, expected
from sourcing.sources import PLAN_SHEET, STATUS_QUO, input_files, plan_file

EXAMPLE_GROUPS = pd.DataFrame({
    "group": ["allies", "allies"], "origin": ["Australia", "France"],
    "note": ["an example: no cap names this group, so it changes nothing; name it in caps.csv to cap or "
             "floor the allies together"] * 2,
})
"""groups.csv, which the bundled case does not need, as an example that leaves the answer as it is."""
ROWS = 1000
"""Rows below each header that a workbook template validates."""


def rule(col: Column) -> str:
    """What a cell of ``col`` must hold, for people."""
    if col.kind in NUMERIC_KINDS:
        text = expected(col) + (" (or a percentage: 65%)" if col.kind == "share" else "")
    elif col.choices:
        text = "one of " + ", ".join(col.choices)
    elif col.kind == "name":
        text = "a name" + (f", or {ALL} for every element" if col.star else "")
    else:
        text = "free text"
    if not col.required:
        default = "empty" if col.default is None or (isinstance(col.default, float) and np.isnan(col.default)) \
            else f"{col.default:g}" if isinstance(col.default, float) else repr(col.default)
        text += f"; optional, default {default}"
    if col.plan_only:
        text += "; read by sourcing plan only"
    return text


def columns_readme() -> str:
    """The README of a template folder: every file and column, from the schema."""
    lines = ["# Input files", "",
             "One CSV file per table; a header row names the columns in any order; `source` and `note` columns",
             "are free text for citations; `*` in an `element` column means every element. Run `sourcing check",
             "--inputs .` after every change: each problem is reported as file:line:column with the value found.",
             ""]
    for spec in SPECS.values():
        lines += [f"## {spec.name} ({'required' if spec.required else 'optional'}): {spec.doc}", "",
                  "| column | unit | rule | holds |", "|---|---|---|---|"]
        lines += [f"| `{c.name}` | {c.unit or '-'} | {rule(c)} | {c.doc} |" for c in spec.columns]
        lines += ["| `source`, `note` | - | free text | where the row's figures come from; remarks |", ""]
    lines += [f"## {STATUS_QUO.as_posix()} (optional): today's mix, {PLAN_SPEC.doc.split(': ', 1)[1]}", "",
              "`sourcing report` judges it against the optimum (\"Today's mix\"); `sourcing evaluate --plan",
              f"{STATUS_QUO.as_posix()}` prices it. In a workbook, the `{PLAN_SHEET}` sheet plays its role.", "",
              "| column | unit | rule | holds |", "|---|---|---|---|"]
    lines += [f"| `{c.name}` | {c.unit or '-'} | {rule(c)} | {c.doc} |" for c in PLAN_SPEC.columns]
    return "\n".join(lines)


def write_folder(folder: Path, bundled: Path) -> list[Path]:
    """The template as a folder: the bundled files, groups.csv as an example, and README.md."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for spec in SPECS.values():
        target = folder / spec.name
        if (bundled / spec.name).is_file():
            shutil.copyfile(bundled / spec.name, target)
        elif spec.name == "groups.csv":
            EXAMPLE_GROUPS.to_csv(target, index=False, lineterminator="\n")
        else:
            pd.DataFrame(columns=[c.name for c in spec.columns] + ["source"]).to_csv(target, index=False)
        written.append(target)
    if (bundled / "plans").is_dir():
        shutil.copytree(bundled / "plans", folder / "plans", dirs_exist_ok=True)
        written.append(folder / "plans")
    (folder / "README.md").write_text(columns_readme() + "\n", encoding="utf-8")
    return [*written, folder / "README.md"]


def template_xlsx(bundled: Path) -> bytes:
    """The template as one workbook (see the module's docstring)."""
    files = {f.spec.name: f for f in input_files(bundled)}
    tables = [Table("readme", _readme_frame(), {"sheet": "text", "column": "text", "unit": "text", "rule": "text",
                                                "holds": "text"})]
    for spec in SPECS.values():
        rows = files[spec.name].rows.drop(columns="line", errors="ignore")
        if spec.name == "groups.csv" and rows.empty:
            rows = EXAMPLE_GROUPS
        if rows.empty:
            rows = pd.DataFrame(columns=[c.name for c in spec.columns])
        kinds = {c.name: ("number" if c.kind in NUMERIC_KINDS else "text") for c in spec.columns}
        tables.append(Table(spec.name.removesuffix(".csv"), rows, kinds | {"source": "text", "note": "text"}))
    if (bundled / STATUS_QUO).is_file():  # today's mix: the plan sheet plays the role of plans/status-quo.csv
        rows = plan_file(bundled / STATUS_QUO).rows.drop(columns="line", errors="ignore")
        tables.append(Table(PLAN_SHEET, rows, {"origin": "text", "element": "text", "volume": "number",
                                               "source": "text", "note": "text"}))
    names = _names(files)
    tables.append(Table("lists", pd.DataFrame(dict(zip(names, _padded(names.values())))), dict.fromkeys(names, "text")))

    def setup(book, sheets, formats) -> None:
        sheets["lists"].hide()
        for spec in SPECS.values():
            sheet = sheets[spec.name.removesuffix(".csv")]
            header = list(tables[[t.name for t in tables].index(spec.name.removesuffix(".csv"))].frame.columns)
            for j, name in enumerate(header):
                col = next((c for c in spec.columns if c.name == name), None)
                if col is None:
                    continue
                sheet.write_comment(0, j, f"{col.name}{' (' + col.unit + ')' if col.unit else ''}: {col.doc}. "
                                          f"Must be {rule(col)}.", {"x_scale": 2, "y_scale": 1.5})
                validation = _validation(col, spec, names)
                if validation:
                    sheet.data_validation(1, j, ROWS, j, validation)

    return workbook(tables, setup=setup)


def _readme_frame() -> pd.DataFrame:
    rows = [("(every sheet)", "", "", "", "One sheet per input file, named like the file without .csv; a header "
             "row (title rows may stand above it); source and note columns are free text. Check with "
             "sourcing check --inputs THIS.xlsx; solve with sourcing solve --inputs THIS.xlsx.")]
    for spec in SPECS.values():
        rows += [(spec.name.removesuffix(".csv"), c.name, c.unit, rule(c), c.doc) for c in spec.columns]
    rows += [(PLAN_SHEET, "", "", "", "Today's mix (optional), as plans/status-quo.csv of a folder: sourcing report "
              f"judges it against the optimum; sourcing evaluate --inputs THIS.xlsx --plan {PLAN_SHEET} prices it.")]
    rows += [(PLAN_SHEET, c.name, c.unit, rule(c), c.doc) for c in PLAN_SPEC.columns]
    return pd.DataFrame(rows, columns=["sheet", "column", "unit", "rule", "holds"])


def _names(files) -> dict[str, list[str]]:
    supply = files["supply.csv"].rows
    demand = files["demand.csv"].rows
    scenarios = files["scenarios.csv"].rows
    return {"origins": sorted(set(supply["origin"])), "elements": sorted(set(demand["element"])),
            "elements_or_all": [ALL, *sorted(set(demand["element"]))],
            "scenarios": sorted(set(scenarios["scenario"])) if len(scenarios) else [""]}


def _padded(columns) -> list[list[str]]:
    columns = list(columns)
    n = max(len(c) for c in columns)
    return [list(c) + [""] * (n - len(c)) for c in columns]


def _validation(col: Column, spec: FileSpec, names: dict[str, list[str]]) -> dict | None:
    """XlsxWriter data validation for a column's cells: a range for numbers, a list for names."""
    if col.kind == "share":
        return {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1,
                "error_title": col.name, "error_message": f"{col.name} is a share: a number in [0, 1] (or type 65%)"}
    if col.kind == "number":
        return {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": MAX_MAGNITUDE,
                "error_title": col.name, "error_message": f"{col.name}: {expected(col)}"}
    if col.kind in ("integer", "year"):
        low, high = YEAR_RANGE if col.kind == "year" else (col.minimum, int(MAX_MAGNITUDE) - 1)
        return {"validate": "integer", "criteria": "between", "minimum": low, "maximum": high,
                "error_title": col.name, "error_message": f"{col.name}: {expected(col)}"}
    if col.choices:
        return {"validate": "list", "source": list(col.choices)}
    lists = {"element": "elements_or_all" if col.star else "elements", "origin": "origins", "scenario": "scenarios"}
    if col.name in lists and not (spec.name == "demand.csv" or (spec.name == "supply.csv" and col.name == "origin")):
        key = lists[col.name]
        column = "ABCD"[list(names).index(key)]
        return {"validate": "list", "source": f"=lists!${column}$2:${column}${len(names[key]) + 1}",
                "error_type": "warning", "error_title": col.name,
                "error_message": f"not a known {col.name} of this book: add it where {col.name}s are defined first"}
    return None
