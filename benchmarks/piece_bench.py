"""The memory and time of PH's inner-bound evaluation, whole against in pieces (benchmarks/README.md,
"The inner bound in pieces").

For each sampled decade tree: one process solves the extensive form and keeps its optimum; then,
for each ``--pieces`` size B (0: the whole tree, one piece, as the hub evaluated it before), a fresh
process builds the tree's compiled statement, evaluates the policy with the optimum's root and the
optimum at the split nodes as targets (:mod:`sourcing.phpolicy`), and reports its objective (it
must give back the optimum), the seconds of the evaluation, the process's peak resident set
(VmHWM) and that peak less the peak after the statement was built (what the evaluation itself
added). Usage:

    python benchmarks/piece_bench.py --paths 1000,4000 --pieces 0,500,100 --out benchmarks/out/pieces.json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

OPTIMUM = """
import sys, numpy as np, sourcing
from sourcing.decompose import PathModels, decomposition_bounds
from sourcing.highs import values
from sourcing.model import RiskOptions
from sourcing.multiyear.api import checked_tree, solve_tree
from sourcing.multiyear.horizon import build_horizon
from sourcing.multiyear.statement import build_statement
data = sourcing.load_inputs(sourcing.bundled_inputs())
h = build_horizon(data, (2026, 2035), 0.0)
t = checked_tree(h, "independent", int(sys.argv[1]), 0)
_, compiled, raw = solve_tree(h, t, RiskOptions())
st = build_statement(h, t, RiskOptions())
decomposition_bounds(st)
models = PathModels(st)
x = np.zeros(len(models.cp.cost))
for name, pos in models.cp.columns.items():
    got = values(compiled, raw, name)
    x[pos[pos >= 0]] = got[pos >= 0]
np.save(sys.argv[2], x)
print(raw.objective)
"""

EVALUATE = """
import json, sys, time, numpy as np, sourcing
from sourcing.decompose import PathModels, _pieces, decomposition_bounds
from sourcing.model import RiskOptions
from sourcing.multiyear.api import checked_tree
from sourcing.multiyear.horizon import build_horizon
from sourcing.multiyear.statement import build_statement

def peak():
    return int(next(x for x in open("/proc/self/status") if x.startswith("VmHWM")).split()[1]) / 1024

data = sourcing.load_inputs(sourcing.bundled_inputs())
h = build_horizon(data, (2026, 2035), 0.0)
t = checked_tree(h, "independent", int(sys.argv[1]), 0)
st = build_statement(h, t, RiskOptions())
decomposition_bounds(st)
models = PathModels(st)
x = np.load(sys.argv[2])
B = int(sys.argv[3]) or t.paths
pieces = _pieces(models, B)
built = peak()
start = time.perf_counter()
got = pieces.evaluate(x[pieces.cols_of[pieces.root]], {v: x[pieces.cols_of[v]] for v in pieces.split})
seconds = time.perf_counter() - start
largest = max(int(pieces.paths[v]) for v in pieces.tops)
print(json.dumps({"objective": got.objective, "seconds": seconds, "peak_mb": peak(), "added_mb": peak() - built,
                  "split_nodes": len(pieces.split), "pieces": len(pieces.tops), "largest_piece": largest,
                  "paths": int(t.paths)}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", default="1000")
    parser.add_argument("--pieces", default="0,500,100")
    parser.add_argument("--out", type=Path, default=None)
    a = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for n in map(int, a.paths.split(",")):
            keep = str(Path(scratch) / f"x{n}.npy")
            optimum = float(subprocess.run([sys.executable, "-c", OPTIMUM, str(n), keep], check=True,
                                           capture_output=True, text=True).stdout.split()[-1])
            for b in map(int, a.pieces.split(",")):
                out = subprocess.run([sys.executable, "-c", EVALUATE, str(n), keep, str(b)], check=True,
                                     capture_output=True, text=True).stdout.splitlines()[-1]
                row = {"sample": n, "piece_paths": b or "whole", "optimum": optimum, **json.loads(out)}
                row["relative_to_optimum"] = (row["objective"] - optimum) / abs(optimum)
                rows.append(row)
                print(json.dumps(row), flush=True)
    if a.out:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
