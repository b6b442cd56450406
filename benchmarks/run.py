"""Benchmark ``sourcing`` against the floor (the same LP built with numpy/scipy and passed to highspy).

    python benchmarks/run.py --sizes S,M,L,XL --repeat 3

For each size it generates the inputs once (under ``benchmarks/out/``, seeded), then runs every route
``--repeat`` times, each run in a fresh process and the routes in turn within a round, so that
ratios are taken within the same round on this shared, noisy machine. Per route it reports the
median time of each phase (read inputs, build, hand to HiGHS, solve, extract), the total, the peak
resident memory of the process, and the median over rounds of the ratio to the floor's total.

Routes:
    floor     numpy/scipy CSC -> highspy passModel (``benchmarks/floor.py``)
    sourcing  ``sourcing.load_inputs`` + ``sourcing.solve`` (what ``sourcing solve`` runs)
    pyomo     ``sourcing.load_inputs`` + ``build_model`` + standard-form compiler + highspy: the
              Pyomo model a user inspects or extends, solved through ``solve(..., model=...)``
    dense     the floor on the contract's dense formulation (every offer in every scenario row)

It also times the CLI: ``sourcing --help``, and ``sourcing solve`` on the bundled data against a bare
import of the libraries that command loads; and a sweep point: one cap changed and re-solved.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PHASES = ("read", "build", "handoff", "solve", "extract")


# ----------------------------------------------------------------------------------------------
# one route, in this (fresh) process


def child(route: str, folder: str) -> dict:
    """Run ``route`` once on ``folder``; return phase times, total, peak memory and the optimum."""
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    if route in ("floor", "dense"):
        from benchmarks import floor

        imported = time.perf_counter()
        out = floor.solve(folder, formulation="dense" if route == "dense" else "sparse", timings=timings)
        objective, nnz = out["objective"], out["nnz"]
    else:
        from sourcing.data import load_inputs
        from sourcing.solver import solve

        if route == "pyomo":
            from sourcing.model import build_model
        imported = time.perf_counter()
        data = load_inputs(folder)
        timings["read"] = time.perf_counter() - imported
        start = time.perf_counter()
        model = build_model(data) if route == "pyomo" else None
        built = time.perf_counter() - start
        result = solve(data, model=model, stats=timings)
        timings["build"] += built
        objective, nnz = result.objective, timings["nnz"]
    done = time.perf_counter()
    return {
        "route": route,
        "import": imported - t0,
        **{p: timings.get(p, 0.0) for p in PHASES},
        "total": done - imported,
        "peak_mb": peak_mb(),
        "objective": objective,
        "nnz": nnz,
    }


SWEEP_SHARES = [round(0.40 - 0.015 * i, 4) for i in range(21)]
"""The swept values of the largest origin's cap: 40% down to 10%."""


def sweep_child(route: str, folder: str) -> dict:
    """Sweep the first cap of caps.csv (the largest origin's) over SWEEP_SHARES; per-point times.

    floor: one highspy model, ``changeCoeff`` on the cap rows, ``run`` (warm), read the solution
    and extract the floor's tables. sourcing: ``sourcing sweep``'s ``Resolver`` on one chunk (what
    ``sourcing.run_sweep`` does per point: ``changeCoeff``, a warm run, the point's figures, and a
    second warm run a hair tighter for the marginal cost at kinks). The first point (cold) is left
    out of the per-point median; the one-off build is reported apart.
    """
    import pandas as pd

    origin = pd.read_csv(Path(folder) / "caps.csv")["origin"].iloc[0]
    times, objectives = [], []
    t0 = time.perf_counter()
    if route == "floor":
        from benchmarks import floor

        lp = floor.build(floor.read(folder))
        h = floor.pass_to_highs(lp)
        mine = lp.offers["origin"].to_numpy()[lp.caps["offer"].to_numpy()] == origin
        rows = lp.layout["cap"] + np.flatnonzero(mine)
        e_of = pd.Index(lp.elements["element"]).get_indexer(lp.offers["element"])
        cols = lp.layout["c_X"] + e_of[lp.caps["offer"].to_numpy()[mine]]
        setup = time.perf_counter() - t0
        for share in SWEEP_SHARES:
            t = time.perf_counter()
            for row, col in zip(rows, cols):
                h.changeCoeff(int(row), int(col), -share)
            floor.run(h)
            out = floor.extract(h, lp)
            times.append(time.perf_counter() - t)
            objectives.append(out["objective"])
    else:
        from sourcing.data import load_inputs
        from sourcing.sweep import Resolver, plan_sweep

        plan = plan_sweep(load_inputs(folder), origin, SWEEP_SHARES, chunk_size=len(SWEEP_SHARES))
        resolver = Resolver(plan)
        setup = time.perf_counter() - t0
        t = time.perf_counter()
        for _, row in resolver.solve_chunk(plan.chunks()[0]):
            times.append(time.perf_counter() - t)
            objectives.append(float(row.figures[0]))
            t = time.perf_counter()
    return {"route": route, "point": statistics.median(times[1:]), "first": times[0], "setup": setup,
            "objectives": objectives}


def peak_mb() -> float:
    """This process's peak resident memory, MB. VmHWM on Linux (ru_maxrss survives exec, so it
    would report the parent's peak if that was higher)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(route: str, folder: Path, mode: str = "--child") -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), mode, route, str(folder)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{route} on {folder} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------------------------
# the CLI and sweep measurements


def wall(cmd: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def cli_command() -> list[str]:
    script = Path(sys.executable).with_name("sourcing")
    return [str(script)] if script.exists() else [sys.executable, "-m", "sourcing.cli"]


def solve_dependencies() -> list[str]:
    """The third-party packages ``sourcing solve`` has loaded once it is done."""
    code = (
        "import sys, io, contextlib\n"
        "from sourcing.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['solve', '--format', 'json'], standalone_mode=False)\n"
        "tops = {m.split('.')[0] for m in sys.modules}\n"
        "print(' '.join(sorted(t for t in tops if t in ('pandas', 'numpy', 'scipy', 'highspy', 'pyomo', 'click'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return out.split()


def cli_times(repeat: int) -> dict:
    deps = solve_dependencies()
    imports = "import " + ", ".join(deps)
    if "scipy" in deps:
        imports += "; import scipy.sparse"
    rounds = []
    for _ in range(repeat):
        help_t = wall([*cli_command(), "--help"], 1)
        imp = wall([sys.executable, "-c", imports], 1)
        solve_t = wall([*cli_command(), "solve", "--format", "json"], 1)
        rounds.append((help_t, imp, solve_t, solve_t / imp))
    med = [statistics.median(r[i] for r in rounds) for i in range(4)]
    return {"help": med[0], "imports": med[1], "solve": med[2], "solve_over_imports": med[3],
            "dependencies": deps}


# ----------------------------------------------------------------------------------------------
# the table


def median(rows: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def summarize(size: str, runs: dict[str, list[dict]]) -> list[dict]:
    floor_runs = runs["floor"]
    out = []
    for route, rows in runs.items():
        ratio = statistics.median(r["total"] / f["total"] for r, f in zip(rows, floor_runs))
        mem_ratio = statistics.median(r["peak_mb"] / f["peak_mb"] for r, f in zip(rows, floor_runs))
        out.append({
            "size": size, "route": route, "nnz": rows[0]["nnz"], "import": median(rows, "import"),
            **{p: median(rows, p) for p in PHASES}, "total": median(rows, "total"), "ratio": ratio,
            "peak_mb": median(rows, "peak_mb"), "mem_ratio": mem_ratio,
            "objective": rows[0]["objective"],
        })
    return out


def table(rows: list[dict]) -> str:
    head = ("| size | route | nnz | read s | build s | hand-off s | solve s | extract s | total s | / floor "
            "| peak MB | / floor |")
    lines = [head, "|" + "---|" * 12]
    for r in rows:
        nnz = f"{r['nnz'] / 1e6:.2f} M" if r["nnz"] else "-"
        lines.append(
            f"| {r['size']} | {r['route']} | {nnz} | {r['read']:.3f} | {r['build']:.3f} | {r['handoff']:.3f} "
            f"| {r['solve']:.3f} | {r['extract']:.3f} | {r['total']:.3f} | {r['ratio']:.2f} "
            f"| {r['peak_mb']:.0f} | {r['mem_ratio']:.2f} |"
        )
    return "\n".join(lines)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    from importlib.metadata import version

    libs = ", ".join(f"{p} {version(p)}" for p in ("highspy", "pyomo", "pandas", "numpy", "scipy"))
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB; Python {platform.python_version()}; {libs}"


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] in ("--child", "--sweep-child"):
        work = child if sys.argv[1] == "--child" else sweep_child
        print(json.dumps(work(sys.argv[2], sys.argv[3])))
        return
    from benchmarks.generate import SIZES, ensure

    parser = argparse.ArgumentParser(description="Benchmark sourcing against the numpy/highspy floor.")
    parser.add_argument("--sizes", default="S,M,L,XL", help="comma-separated: " + ",".join(SIZES))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--routes", default="floor,sourcing,pyomo",
                        help="comma-separated: floor (always run), sourcing, pyomo, dense")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--no-cli", action="store_true", help="skip the CLI timings")
    parser.add_argument("--sweep-sizes", default="S,M", help="sizes at which to time a sweep point ('' for none)")
    args = parser.parse_args()
    routes = ["floor"] + [r for r in args.routes.split(",") if r and r != "floor"]

    print(f"# {time.strftime('%Y-%m-%d %H:%M %Z')}; {machine()}", flush=True)
    summary = []
    for size in args.sizes.split(","):
        folder = ensure(SIZES[size], args.out)
        runs: dict[str, list[dict]] = {r: [] for r in routes}
        for i in range(args.repeat):
            for route in routes:
                res = run_child(route, folder)
                runs[route].append(res)
                print(f"  {size} round {i + 1} {route:9s} total {res['total']:8.3f} s  peak {res['peak_mb']:7.0f} MB",
                      file=sys.stderr, flush=True)
        rows = summarize(size, runs)
        base = rows[0]["objective"]
        for r in rows[1:]:
            if abs(r["objective"] - base) > 1e-7 * max(1.0, abs(base)):
                raise SystemExit(f"{size}: {r['route']} objective {r['objective']} differs from floor {base}")
        summary += rows
        print(table(rows), flush=True)
    print()
    print(table(summary))
    result = {"when": time.strftime("%Y-%m-%d %H:%M %Z"), "machine": machine(), "rows": summary}
    if not args.no_cli:
        cli = cli_times(max(5, args.repeat))
        result["cli"] = cli
        print(f"\nsourcing --help: {cli['help']:.3f} s; sourcing solve (bundled data): {cli['solve']:.3f} s "
              f"= {cli['solve_over_imports']:.2f} x a bare `import {', '.join(cli['dependencies'])}` "
              f"({cli['imports']:.3f} s)")
    sweeps = []
    for size in filter(None, args.sweep_sizes.split(",")):
        folder = ensure(SIZES[size], args.out)
        rounds = [(run_child("floor", folder, "--sweep-child"), run_child("sourcing", folder, "--sweep-child"))
                  for _ in range(args.repeat)]
        for f, m in rounds:
            if not np.allclose(f["objectives"], m["objectives"], rtol=1e-7):
                raise SystemExit(f"{size}: sweep objectives differ between floor and sourcing")
        sweeps.append({"size": size, "points": len(SWEEP_SHARES) - 1,
                       "floor": statistics.median(f["point"] for f, _ in rounds),
                       "sourcing": statistics.median(m["point"] for _, m in rounds),
                       "ratio": statistics.median(m["point"] / f["point"] for f, m in rounds),
                       "floor_setup": statistics.median(f["setup"] for f, _ in rounds),
                       "sourcing_setup": statistics.median(m["setup"] for _, m in rounds)})
        w = sweeps[-1]
        print(f"sweep point at {size} (median of {w['points']} warm points, {args.repeat} rounds): floor "
              f"{w['floor'] * 1e3:.1f} ms, sourcing sweep {w['sourcing'] * 1e3:.1f} ms, ratio {w['ratio']:.2f}; "
              f"one-off setup {w['floor_setup']:.2f} s and {w['sourcing_setup']:.2f} s", flush=True)
    result["sweeps"] = sweeps
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
