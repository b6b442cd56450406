"""sourcing: how much of each critical mineral to import from each origin, trading cost against
disruption risk under concentration caps. A Pyomo LP solved with HiGHS.

The API, lazily imported so that ``sourcing --help`` stays fast::

    import sourcing
    data = sourcing.load_inputs(sourcing.bundled_inputs())
    result = sourcing.solve(data.with_caps({"China": 0.5}), sourcing.RiskOptions(risk_weight=1))
    result.plan, result.caps, result.scenarios
    frontier = sourcing.run_sweep(data, "China", [1.0, 0.9, 0.8], risk_weights=[0, 1, 2])
    briefing = sourcing.report(data)          # what ``sourcing report`` writes as HTML
    plan = sourcing.plan(data, (2026, 2035), discount_rate=0.03)     # the multi-year plan on a tree
    plan.volumes, plan.stock, plan.investments, plan.survival
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import Any

__all__ = [
    "InputData", "RiskOptions", "Result", "Evaluation", "build_model", "bundled_inputs", "load_inputs",
    "load_plan", "run_sweep", "solve", "evaluate", "value_of_information", "report", "Briefing",
    "plan", "PlanResult", "build_plan_model", "plan_value_of_information", "replicate", "progressive_hedging",
    "SourcingError", "InputError", "InfeasibleError", "OptionError", "OutputError", "SolverError",
]

_LAZY = {
    "InputData": "sourcing.data",
    "load_inputs": "sourcing.data",
    "load_plan": "sourcing.data",
    "Evaluation": "sourcing.result",
    "evaluate": "sourcing.solver",
    "value_of_information": "sourcing.solver",
    "RiskOptions": "sourcing.model",
    "build_model": "sourcing.model",
    "Result": "sourcing.result",
    "solve": "sourcing.solver",
    "run_sweep": "sourcing.sweep",
    "report": "sourcing.reporting",
    "Briefing": "sourcing.briefing",
    "plan": "sourcing.multiyear.api",
    "plan_value_of_information": "sourcing.multiyear.api",
    "PlanResult": "sourcing.multiyear.result",
    "build_plan_model": "sourcing.multiyear.model",
    "replicate": "sourcing.replications",
    "progressive_hedging": "sourcing.decompose",
    "SourcingError": "sourcing.errors",
    "InputError": "sourcing.errors",
    "InfeasibleError": "sourcing.errors",
    "OptionError": "sourcing.errors",
    "SolverError": "sourcing.errors",
    "OutputError": "sourcing.errors",
}


_RENAMED = {"plan_value_of_information": "value_of_information"}
"""Exported names that differ from the name in their module."""


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), _RENAMED.get(name, name))
    raise AttributeError(f"module 'sourcing' has no attribute {name!r}")


def bundled_inputs() -> Path:
    """The folder of the bundled Japan dataset (installed with the package, or the checkout's)."""
    here = Path(__file__).resolve().parent
    installed = here / "inputs"
    return installed if installed.is_dir() else here.parent / "inputs"
