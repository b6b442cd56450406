"""Where each method pays on sampled decade trees: the extensive form, progressive hedging on 1
and 2 MPI ranks, and replications on 1 and 2 Dask workers (benchmarks/README.md, "Past one
machine").

Every measurement is a fresh process (time: wall clock of the solve, imports excluded where the
process reports it; memory: the process's peak resident set, VmHWM, summed over ranks or workers
where there are several). Usage:

    python benchmarks/scale_bench.py --paths 500,1000,2000 --ph-paths 500 --ph-limit 240 \
        --replications 3 --out benchmarks/out/scale.json

PH runs under ``mpiexec -n K`` (openmpi; as root it needs OMPI_ALLOW_RUN_AS_ROOT=1 and
OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1, which this script sets) with ``--ph-gap`` (default 1e-4) and
``--time-limit``; the hub's progress lines on stderr give the iteration and second at which the gap
first reached 1e-2, 1e-3 and 1e-4; a run that stops at the limit reports the gap it reached.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

YEARS = "2026:2035"
EF = """
import json, resource, sys, time
import sourcing
from sourcing.multiyear.api import plan
data = sourcing.load_inputs(sourcing.bundled_inputs())
stats = {}
t = time.perf_counter()
r = plan(data, (2026, 2035), paths=int(sys.argv[1]), stats=stats)
seconds = time.perf_counter() - t
peak = int(open('/proc/self/status').read().split('VmHWM:')[1].split()[0]) / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "objective": r.objective, "paths": r.tree["paths"],
                  "nnz": stats["nnz"], "rows": stats["rows"], "columns": stats["columns"]}))
"""
REPLICATE = """
import json, sys, time
import sourcing
from sourcing.replications import replicate
data = sourcing.load_inputs(sourcing.bundled_inputs())
paths, count, workers = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
scheduler = None
if workers >= 1:  # a LocalCluster of that many workers
    import distributed
    cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=40)
    scheduler = cluster.scheduler_address
t = time.perf_counter()
r = replicate(data, (2026, 2035), replications=count, paths=paths, scheduler=scheduler)
seconds = time.perf_counter() - t
rep = r.replications.to_dict()
print(json.dumps({"seconds": seconds, "mean": rep["mean"], "ci95": rep["ci95"], "gap": rep["gap"],
                  "gap_ci95": rep["gap_ci95"]}))
"""


def run_python(code: str, *args: str, timeout: float) -> dict:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=timeout)
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_ph(paths: int, ranks: int, gap: float, limit: float, years: str, piece_paths: int | None = None) -> dict:
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1", OMPI_MCA_mpi_yield_when_idle="1")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "plan.json"
        command = [shutil.which("mpiexec") or "mpiexec", "-n", str(ranks), "/usr/bin/time", "-f", "%M",
                   sys.executable, "-m", "sourcing.cli", "plan", "--years", years, "--paths", str(paths),
                   "--decompose", "ph", "--ph-gap", str(gap), "--time-limit", str(limit), "--output", str(out),
                   *(["--ph-piece-paths", str(piece_paths)] if piece_paths else [])]
        start = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=limit * 4 + 600)
        wall = time.perf_counter() - start
        if done.returncode:
            return {"error": done.stderr[-1000:], "wall": wall}
        peaks = [int(line) for line in done.stderr.splitlines() if line.strip().isdigit()]
        doc = json.loads(out.read_text())
    return {**doc["decomposition"], "wall": wall, "peak_mb": sum(peaks) / 1024,
            "peak_mb_largest_rank": max(peaks) / 1024, "objective": doc["objective"],
            **time_to_gaps(done.stderr, (1e-2, 1e-3, 1e-4))}


def time_to_gaps(stderr: str, targets: tuple[float, ...]) -> dict:
    """From the hub's progress lines (``ph iteration K, S s: ... gap G%``): the first iteration and
    second of PH at which the gap was at most each target (None: not reached)."""
    seen = []
    for line in stderr.splitlines():
        got = re.match(r"ph iteration (\d+), ([\d.]+) s: .* gap ([\d.]+)%$", line)
        if got:
            seen.append((int(got[1]), float(got[2]), float(got[3]) / 100))
    out = {"progress_lines": len(seen)}
    for target in targets:
        first = next(((k, t) for k, t, g in seen if g <= target), None)
        out[f"to_{target:g}"] = None if first is None else {"iteration": first[0], "seconds": first[1]}
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--paths", default="500,1000,2000")
    parser.add_argument("--ph-paths", default="500")
    parser.add_argument("--ph-years", default=YEARS)
    parser.add_argument("--ph-limit", type=float, default=240)
    parser.add_argument("--ph-ranks", default="1,2")
    parser.add_argument("--ph-gaps", default="1e-4", help="each a run; the progress lines give the time to 1e-2, "
                        "1e-3 and 1e-4 on the way")
    parser.add_argument("--ph-piece-paths", default="", help="comma-separated --ph-piece-paths, each a run "
                        "(blank: the default)")
    parser.add_argument("--replications", type=int, default=3)
    parser.add_argument("--rep-paths", default="500")
    parser.add_argument("--skip", default="", help="comma-separated: ef, ph, rep")
    parser.add_argument("--out", default="benchmarks/out/scale.json")
    a = parser.parse_args()
    skip = set(filter(None, a.skip.split(",")))
    results: dict = {"ef": [], "ph": [], "replications": []}
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)

    def save() -> None:
        Path(a.out).write_text(json.dumps(results, indent=1))

    if "ef" not in skip:
        for n in map(int, a.paths.split(",")):
            got = run_python(EF, str(n), timeout=3600)
            results["ef"].append({"sample": n, **got})
            print("EF", n, got, flush=True)
            save()
    if "ph" not in skip:
        for n in map(int, a.ph_paths.split(",")):
            for ranks in map(int, a.ph_ranks.split(",")):
                for gap in map(float, a.ph_gaps.split(",")):
                    for pieces in [int(x) for x in a.ph_piece_paths.split(",") if x] or [None]:
                        got = run_ph(n, ranks, gap, a.ph_limit, a.ph_years, pieces)
                        results["ph"].append({"sample": n, "years": a.ph_years, "ranks": ranks, "target": gap,
                                              **got})
                        print("PH", n, ranks, gap, pieces, got, flush=True)
                        save()
    if "rep" not in skip:
        for n in map(int, a.rep_paths.split(",")):
            for workers in (1, 2):
                got = run_python(REPLICATE, str(n), str(a.replications), str(workers), timeout=7200)
                results["replications"].append({"sample": n, "replications": a.replications, "workers": workers,
                                                 **got})
                print("REP", n, workers, got, flush=True)
                save()


if __name__ == "__main__":
    main()
