"""Benchmark ``sourcing plan`` against its floor (``benchmarks/plan_floor.py``: the same LP built with
numpy/scipy and passed to highspy).

    python benchmarks/plan_run.py --cases M10x5,XLtree --repeat 3
    python benchmarks/plan_run.py --growth --no-cli

For each case (``benchmarks/plan_generate.py``) every route runs ``--repeat`` times, each run in a
fresh process, the routes in turn within a round; per route the median of each phase, of the total
(imports excluded) and of the peak resident memory, and the median over rounds of the ratio to the
floor. Routes: ``floor``; ``sourcing`` (``load_inputs`` + ``plan``: what ``sourcing plan`` runs);
``pyomo`` (``build_plan_model`` + ``plan(model=...)``: the model a user inspects or extends).
``--growth`` times one run of floor and sourcing on trees of 31 to 601 paths (30 years, 1 to 20
events) and fits time ~ paths^b. ``--sampled 1000,10000`` runs both on the XLtree horizon with
independent events (the default tree) on that many sampled paths: time and memory against the
floor, the time to build the tree against the solve, and the growth in paths. The CLI line times
``sourcing plan --years 2026:2035 --format json``
on the bundled data, whole process, against a bare import of the libraries it loads.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.plan_generate import PLAN_SIZES, PlanSize, ensure_plan  # noqa: E402
from benchmarks.run import cli_command, machine, peak_mb, wall  # noqa: E402

PHASES = ("read", "build", "handoff", "solve", "extract")


def child(route: str, folder: str, paths: int = 0) -> dict:
    """One run; ``paths`` > 0: independent events on a tree of that many sampled paths (seed 0),
    else the one-event tree."""
    t0 = time.perf_counter()
    timings: dict = {}
    tree = {"events": "independent", "paths": paths, "seed": 0} if paths else {"events": "first"}
    if route == "floor":
        from benchmarks import plan_floor

        imported = time.perf_counter()
        out = plan_floor.solve(folder, timings=timings, events_model=tree["events"], paths=paths or 1000)
        objective, nnz, paths = out["objective"], out["nnz"], out["paths"]
    else:
        from sourcing import build_plan_model, load_inputs, plan

        imported = time.perf_counter()
        data = load_inputs(folder)
        timings["read"] = time.perf_counter() - imported
        start = time.perf_counter()
        model = build_plan_model(data, **tree) if route == "pyomo" else None
        built = time.perf_counter() - start
        stats: dict = {}
        result = plan(data, model=model, stats=stats, **tree)
        timings.update(build=stats["horizon"] + stats["tree"] + stats["build"] + built, handoff=stats["handoff"],
                       solve=stats["solve"], extract=stats["extract"], tree=stats["tree"])
        objective, nnz, paths = result.objective, stats["nnz"], stats["paths"]
    done = time.perf_counter()
    return {"route": route, "import": imported - t0, **{p: timings.get(p, 0.0) for p in (*PHASES, "tree")},
            "total": done - imported, "peak_mb": peak_mb(), "objective": objective, "nnz": nnz, "paths": paths}


def run_child(route: str, folder: Path, paths: int = 0) -> dict:
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", route, str(folder), str(paths)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{route} on {folder} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def summarize(case: str, runs: dict[str, list[dict]]) -> list[dict]:
    base = runs["floor"]
    out = []
    for route, rows in runs.items():
        out.append({
            "case": case, "route": route, "paths": rows[0]["paths"], "nnz": rows[0]["nnz"],
            **{p: statistics.median(r[p] for r in rows) for p in (*PHASES, "total", "peak_mb")},
            "ratio": statistics.median(r["total"] / f["total"] for r, f in zip(rows, base)),
            "mem_ratio": statistics.median(r["peak_mb"] / f["peak_mb"] for r, f in zip(rows, base)),
            "objective": rows[0]["objective"],
        })
    return out


def table(rows: list[dict]) -> str:
    lines = ["| case | route | paths | nnz | read s | build s | hand-off s | solve s | extract s | total s | / floor "
             "| peak MB | / floor |", "|" + "---|" * 13]
    for r in rows:
        lines.append(f"| {r['case']} | {r['route']} | {r['paths']} | {r['nnz'] / 1e6:.2f} M | {r['read']:.3f} "
                     f"| {r['build']:.3f} | {r['handoff']:.3f} | {r['solve']:.3f} | {r['extract']:.3f} "
                     f"| {r['total']:.3f} | {r['ratio']:.2f} | {r['peak_mb']:.0f} | {r['mem_ratio']:.2f} |")
    return "\n".join(lines)


def check(case: str, rows: list[dict]) -> None:
    base = rows[0]["objective"]
    for r in rows[1:]:
        if abs(r["objective"] - base) > 1e-7 * max(1.0, abs(base)):
            raise SystemExit(f"{case}: {r['route']} objective {r['objective']} differs from the floor's {base}")


def growth(out: Path) -> list[dict]:
    """One run of floor and sourcing per tree size; time and nnz against the number of paths."""
    rows = []
    for events in (1, 2, 5, 10, 20):
        size = replace(PLAN_SIZES["XLtree"], events=events)
        folder = ensure_plan(size, out)
        f, s = run_child("floor", folder), run_child("sourcing", folder)
        check(size.label(), [f, s])
        rows.append({"paths": s["paths"], "nnz": s["nnz"], "floor": f["total"], "sourcing": s["total"],
                     "ratio": s["total"] / f["total"], "floor_mb": f["peak_mb"], "sourcing_mb": s["peak_mb"]})
        print(f"  {s['paths']:4d} paths, {s['nnz'] / 1e6:.2f} M nnz: floor {f['total']:.2f} s, sourcing "
              f"{s['total']:.2f} s ({s['total'] / f['total']:.2f} x)", file=sys.stderr, flush=True)
    return rows


def sampled(sizes: list[int], out: Path) -> list[dict]:
    """One run of floor and sourcing on the XLtree horizon (30 years, 20 events, 12 origins) with
    independent events on trees of the given numbers of sampled paths."""
    folder = ensure_plan(PLAN_SIZES["XLtree"], out)
    rows = []
    for size in sizes:
        f, s = run_child("floor", folder, size), run_child("sourcing", folder, size)
        check(f"XLtree sampled {size}", [f, s])
        rows.append({"sample": size, "paths": s["paths"], "nnz": s["nnz"], "floor": f["total"], "sourcing": s["total"],
                     "ratio": s["total"] / f["total"], "floor_mb": f["peak_mb"], "sourcing_mb": s["peak_mb"],
                     "mem_ratio": s["peak_mb"] / f["peak_mb"], "tree": s["tree"], "solve": s["solve"]})
        print(f"  {size} sampled ({s['paths']} distinct), {s['nnz'] / 1e6:.2f} M nnz: floor {f['total']:.2f} s, "
              f"sourcing {s['total']:.2f} s ({s['total'] / f['total']:.2f} x), tree {s['tree']:.3f} s, "
              f"solve {s['solve']:.2f} s", file=sys.stderr, flush=True)
    return rows


def slope(x: list[float], y: list[float]) -> float:
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


def cli_times(repeat: int) -> dict:
    imports = "import click, highspy, numpy, pandas, scipy.sparse"
    rounds = []
    for _ in range(repeat):
        imp = wall([sys.executable, "-c", imports], 1)
        t = wall([*cli_command(), "plan", "--years", "2026:2035", "--format", "json"], 1)
        rounds.append((imp, t, t / imp))
    return {"imports": statistics.median(r[0] for r in rounds), "plan": statistics.median(r[1] for r in rounds),
            "ratio": statistics.median(r[2] for r in rounds)}


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default="M10x5,XLtree", help="comma-separated: " + ",".join(PLAN_SIZES))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--routes", default="floor,sourcing", help="floor (always), sourcing, pyomo")
    parser.add_argument("--growth", action="store_true", help="also time trees of 31 to 601 paths")
    parser.add_argument("--no-cli", action="store_true", help="skip the CLI timing on the bundled data")
    parser.add_argument("--sampled", default="", metavar="N,N,...",
                        help="also run floor and sourcing on XLtree with independent events, N sampled paths each")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()
    routes = ["floor"] + [r for r in args.routes.split(",") if r and r != "floor"]
    print(f"# {time.strftime('%Y-%m-%d %H:%M %Z')}; {machine()}", flush=True)
    result: dict = {"when": time.strftime("%Y-%m-%d %H:%M %Z"), "machine": machine(), "rows": []}
    for case in filter(None, args.cases.split(",")):
        size: PlanSize = PLAN_SIZES[case]
        folder = ensure_plan(size, args.out)
        runs: dict[str, list[dict]] = {r: [] for r in routes}
        for i in range(args.repeat):
            for route in routes:
                res = run_child(route, folder)
                runs[route].append(res)
                print(f"  {case} round {i + 1} {route:9s} total {res['total']:8.3f} s  peak {res['peak_mb']:7.0f} MB",
                      file=sys.stderr, flush=True)
        rows = summarize(case, runs)
        check(case, rows)
        result["rows"] += rows
        print(table(rows), flush=True)
    if args.growth:
        rows = growth(args.out)
        paths = [r["paths"] for r in rows]
        result["growth"] = {"rows": rows, "floor_slope": slope(paths, [r["floor"] for r in rows]),
                            "sourcing_slope": slope(paths, [r["sourcing"] for r in rows]),
                            "nnz_slope": slope(paths, [r["nnz"] for r in rows])}
        g = result["growth"]
        print("| paths | nnz | floor s | sourcing s | / floor | floor MB | sourcing MB |")
        print("|---|---|---|---|---|---|---|")
        for r in rows:
            print(f"| {r['paths']} | {r['nnz'] / 1e6:.2f} M | {r['floor']:.2f} | {r['sourcing']:.2f} "
                  f"| {r['ratio']:.2f} | {r['floor_mb']:.0f} | {r['sourcing_mb']:.0f} |")
        print(f"time ~ paths^{g['sourcing_slope']:.2f} (sourcing), ^{g['floor_slope']:.2f} (floor); "
              f"nnz ~ paths^{g['nnz_slope']:.2f}")
    if args.sampled:
        rows = sampled([int(x) for x in args.sampled.split(",") if x], args.out)
        result["sampled"] = {"rows": rows}
        print("| sampled paths | distinct | nnz | floor s | sourcing s | / floor | floor MB | sourcing MB | / floor "
              "| tree s | solve s | tree / solve |")
        print("|" + "---|" * 12)
        for r in rows:
            print(f"| {r['sample']} | {r['paths']} | {r['nnz'] / 1e6:.2f} M | {r['floor']:.2f} | {r['sourcing']:.2f} "
                  f"| {r['ratio']:.2f} | {r['floor_mb']:.0f} | {r['sourcing_mb']:.0f} | {r['mem_ratio']:.2f} "
                  f"| {r['tree']:.3f} | {r['solve']:.2f} | {r['tree'] / r['solve']:.4f} |")
        if len(rows) > 1:
            paths = [r["paths"] for r in rows]
            result["sampled"].update(sourcing_slope=slope(paths, [r["sourcing"] for r in rows]),
                                     floor_slope=slope(paths, [r["floor"] for r in rows]))
            print(f"time ~ paths^{result['sampled']['sourcing_slope']:.2f} (sourcing), "
                  f"^{result['sampled']['floor_slope']:.2f} (floor)")
    if not args.no_cli:
        cli = cli_times(max(5, args.repeat))
        result["cli"] = cli
        print(f"sourcing plan --years 2026:2035 --format json (bundled, whole process): {cli['plan']:.3f} s = "
              f"{cli['ratio']:.2f} x a bare `{'import click, highspy, numpy, pandas, scipy.sparse'}` "
              f"({cli['imports']:.3f} s)")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "plan-results.json").write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
