"""Write seeded input folders for ``sourcing plan`` benchmarks: a one-year instance of
``benchmarks/generate.py`` (its offers, caps, stockpiles and disruptions) made into a horizon.

On top of the one-year folder: demand rows dated every year of the horizon, the first year's
too, so that the default horizon is the instance's (growing by
``growth`` in all over it), lead times of a year on a fifth of the offers, spot prices on a third,
the scenarios as events with annual hazards summing to ``hazard`` and durations of 1-3 years, a
stockpile that may be raised to three times its stock at a holding cost and must end at least at
its stock, and one project per element that can add capacity to one of its offers.

    python benchmarks/plan_generate.py --size M10x5 --out benchmarks/out/plan-M10x5
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.generate import Size, generate

FIRST_YEAR = 2026


@dataclass(frozen=True)
class PlanSize:
    """An instance: ``origins`` x ``elements`` offers as in benchmarks/generate.py, over ``years``
    years with ``events`` events (1 + events x years paths)."""

    origins: int
    elements: int = 17
    years: int = 10
    events: int = 5
    seed: int = 0
    hazard: float = 0.3
    growth: float = 0.2

    def label(self) -> str:
        return f"plan-o{self.origins}-e{self.elements}-y{self.years}-k{self.events}-s{self.seed}"

    @property
    def paths(self) -> int:
        return 1 + self.events * self.years


PLAN_SIZES = {
    "tiny": PlanSize(origins=12, elements=3, years=3, events=2),
    "M10x5": PlanSize(origins=500, elements=17, years=10, events=5),
    "XLtree": PlanSize(origins=12, elements=4, years=30, events=20, hazard=0.2, growth=0.1),
}
"""Named sizes: M10x5 has the offers of the one-year M benchmark (500 origins, 17 elements) over
10 years and 5 events (51 paths); XLtree 30 years and 20 events (601 paths) on 12 origins."""


def generate_plan(folder: str | Path, size: PlanSize) -> Path:
    """Write the plan folder for ``size``; returns it."""
    folder = Path(folder)
    generate(folder, Size(origins=size.origins, elements=size.elements, scenarios=size.events, seed=size.seed))
    rng = np.random.default_rng(size.seed + 1)
    supply = pd.read_csv(folder / "supply.csv")
    n = len(supply)
    supply["lead_time"] = np.where(rng.random(n) < 0.2, 1, 0)
    spot = rng.random(n) < 0.33
    supply["spot_cost"] = np.where(spot, np.round(supply["unit_cost"] * rng.uniform(1.3, 2.0, n), 3), np.nan)
    demand = pd.read_csv(folder / "demand.csv")
    years = FIRST_YEAR + np.arange(size.years)
    rate = (1.0 + size.growth) ** (1.0 / max(size.years - 1, 1)) - 1.0
    dated = []
    for i, year in enumerate(years):
        dated.append(demand.assign(demand=np.round(demand["demand"] * (1 + rate) ** i, 1), year=int(year)))
    demand = pd.concat(dated, ignore_index=True)
    scenarios = pd.read_csv(folder / "scenarios.csv")
    weights = scenarios["probability"].to_numpy(float)
    scenarios["probability"] = np.floor(size.hazard * weights / weights.sum() * 1e9) / 1e9
    scenarios["duration"] = rng.integers(1, 4, len(scenarios))
    stockpile = pd.read_csv(folder / "stockpile.csv")
    cost = supply.groupby("element")["unit_cost"].min()
    stockpile["max_stock"] = np.round(3 * stockpile["stock"], 1)
    stockpile["holding_cost"] = np.round(0.1 * stockpile["element"].map(cost).to_numpy(), 4)
    stockpile["terminal_stock"] = stockpile["stock"]
    picks = supply.groupby("element").sample(1, random_state=size.seed)
    investments = pd.DataFrame({
        "project": [f"build-{e}" for e in picks["element"]], "origin": picks["origin"].to_numpy(),
        "element": picks["element"].to_numpy(),
        "capex": np.round(picks["unit_cost"].to_numpy() * 1000 * rng.uniform(2, 8, len(picks)), 0),
        "lead_time": rng.integers(1, 4, len(picks)),
        "max_capacity": np.round(picks["capacity"].to_numpy() * rng.uniform(0.5, 2.0, len(picks)), 1),
        "life": 15,
    })
    for name, table in (("supply", supply), ("demand", demand), ("scenarios", scenarios), ("stockpile", stockpile),
                        ("investments", investments)):
        table.to_csv(folder / f"{name}.csv", index=False, float_format="%.12g")
    return folder


def ensure_plan(size: PlanSize, root: str | Path) -> Path:
    """The folder for ``size`` under ``root``, generated unless it is already there."""
    folder = Path(root) / size.label()
    if not (folder / "investments.csv").is_file():
        tmp = folder.with_name(folder.name + ".tmp")
        generate_plan(tmp, size)
        tmp.rename(folder)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=list(PLAN_SIZES), default="tiny")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    print(generate_plan(args.out, PLAN_SIZES[args.size]))


if __name__ == "__main__":
    main()
