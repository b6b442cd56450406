"""What a solve returns: a read-only dataclass of pandas frames, and its JSON form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sourcing.model import RiskOptions


@dataclass(frozen=True)
class Result:
    """An optimal plan and what it costs. Money in USD, volumes in t/yr. Treat frames as read-only.

    Attributes:
        status: ``"optimal"``.
        objective: the LP's objective, procurement_cost + risk_weight * risk term.
        procurement_cost: sum of 1000 unit_cost x volume.
        expected_shortage_cost: sum_k p[k] L[k].
        cvar: CVaR of the scenario losses L at ``options.cvar_level`` (reported whatever cvar_weight).
        options: the risk options solved for.
        plan: one row per offer: ``origin``, ``element``, ``volume``, ``share`` (of the element's
            contracted total), ``unit_cost``, ``procurement_cost``, ``capacity``, ``min_volume``,
            ``max_share`` (effective; 1 = no cap).
        caps: one row per offer whose max_share < 1: ``origin``, ``element``, ``max_share``,
            ``share``, ``binding``, ``marginal_cost_per_pp`` (USD: first-order rise of the
            objective if max_share falls by 0.01), ``slack`` (t).
        elements: one row per element: ``element``, ``demand``, ``shortage_cost``, ``stock``,
            ``max_stock``, ``holding_cost``, ``total_volume``, ``optimal_stock`` (the stock level
            chosen), ``marginal_cost`` (USD/kg: d objective / d demand), ``stock_value`` (USD/kg:
            fall of the objective per extra kg of stock available in disruptions).
        scenarios: one row per scenario: ``scenario``, ``probability``, ``description``,
            ``shortage_cost`` (L[k]).
        shortages: one row per scenario x element: ``demand``, ``arrived``, ``stock_release``,
            ``shortage`` (t), ``shortage_cost`` (USD).
        stockpile_cost: sum_e 1000 holding_cost (optimal_stock - stock), USD.
        iterations: simplex iterations HiGHS took.
        value_of_information: VSS, EVPI and their parts, when asked for.
    """

    status: str
    objective: float
    procurement_cost: float
    expected_shortage_cost: float
    cvar: float
    options: RiskOptions
    plan: pd.DataFrame
    caps: pd.DataFrame
    elements: pd.DataFrame
    scenarios: pd.DataFrame
    shortages: pd.DataFrame
    stockpile_cost: float = 0.0
    iterations: int = 0
    value_of_information: dict[str, float] | None = None

    def __repr__(self) -> str:
        binding = int(self.caps["binding"].sum()) if len(self.caps) else 0
        return (
            f"Result({self.status}: objective {self.objective / 1e6:,.3f} M USD = procurement "
            f"{self.procurement_cost / 1e6:,.3f} M + risk; expected shortage cost "
            f"{self.expected_shortage_cost / 1e6:,.3f} M; {len(self.plan)} offers, {binding} binding caps)"
        )

    def to_dict(self) -> dict[str, Any]:
        """The contract's JSON document (keys of contract v1, plus additions)."""
        short = self.shortages
        scenarios = []
        for row in self.scenarios.itertuples(index=False):
            rows = short[short["scenario"] == row.scenario]
            scenarios.append({
                "scenario": row.scenario,
                "probability": float(row.probability),
                "description": row.description,
                "shortage": dict(zip(rows["element"], map(float, rows["shortage"]))),
                "stock_release": dict(zip(rows["element"], map(float, rows["stock_release"]))),
                "shortage_cost": float(row.shortage_cost),
            })
        e = self.elements
        stockpile = pd.DataFrame({"element": e["element"], "stock": e["stock"], "initial_stock": e["stock"],
                                  "optimal_stock": e["optimal_stock"], "max_stock": e["max_stock"],
                                  "holding_cost": e["holding_cost"]})
        elements = e.copy()  # initial_stock: the stock of stockpile.csv, named apart from optimal_stock
        elements.insert(int(elements.columns.get_loc("stock")) + 1, "initial_stock", e["stock"])
        doc = {
            "status": self.status,
            "objective": float(self.objective),
            "procurement_cost": float(self.procurement_cost),
            "expected_shortage_cost": float(self.expected_shortage_cost),
            "stockpile_cost": float(self.stockpile_cost),
            "cvar": float(self.cvar),
            "risk_weight": self.options.risk_weight,
            "cvar_weight": self.options.cvar_weight,
            "cvar_level": self.options.cvar_level,
            "plan": _records(self.plan),
            "caps": _records(self.caps),
            "elements": _records(elements),
            "stockpile": _records(stockpile),
            "scenarios": scenarios,
        }
        if self.value_of_information is not None:
            doc.update({k: float(v) for k, v in self.value_of_information.items()})
        return doc


@dataclass(frozen=True)
class Evaluation:
    """A given plan priced under the scenarios, beside the optimum for the same inputs.

    Attributes:
        result: the plan's figures (``status`` ``"evaluated"``), with the same tables as a solve.
        violations: where the plan breaks capacities, commitments, cover or share limits:
            ``origin``, ``element``, ``kind``, ``basis``, ``scope``, ``limit``, ``value``.
        optimum: the optimal plan for the same inputs and options (None if there is none).
        optimum_causes: why there is no optimum, when there is none.
    """

    result: Result
    violations: pd.DataFrame
    optimum: Result | None
    optimum_causes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        doc = self.result.to_dict()
        doc["violations"] = _records(self.violations)
        if self.optimum is not None:
            doc["optimum"] = self.optimum.to_dict()
        else:
            doc["optimum"] = {"status": "infeasible", "causes": list(self.optimum_causes)}
        return doc


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for rec in frame.to_dict(orient="records"):
        out.append({k: _plain(v) for k, v in rec.items()})
    return out


def _plain(value: Any) -> Any:
    """A numpy scalar as Python's, and -0.0 as 0.0."""
    if isinstance(value, np.generic):
        value = value.item()
    return value + 0.0 if isinstance(value, float) else value


def cvar_of(loss: np.ndarray, probability: np.ndarray, level: float) -> float:
    """CVaR at ``level`` of a discrete loss distribution, computed directly (not from the LP).

    The Rockafellar-Uryasev minimum eta + E[(L - eta)+] / (1 - level) is attained at the
    value at risk, the smallest loss whose cumulative probability reaches ``level``.
    """
    loss = np.asarray(loss, dtype=float)
    p = np.asarray(probability, dtype=float)
    if not len(loss):
        return 0.0
    order = np.argsort(loss, kind="stable")
    cum = np.cumsum(p[order])
    at = np.searchsorted(cum, level * cum[-1] - 1e-12, side="left")
    var = loss[order][min(at, len(loss) - 1)]
    return float(var + (p * np.maximum(loss - var, 0.0)).sum() / (1.0 - level))
