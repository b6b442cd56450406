"""Resume: the points a sweep already wrote to its ``--output`` file, read back by grid index."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np

from sourcing.errors import InfeasibleError, OptionError
from sourcing.frontier import FIGURES, KEY_DECIMALS, Row
from sourcing.output.csv import sweep_header, sweep_label
from sourcing.output.json import SweepJson
from sourcing.sweep.grid import SweepPlan

RESUME_HINT = ("resume with the inputs and options that wrote the file, or remove it (or choose another "
               "--output) to sweep afresh")


def read_points(path: Path, fmt: str, plan: SweepPlan) -> dict[int, Row]:
    """The points already in ``path`` (a csv or json file of this sweep), by grid index.

    A last point cut short (a kill inside a write) is dropped; a point that appears twice counts once.

    Raises:
        OptionError: the file is of another format, target, CVaR level or set of offers, or holds
            points that are not on this grid.
    """
    if fmt not in ("csv", "json"):
        raise OptionError("--resume needs --format csv or json (a table keeps rounded figures only)")
    text = Path(path).read_text(encoding="utf-8")
    records = _read_csv(text, plan, path) if fmt == "csv" else _read_json(text, plan, path)
    index_of = plan.grid.index_of()
    rows: dict[int, Row] = {}
    for key, row in records:
        index = index_of.get(tuple(round(v, KEY_DECIMALS) for v in key))
        if index is None:
            share, rw, cw = key
            raise OptionError(f"--resume: {path} holds a point off this grid ({plan.bound} {share:g}, risk_weight "
                              f"{rw:g}, cvar_weight {cw:g}); resume with a grid that contains it, or remove the file")
        rows.setdefault(index, row)
    return rows


def check_kept(path: Path, plan: SweepPlan, rows: dict[int, Row]) -> None:
    """Solve the first point kept in ``path`` afresh and compare: a file written from other inputs
    (another folder, a changed file, another ``--year``) gives another cost there. One solve, so
    it cannot catch a change that leaves that one point's cost as it was.

    Raises:
        OptionError: the kept point's status or objective is not what these inputs give.
    """
    checkable = [i for i, row in rows.items() if row.status in ("optimal", "infeasible")]
    if not checkable:
        return
    from sourcing.model import RiskOptions
    from sourcing.solver import solve

    index = min(checkable)
    share, risk_weight, cvar_weight = plan.grid.point(index)
    kept = rows[index]
    try:
        now = solve(plan.at(share), RiskOptions(risk_weight, cvar_weight, plan.cvar_level))
        status, objective = "optimal", now.objective
    except InfeasibleError:
        status, objective = "infeasible", np.nan
    then = float(kept.figures[0])
    same = kept.status == status and (status != "optimal" or abs(then - objective) <= 1e-6 * max(1.0, abs(objective)))
    if not same:
        was = f"objective {then:,.3f}" if kept.status == "optimal" else kept.status
        is_ = f"objective {objective:,.3f}" if status == "optimal" else status
        raise OptionError(f"--resume: {path} was written from other inputs: at {plan.bound} {share:g}, risk_weight "
                          f"{risk_weight:g}, cvar_weight {cvar_weight:g} it holds {was}, these inputs give {is_} "
                          "(another folder, a changed file or another --year); remove it or choose another --output",
                          hint=RESUME_HINT)


def _mismatch(path: Path, plan: SweepPlan, what: str) -> OptionError:
    return OptionError(f"--resume: {path} is not a {what} of this sweep ({plan.label}, CVaR level "
                       f"{plan.cvar_level:g}, these inputs); remove it or choose another --output", hint=RESUME_HINT)


def _read_csv(text: str, plan: SweepPlan, path: Path) -> list[tuple[tuple[float, ...], Row]]:
    if not text.endswith("\n"):  # the last line was cut short
        text = text[: text.rfind("\n") + 1]
    lines = list(csv.reader(io.StringIO(text)))
    if not lines or lines[0] != sweep_header(plan.grid):
        raise _mismatch(path, plan, "CSV file")
    n_fig, n_off = len(FIGURES), len(plan.grid.offers)
    out = []
    for cells in lines[1:]:
        if not cells:
            continue
        label = sweep_label(plan.grid)
        if len(cells) != len(lines[0]) or cells[-2] != label or _float(cells[-1]) != plan.cvar_level:
            raise _mismatch(path, plan, "CSV file")
        try:
            key = tuple(float(c) for c in cells[:3])
            figures = np.array([_float(c) for c in cells[4:4 + n_fig]])
            shares = np.array([_float(c) for c in cells[4 + n_fig:4 + n_fig + n_off]])
        except ValueError:
            raise _mismatch(path, plan, "CSV file") from None
        out.append((key, Row(cells[3], figures, shares)))
    return out


def _float(cell: str) -> float:
    return float(cell) if cell != "" else np.nan


def _read_json(text: str, plan: SweepPlan, path: Path) -> list[tuple[tuple[float, ...], Row]]:
    head, start = SweepJson.head(plan.grid), text.find('"points": [\n')
    if not text.startswith(head) or start < 0:  # the inputs it names are checked by check_kept
        raise _mismatch(path, plan, "JSON file")
    points = []
    for line in text[start + len('"points": [\n'):].split("\n"):  # one point per line; stop at a line cut short
        line = line.strip().rstrip(",")
        if not line.startswith("{"):
            break
        try:
            points.append(json.loads(line))
        except json.JSONDecodeError:
            break
    offers = plan.grid.offers
    out = []
    for p in points:
        try:
            key = tuple(float(p[k]) for k in plan.grid.keys)
            ok = p["status"] == "optimal"
            figures = np.array([float(p[f]) if ok else np.nan for f in FIGURES])
            shares = np.array([float(p["shares"][e][o]) if ok else np.nan for e, o in offers])
        except (KeyError, TypeError, ValueError):
            raise _mismatch(path, plan, "JSON file") from None
        out.append((key, Row(str(p["status"]), figures, shares)))
    return out
