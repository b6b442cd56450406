"""Write seeded, contract-schema input folders of a chosen size (origins x elements x scenarios).

The instances have the shape analysts scale the bundled model to: firm-level origins that each offer
a few of (up to) the 17 rare-earth elements, thousands of sampled disruption scenarios that each
disrupt a tenth of the origins, ``*`` caps on the largest suppliers with a few per-element
overrides, take-or-pay commitments and stockpiles. Every folder passes ``sourcing check`` and has a
feasible plan.

    python benchmarks/generate.py --size M --out benchmarks/out/M
    python benchmarks/generate.py --origins 300 --scenarios 2000 --out /tmp/x
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

RARE_EARTHS = ("La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Sc", "Y")
AVAILABILITIES = np.array([0.0, 0.25, 0.5, 0.75])


@dataclass(frozen=True)
class Size:
    """An instance's dimensions; ``disrupted_share`` of the origins lose volume in each scenario."""

    origins: int
    elements: int = 17
    scenarios: int = 100
    seed: int = 0
    offers_per_origin: int = 4
    disrupted_share: float = 0.1

    def label(self) -> str:
        return f"o{self.origins}-e{self.elements}-k{self.scenarios}-s{self.seed}"


SIZES = {
    "tiny": Size(origins=12, elements=3, scenarios=6),
    "S": Size(origins=120, scenarios=400),
    "M": Size(origins=500, scenarios=1700),
    "L": Size(origins=1100, scenarios=3700),
    "XL": Size(origins=1900, scenarios=6000),
}
"""Named sizes: S about 50 thousand nonzeros, M 500 thousand, L 2 million, XL 5 million."""


def element_names(n: int) -> list[str]:
    return [RARE_EARTHS[i] if i < len(RARE_EARTHS) else f"E{i:03d}" for i in range(n)]


def generate(folder: str | Path, size: Size) -> Path:
    """Write ``supply``, ``demand``, ``caps``, ``scenarios``, ``disruptions`` and ``stockpile`` CSVs."""
    rng = np.random.default_rng(size.seed)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    n_o, n_e, n_k = size.origins, size.elements, size.scenarios
    elements = element_names(n_e)
    origins = [f"firm{i:05d}" for i in range(n_o)]

    # offers: each origin offers 1 .. 2*offers_per_origin - 1 elements (at most all of them)
    per_origin = np.minimum(rng.integers(1, 2 * size.offers_per_origin, n_o), n_e)
    offer_origin = np.repeat(np.arange(n_o), per_origin)
    offer_element = np.concatenate([rng.choice(n_e, k, replace=False) for k in per_origin])
    # every element gets at least four offers (from the first origins, if it has too few)
    extra_o, extra_e = [], []
    for e in range(n_e):
        have = set(offer_origin[offer_element == e].tolist())
        for o in range(n_o):
            if len(have) >= min(4, n_o):
                break
            if o not in have:
                have.add(o)
                extra_o.append(o)
                extra_e.append(e)
    offer_origin = np.concatenate([offer_origin, np.array(extra_o, dtype=int)])
    offer_element = np.concatenate([offer_element, np.array(extra_e, dtype=int)])
    n = len(offer_origin)
    base_cost = np.exp(rng.normal(3.0, 1.5, n_e))  # USD/kg, La-like to Tb-like
    unit_cost = np.round(base_cost[offer_element] * rng.uniform(0.8, 1.6, n), 3)
    capacity = np.round(rng.lognormal(4.0, 1.0, n), 1) + 1.0
    min_volume = np.where(rng.random(n) < 0.1, np.round(0.2 * capacity, 1), 0.0)
    supply = pd.DataFrame({
        "origin": np.array(origins)[offer_origin], "element": np.array(elements)[offer_element],
        "unit_cost": unit_cost, "capacity": capacity, "min_volume": min_volume,
    })

    cap_total = np.bincount(offer_element, weights=capacity, minlength=n_e)
    demand = pd.DataFrame({
        "element": elements,
        "demand": np.round(0.55 * cap_total, 1),
        "shortage_cost": np.round(base_cost * rng.uniform(3.0, 8.0, n_e), 3),
    })
    has_stock = rng.random(n_e) < 0.5
    stockpile = pd.DataFrame({"element": np.array(elements)[has_stock],
                              "stock": np.round(0.05 * demand["demand"].to_numpy()[has_stock], 1)})

    # caps: the largest tenth of origins at 25-40% of each element, a few per-element overrides
    by_size = np.argsort(-np.bincount(offer_origin, weights=capacity, minlength=n_o), kind="stable")
    capped = by_size[: max(1, n_o // 10)]
    caps = [{"origin": origins[o], "element": "*", "max_share": round(float(rng.uniform(0.25, 0.4)), 3)}
            for o in capped]
    for o in capped[: max(1, len(capped) // 3)]:
        offered = offer_element[offer_origin == o]
        caps.append({"origin": origins[o], "element": elements[int(offered[0])],
                     "max_share": round(float(rng.uniform(0.4, 0.6)), 3)})
    caps = pd.DataFrame(caps)

    names = [f"k{i:05d}" for i in range(n_k)]
    weights = rng.uniform(0.5, 1.5, n_k)
    probability = np.floor(0.3 * weights / weights.sum() * 1e12) / 1e12
    scenarios = pd.DataFrame({"scenario": names, "probability": probability,
                              "description": [f"sampled disruption {i}" for i in range(n_k)]})

    # disruptions: each scenario hits a tenth of the origins on every element ('*'); one in five
    # scenarios also lets one of them deliver one element in full (an exact row overriding '*')
    hit = max(1, int(round(size.disrupted_share * n_o)))
    rows_k = np.repeat(np.arange(n_k), hit)
    rows_o = np.concatenate([rng.choice(n_o, hit, replace=False) for _ in range(n_k)])
    avail = AVAILABILITIES[rng.integers(0, len(AVAILABILITIES), len(rows_k))]
    disruptions = pd.DataFrame({"scenario": np.array(names)[rows_k], "origin": np.array(origins)[rows_o],
                                "element": "*", "availability": avail})
    spared_k = np.flatnonzero(rng.random(n_k) < 0.2)
    first_o = rows_o[spared_k * hit]
    first_e = np.array([offer_element[offer_origin == o][0] for o in first_o], dtype=int)
    spared = pd.DataFrame({"scenario": np.array(names)[spared_k], "origin": np.array(origins)[first_o],
                           "element": np.array(elements)[first_e], "availability": 1.0})
    disruptions = pd.concat([disruptions, spared], ignore_index=True)

    tables = {"supply": supply, "demand": demand, "caps": caps, "scenarios": scenarios,
              "disruptions": disruptions, "stockpile": stockpile}
    for name, table in tables.items():
        table.to_csv(folder / f"{name}.csv", index=False, float_format="%.12g")
    return folder


def ensure(size: Size, root: str | Path) -> Path:
    """The folder for ``size`` under ``root``, generated unless it is already there."""
    folder = Path(root) / size.label()
    if not (folder / "disruptions.csv").is_file():
        tmp = folder.with_name(folder.name + ".tmp")
        generate(tmp, size)
        tmp.rename(folder)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=list(SIZES), help="a named size (overrides the numbers)")
    parser.add_argument("--origins", type=int, default=120)
    parser.add_argument("--elements", type=int, default=17)
    parser.add_argument("--scenarios", type=int, default=400)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    size = SIZES[args.size] if args.size else Size(args.origins, args.elements, args.scenarios, args.seed)
    print(generate(args.out, size))


if __name__ == "__main__":
    main()
