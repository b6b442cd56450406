"""How time and memory grow with scenarios and with origins; the log-log plot ``benchmarks/scaling.png``.

    python benchmarks/scaling.py                     # both series, then the plot
    python benchmarks/scaling.py --largest 2.0       # also time XL scaled by 2 in origins and scenarios

Series (17 elements, seed 0): scenarios 425 .. 13,600 at 500 origins; origins 125 .. 4,000 at 1,700
scenarios. Each point runs ``sourcing`` (load_inputs + solve) and the floor once, each in a fresh
process; the exponents are least-squares slopes of log(time) and log(peak memory) over the points.
``--largest F`` runs ``sourcing`` alone on Size(origins=1900 F, scenarios=6000 F), the XL family
scaled by F, to find the largest instance that solves within 10 minutes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

from benchmarks.generate import Size, ensure  # noqa: E402
from benchmarks.run import run_child  # noqa: E402

SCENARIOS = [425, 850, 1700, 3400, 6800, 13600]
ORIGINS = [125, 250, 500, 1000, 2000, 4000]


def measure(size: Size, out: Path, routes=("floor", "sourcing")) -> dict:
    t = time.perf_counter()
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from benchmarks.generate import Size, ensure; "
            "ensure(Size(origins=int(sys.argv[2]), scenarios=int(sys.argv[3])), sys.argv[4])")
    # in a child process, so that this one stays small (a child's peak memory starts from it)
    subprocess.run([sys.executable, "-c", code, str(HERE.parent), str(size.origins), str(size.scenarios), str(out)],
                   check=True)
    folder = ensure(size, out)
    generated = time.perf_counter() - t
    point = {"origins": size.origins, "scenarios": size.scenarios, "generate_s": generated}
    for route in routes:
        res = run_child(route, folder)
        point[route] = {k: res[k] for k in ("total", "solve", "read", "build", "handoff", "extract", "peak_mb")}
        point["nnz"] = res["nnz"]
        print(f"  o{size.origins:5d} k{size.scenarios:6d} {route:8s} nnz {res['nnz'] / 1e6:7.2f} M  "
              f"total {res['total']:8.2f} s  solve {res['solve']:8.2f} s  peak {res['peak_mb']:7.0f} MB",
              file=sys.stderr, flush=True)
    return point


def slope(x, y) -> float:
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


def plot(data: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullFormatter, ScalarFormatter

    fig, axes = plt.subplots(2, 2, figsize=(11, 8.5))
    for col, (series, axis, fixed) in enumerate((("by_scenarios", "scenarios", "500 origins"),
                                                 ("by_origins", "origins", "1,700 scenarios"))):
        points = data[series]
        x = np.array([p[axis] for p in points])
        ax = axes[0, col]
        for route, style in (("sourcing", "o-"), ("floor", "s--")):
            total = np.array([p[route]["total"] for p in points])
            ax.loglog(x, total, style, label=f"{route} total (slope {slope(x, total):.2f})")
        solve = np.array([p["sourcing"]["solve"] for p in points])
        ax.loglog(x, solve, "^:", label=f"HiGHS solve (slope {slope(x, solve):.2f})")
        ax.set_title(f"time vs {axis} ({fixed}, 17 elements)")
        ax.set_xlabel(axis)
        ax.set_ylabel("seconds")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
        ax = axes[1, col]
        for route, style in (("sourcing", "o-"), ("floor", "s--")):
            mem = np.array([p[route]["peak_mb"] for p in points])
            ax.loglog(x, mem, style, label=f"{route} peak RSS (slope {slope(x, mem):.2f})")
        nnz = np.array([p["nnz"] for p in points]) / 1e6
        ax2 = ax.twinx()
        ax2.loglog(x, nnz, "x:", color="grey", label="nonzeros (M)")
        ax2.set_ylabel("nonzeros, millions")
        ax.set_title(f"peak memory vs {axis}")
        ax.set_xlabel(axis)
        ax.set_ylabel("MB")
        ax.grid(True, which="both", alpha=0.3)
        lines = ax.get_legend_handles_labels()
        extra = ax2.get_legend_handles_labels()
        ax.legend(lines[0] + extra[0], lines[1] + extra[1], fontsize=8)
    for ax in axes.flat:
        ax.xaxis.set_major_formatter(ScalarFormatter())
        ax.xaxis.set_minor_formatter(NullFormatter())
    fig.suptitle(f"sourcing vs floor (numpy/scipy -> highspy), {data['when']}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description="Scaling of sourcing with scenarios and origins.")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--largest", type=float, nargs="*", default=[],
                        help="factors F: also run sourcing on the XL family scaled by F")
    parser.add_argument("--plot-only", action="store_true", help="redraw the plot from out/scaling.json")
    args = parser.parse_args()
    store = args.out / "scaling.json"
    if args.plot_only:
        data = json.loads(store.read_text())
    else:
        data = {"when": time.strftime("%Y-%m-%d %H:%M %Z")}
        data["by_scenarios"] = [measure(Size(origins=500, scenarios=k), args.out) for k in SCENARIOS]
        data["by_origins"] = [measure(Size(origins=o, scenarios=1700), args.out) for o in ORIGINS]
        data["largest"] = []
        for f in args.largest:
            size = Size(origins=int(round(1900 * f)), scenarios=int(round(6000 * f)))
            data["largest"].append({"factor": f, **measure(size, args.out, routes=("sourcing",))})
        args.out.mkdir(parents=True, exist_ok=True)
        store.write_text(json.dumps(data, indent=1))
    plot(data, HERE / "scaling.png")
    for series, axis in (("by_scenarios", "scenarios"), ("by_origins", "origins")):
        points = data[series]
        x = [p[axis] for p in points]
        for route in ("sourcing", "floor"):
            print(f"{series}: {route} time ~ {axis}^{slope(x, [p[route]['total'] for p in points]):.2f}, "
                  f"peak memory ~ {axis}^{slope(x, [p[route]['peak_mb'] for p in points]):.2f}")
    for p in data.get("largest", []):
        s = p["sourcing"]
        print(f"XL x {p['factor']}: {p['origins']} origins, {p['scenarios']} scenarios, {p['nnz'] / 1e6:.1f} M nnz: "
              f"{s['total']:.0f} s (solve {s['solve']:.0f} s), peak {s['peak_mb'] / 1024:.1f} GB")


if __name__ == "__main__":
    main()
