"""The cluster recipes of docs/cluster.md run here on local ranks: the Slurm script with ``srun``
standing for ``mpiexec -n 2``, and the dask-jobqueue example on a LocalCluster (its --local)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sourcing import bundled_inputs, load_inputs
from sourcing.replications import replicate

ROOT = Path(__file__).resolve().parent.parent
REQUIRED = bool(os.environ.get("SOURCING_REQUIRE_MPI"))


def test_the_slurm_script_runs_on_two_local_ranks(tmp_path):
    mpiexec = shutil.which("mpiexec")
    if mpiexec is None:
        if REQUIRED:
            pytest.fail("SOURCING_REQUIRE_MPI is set but there is no mpiexec")
        pytest.skip("no mpiexec")
    if not REQUIRED:
        pytest.importorskip("mpisppy")
    shims = tmp_path / "bin"
    shims.mkdir()
    (shims / "srun").write_text(f'#!/bin/sh\nexec {mpiexec} -n 2 "$@"\n')
    (shims / "srun").chmod(0o755)
    (shims / "python").write_text(f'#!/bin/sh\nexec {sys.executable} "$@"\n')  # this environment's python
    (shims / "python").chmod(0o755)
    out = tmp_path / "plan.json"
    env = dict(os.environ, PATH=f"{shims}:{os.environ['PATH']}", YEARS="2026:2027", PATHS="500", TIME_LIMIT="6",
               PIECE_PATHS="50",
               OUT=str(out), OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
    done = subprocess.run(["bash", str(ROOT / "docs" / "cluster" / "ph.slurm")], env=env, capture_output=True,
                          text=True, timeout=600, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    doc = json.loads(out.read_text())
    assert doc["decomposition"]["ranks"] == 2
    assert doc["decomposition"]["outer_bound"] <= doc["objective"]
    assert doc["decomposition"]["piece_paths"] == 50 and doc["decomposition"]["pieces"] > 1


def test_the_jobqueue_example_gives_the_replications_of_this_process():
    pytest.importorskip("distributed")
    done = subprocess.run([sys.executable, str(ROOT / "docs" / "cluster" / "replications_jobqueue.py"), "--local",
                           "--years", "2026:2029", "--paths", "500", "--replications", "2"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    got = json.loads(done.stdout.strip().splitlines()[-1])
    here = replicate(load_inputs(bundled_inputs(), year=2026), (2026, 2029), replications=2, paths=500)
    assert got["objective"] == [float(v) for v in here.replications.runs["objective"]]
