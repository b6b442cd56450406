"""A multi-year plan for scripts: the JSON document and the CSV table of ``sourcing plan``."""

from __future__ import annotations

import json

from sourcing.multiyear.result import PlanResult


def plan_json(result: PlanResult) -> str:
    """The plan's document (:meth:`~sourcing.multiyear.result.PlanResult.to_dict`) as indented JSON."""
    return json.dumps(result.to_dict(), indent=2, allow_nan=False) + "\n"


def plan_csv(result: PlanResult) -> str:
    """One row per path, year and offer in force: the path's probability, the contracted volume,
    the spot purchase and the year the contract is signed (the stock, investments and survival
    tables are in the JSON)."""
    volumes = result.volumes.merge(result.paths[["path", "probability"]], on="path", how="left")
    volumes = volumes[["path", "probability", "year", "origin", "element", "volume", "spot", "signed"]]
    return volumes.to_csv(index=False, lineterminator="\n", float_format="%.10g")
