"""Time `sourcing sweep` (one model, warm re-solves) against rebuilding the model at every point.

    python benchmarks/sweep_bench.py [--repeats 5] [--large-repeats 3] [--skip-large]

Routes, each over the same grid of one cap x risk weights, in one warm process (imports excluded):

- ``sweep``: :func:`sourcing.sweep.run_sweep`, serial: build and compile once, then per point
  ``changeCoeff`` on the cap rows and a warm re-run of HiGHS (plus a second warm run at
  max_share - 1e-7 for the marginal cost where it matters);
- ``rebuild``: per point ``build_model`` + ``compile_model`` + ``passModel`` + a cold HiGHS run
  + ``extract`` (what a loop over :func:`sourcing.solve` costs without its infeasibility report);
- ``solve()``: per point :func:`sourcing.solve`, as a user's script would call it (an infeasible
  point also pays for the LP-based explanation of why);
- ``sweep, 2 workers`` (on a longer sweep of the large instance): two spawned processes, their
  start-up (imports, one model build each) included.

Prints medians of ``--repeats`` runs (first run discarded as warm-up), the ratios, and the mean
HiGHS simplex iterations per point; writes them to ``benchmarks/out/sweep.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from sourcing import InfeasibleError, RiskOptions, bundled_inputs, load_inputs, solve
from sourcing import sweep as sweep_module
from sourcing.extract import extract
from sourcing.highs import compile_model, new_highs, pass_model, run_highs
from sourcing.model import build_model
from sourcing.sweep import parse_values, run_sweep

OUT = Path(__file__).resolve().parent / "out"


def generate(folder: Path, origins: int = 200, elements: int = 20, scenarios: int = 100, seed: int = 0) -> Path:
    """A larger random instance: every element offered by about half the origins, O000 cheapest
    but most often disrupted; each scenario cuts about a fifth of the origins."""
    rng = np.random.default_rng(seed)
    names = [f"O{i:03d}" for i in range(origins)]
    els = [f"E{j:02d}" for j in range(elements)]
    supply = []
    for e in els:
        offered = [0] + sorted(rng.choice(np.arange(1, origins), origins // 2, replace=False).tolist())
        for i in offered:
            supply.append({"origin": names[i], "element": e,
                           "unit_cost": round(10 + (0 if i == 0 else rng.uniform(2, 30)), 2),
                           "capacity": round(float(rng.uniform(50, 400)) if i else 5000.0, 1),
                           "min_volume": 0})
    demand = [{"element": e, "demand": round(float(rng.uniform(500, 2000)), 1),
               "shortage_cost": round(float(rng.uniform(50, 400)), 1)} for e in els]
    scen = [{"scenario": f"S{k:03d}", "probability": 0.5 / scenarios} for k in range(scenarios)]
    dis = []
    for k in range(scenarios):
        hit = {0} if rng.random() < 0.3 else set()
        hit |= set(rng.choice(np.arange(1, origins), origins // 5, replace=False).tolist())
        for i in sorted(hit):
            dis.append({"scenario": f"S{k:03d}", "origin": names[i], "element": "*",
                        "availability": round(float(rng.uniform(0, 0.9)), 2)})
    stock = [{"element": e, "stock": round(float(rng.uniform(0, 200)), 1)} for e in els]
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in [("supply", supply), ("demand", demand), ("scenarios", scen), ("disruptions", dis),
                       ("stockpile", stock)]:
        pd.DataFrame(rows).to_csv(folder / f"{name}.csv", index=False)
    return folder


def points(shares, risk_weights):
    return [(s, r) for r in risk_weights for s in shares]


def route_sweep(data, target, shares, risk_weights, workers=1):
    run_sweep(data, target, shares, risk_weights=risk_weights, workers=workers)


def route_rebuild(data, target, shares, risk_weights):
    for s, r in points(shares, risk_weights):
        options = RiskOptions(r)
        capped = data.with_caps({target: s})
        compiled = compile_model(build_model(capped, options))
        highs = new_highs()
        pass_model(highs, compiled)
        raw = run_highs(highs)
        if raw.status == "optimal":
            extract(capped, options, compiled, raw)


def route_solve(data, target, shares, risk_weights):
    for s, r in points(shares, risk_weights):
        try:
            solve(data.with_caps({target: s}), RiskOptions(r))
        except InfeasibleError:
            pass


def timed(fn, repeats: int) -> list[float]:
    fn()  # warm-up: imports, caches
    out = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def iterations(data, target, shares, risk_weights) -> tuple[float, float]:
    """Mean simplex iterations per point: sweep (warm, probes included) and rebuild (cold)."""
    counts = []
    original = sweep_module.Resolver._run

    def counting(self):
        raw = original(self)
        counts.append(raw.iterations)
        return raw

    sweep_module.Resolver._run = counting
    try:
        run_sweep(data, target, shares, risk_weights=risk_weights)
    finally:
        sweep_module.Resolver._run = original
    n = len(points(shares, risk_weights))
    cold = []
    for s, r in points(shares, risk_weights)[:: max(1, n // 20)]:
        highs = new_highs()
        pass_model(highs, compile_model(build_model(data.with_caps({target: s}), RiskOptions(r))))
        cold.append(run_highs(highs).iterations)
    return sum(counts) / n, float(np.mean(cold))


def bench(name, data, target, shares, risk_weights, repeats, routes) -> dict:
    n = len(points(shares, risk_weights))
    compiled = compile_model(build_model(data.with_caps({target: 0.5}), RiskOptions(1.0)))
    row = {"instance": name, "points": n, "nnz": int(compiled.matrix.nnz),
           "rows": int(compiled.matrix.shape[0]), "columns": int(compiled.matrix.shape[1]), "times": {}}
    for label, fn in routes.items():
        times = timed(lambda fn=fn: fn(data, target, shares, risk_weights), repeats)
        row["times"][label] = {"median_s": statistics.median(times), "runs": times}
        print(f"  {name:8s} {label:18s} median {statistics.median(times):8.3f} s over {repeats} runs "
              f"({1000 * statistics.median(times) / n:.2f} ms a point)", flush=True)
    if "rebuild" in routes:
        warm, cold = iterations(data, target, shares, risk_weights)
        row["iterations_per_point"] = {"sweep": warm, "rebuild": cold}
    base = row["times"]["sweep"]["median_s"]
    row["ratio_to_sweep"] = {k: v["median_s"] / base for k, v in row["times"].items()}
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--large-repeats", type=int, default=3)
    parser.add_argument("--skip-large", action="store_true")
    args = parser.parse_args()
    rows = []
    bundled = load_inputs(bundled_inputs())
    shares = parse_values("1.0:0.3:0.01", "--cap")
    print("bundled data: China 1.0:0.3:0.01 x risk weights 0, 1, 2", flush=True)
    rows.append(bench("bundled", bundled, "China", shares, (0.0, 1.0, 2.0), args.repeats,
                      {"sweep": route_sweep, "rebuild": route_rebuild, "solve()": route_solve}))
    if not args.skip_large:
        with tempfile.TemporaryDirectory() as tmp:
            large = load_inputs(generate(Path(tmp) / "large"))
            grid = parse_values("1.0:0.3:0.05", "--cap")
            print("generated: 200 origins x 20 elements x 100 scenarios; O000 1.0:0.3:0.05 x risk weights 0, 1",
                  flush=True)
            rows.append(bench("large", large, "O000", grid, (0.0, 1.0), args.large_repeats,
                              {"sweep": route_sweep, "rebuild": route_rebuild}))
            fine = parse_values("1.0:0.3:0.01", "--cap")
            print("generated, longer sweep: O000 1.0:0.3:0.01 x risk weights 0, 1 (local workers)", flush=True)
            rows.append(bench("large, long", large, "O000", fine, (0.0, 1.0), args.large_repeats,
                              {"sweep": route_sweep, "sweep, 2 workers": lambda *a: route_sweep(*a, workers=2)}))
    print()
    print("| instance | points | nnz | route | median | per point | / sweep | iterations a point |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        for label, t in row["times"].items():
            it = row.get("iterations_per_point", {}).get(label)
            it = f"{it:.1f}" if it is not None else ""
            print(f"| {row['instance']} | {row['points']} | {row['nnz']:,} | {label} | {t['median_s']:.3f} s | "
                  f"{1000 * t['median_s'] / row['points']:.2f} ms | {row['ratio_to_sweep'][label]:.1f} | {it} |")
    OUT.mkdir(exist_ok=True)
    (OUT / "sweep.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
