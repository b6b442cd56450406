"""A multi-year plan for scripts: the JSON document and the CSV table of ``sourcing plan``."""

from __future__ import annotations

import json

from sourcing.data import InputData
from sourcing.multiyear.result import PlanResult
from sourcing.output.csv import frame_csv
from sourcing.output.inputs import horizon_reason, inputs_doc


def plan_json(result: PlanResult, data: InputData | None = None) -> str:
    """The plan's document (:meth:`~sourcing.multiyear.result.PlanResult.to_dict`) as JSON: one key
    per line, and a table's records one per line (compact, and fast to write at any size). With
    ``data``, ``years_reason`` and ``inputs`` follow ``years``."""
    doc = result.to_dict()
    if data is not None:
        doc = {k: v for k, v in doc.items() if k in ("status", "years")} | {
            "years_reason": horizon_reason(data), "inputs": inputs_doc(data)} | doc
    lines = []
    for key, value in doc.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            body = ",\n".join("    " + json.dumps(row, allow_nan=False) for row in value)
            text = "[\n" + body + "\n  ]"
        else:
            text = json.dumps(value, allow_nan=False)
        lines.append(f"  {json.dumps(key)}: {text}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def plan_csv(result: PlanResult) -> str:
    """One row per path, year and offer in force: the path's probability, the contracted volume,
    the spot purchase and the year the contract is signed (the stock, investments and survival
    tables are in the JSON)."""
    volumes = result.volumes.merge(result.paths[["path", "probability"]], on="path", how="left")
    volumes = volumes[["path", "probability", "year", "origin", "element", "volume", "spot", "signed"]]
    return frame_csv(volumes)
