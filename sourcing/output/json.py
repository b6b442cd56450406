"""Results as JSON documents for scripts: what ``--format json`` writes (the contract's keys)."""

from __future__ import annotations

import json
from typing import Any

from sourcing.data import InputData
from sourcing.frontier import FIGURES, Grid, Row
from sourcing.output.inputs import inputs_doc
from sourcing.result import Evaluation, Result


def result_json(result: Result | Evaluation, data: InputData | None = None) -> str:
    """The result's document (:meth:`sourcing.result.Result.to_dict`) as indented JSON; with
    ``data``, after ``status``: the ``year`` answered, ``year_reason`` and the ``inputs``."""
    doc = result.to_dict()
    if data is not None:
        status = {"status": doc.pop("status")} if "status" in doc else {}
        doc = {**status, **solved(data), **doc}
    return json.dumps(_unsigned(doc), indent=2, allow_nan=False) + "\n"


def solved(data: InputData) -> dict[str, Any]:
    """What a one-year document says it solved: ``year`` (null for inputs without dated rows),
    ``year_reason`` and ``inputs``."""
    return {"year": data.year, "year_reason": data.year_reason, "inputs": inputs_doc(data)}


def _unsigned(doc: Any) -> Any:
    """``doc`` with every -0.0 written as 0.0."""
    if isinstance(doc, float):
        return doc + 0.0
    if isinstance(doc, dict):
        return {k: _unsigned(v) for k, v in doc.items()}
    if isinstance(doc, list):
        return [_unsigned(v) for v in doc]
    return doc


class SweepJson:
    """``{"target", "cvar_level", "points": [...]}``, one point per line; null where not optimal."""

    sep, suffix = ",\n", "\n]}\n"

    @staticmethod
    def head(grid: Grid) -> str:
        """The start of the document that a file of this sweep begins with, whatever its inputs."""
        return json.dumps({"target": grid.label, "cvar_level": grid.cvar_level})[:-1]

    @staticmethod
    def prefix(grid: Grid) -> str:
        solved = {"year": grid.year, "year_reason": grid.year_reason} if grid.inputs is not None else {}
        if grid.inputs is not None:
            solved["inputs"] = grid.inputs
        more = json.dumps(solved)[1:-1]
        return SweepJson.head(grid) + (", " + more if more else "") + ', "points": [\n'

    @staticmethod
    def item(grid: Grid, index: int, row: Row) -> str:
        point: dict[str, Any] = dict(zip(grid.keys, grid.point(index)))
        point["status"] = row.status
        ok = row.status == "optimal"
        point.update({name: float(v) + 0.0 if ok else None for name, v in zip(FIGURES, row.figures)})
        shares: dict[str, dict[str, float]] | None = None
        if ok:
            shares = {}
            for (element, origin), s in zip(grid.offers, row.shares):
                shares.setdefault(element, {})[origin] = float(s) + 0.0
        point["shares"] = shares
        return "  " + json.dumps(point, allow_nan=False)


STATUS = {"InputError": "invalid_input", "InfeasibleError": "infeasible", "OptionError": "usage",
          "OutputError": "usage", "UsageError": "usage", "BadParameter": "usage", "NoSuchOption": "usage",
          "BadOptionUsage": "usage", "MissingParameter": "usage", "BadArgumentUsage": "usage"}
HINTS = {
    "invalid_input": "fix each problem where it is located (file:line:column, or sheet!cell), then run sourcing check",
    "infeasible": "change one of the conflicting limits as far as its 'feasible' value (or raise a capacity)",
    "usage": "run the command with --help for its options and an example",
    "time_limit": "allow HiGHS more time (--time-limit) or solve a smaller case",
    "solver_error": "run sourcing check; if it passes, the inputs may hold magnitudes HiGHS cannot resolve",
    "interrupted": "run the command again (a sweep with --resume keeps the points it finished)",
    "internal_error": "this is a bug in sourcing: set SOURCING_DEBUG=1 for the traceback and report it",
}


def error_document(error: BaseException, exit_code: int) -> str:
    """A failure as the one JSON document a script reads on stdout when it asked for JSON:
    ``status``, ``exit_code``, ``message``, ``errors`` (one per input problem: file, line,
    column, sheet, cell, value, message), ``hint``; an infeasibility adds ``conflicts``."""
    name = type(error).__name__
    if isinstance(error, KeyboardInterrupt):
        status, message = "interrupted", "interrupted" + (f": {error}" if str(error) else "")
    elif name == "SolverError":
        status, message = ("time_limit" if getattr(error, "status", "") == "time_limit" else "solver_error"), str(error)
    else:
        status = STATUS.get(name, "usage" if exit_code == 2 else "internal_error")
        message = error.format_message() if hasattr(error, "format_message") else str(error)
    doc: dict[str, Any] = {"status": status, "exit_code": exit_code, "message": message, "errors": []}
    for p in getattr(error, "problems", []):
        doc["errors"].append({"file": p.file, "line": p.line, "column": p.column, "sheet": p.sheet, "cell": p.cell,
                              "value": p.value, "message": p.message})
    if status == "infeasible":
        doc["conflicts"] = [_conflict(c) for c in getattr(error, "conflicts", [])]
    doc["hint"] = getattr(error, "hint", None) or HINTS[status]
    return json.dumps(_unsigned(doc), indent=2, allow_nan=False) + "\n"


def _conflict(c) -> dict[str, Any]:
    """One conflict's entry; ``plan``'s name the year whose limits conflict."""
    entry: dict[str, Any] = {"element": c.element}
    if c.year is not None:
        entry["year"] = c.year
    entry.update({"kind": c.kind, "origin": c.origin, "basis": c.basis, "scope": c.scope, "value": c.value,
                  "feasible": c.feasible, "given": c.given, "message": c.message})
    return entry


def check_json(data: InputData) -> str:
    """What ``sourcing check --format json`` prints for inputs that pass."""
    doc = {"status": "ok", "source": str(data.folder), "offers": len(data.offers), "origins": len(data.origins),
           "elements": len(data.elements), "cap_rows": len(data.caps), "scenarios": len(data.scenarios),
           "disrupted_offer_scenarios": len(data.offer_availability()), "warnings": list(data.warnings),
           "files": [{"file": name, "sha256": digest} for name, digest in data.digests], **solved(data)}
    return json.dumps(doc, indent=2) + "\n"
