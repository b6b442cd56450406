"""Replications of the plan on a Slurm cluster through dask-jobqueue: each Dask worker is a Slurm
job with one core; the replications go to the cluster exactly as `sourcing plan --scheduler` sends
them.

    pip install 'sourcing[distributed]' dask-jobqueue
    python docs/cluster/replications_jobqueue.py --replications 20 --paths 2000 --jobs 10

``--local`` uses a LocalCluster of two workers on this machine instead (what the tests run).
"""

from __future__ import annotations

import argparse
import json

from distributed import Client, LocalCluster

import sourcing
from sourcing.replications import replicate


def make_cluster(local: bool, jobs: int):
    if local:
        return LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    from dask_jobqueue import SLURMCluster

    cluster = SLURMCluster(cores=1, processes=1, memory="8GB", walltime="02:00:00",
                           job_extra_directives=["--cpus-per-task=1"])
    cluster.scale(jobs=jobs)
    return cluster


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--years", default="2026:2035")
    parser.add_argument("--paths", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=10)
    parser.add_argument("--local", action="store_true")
    a = parser.parse_args()
    first, last = (int(y) for y in a.years.split(":"))
    data = sourcing.load_inputs(sourcing.bundled_inputs(), year=first)
    with make_cluster(a.local, a.jobs) as cluster, Client(cluster) as client:
        # the same as: sourcing plan --replications R --scheduler ADDRESS (results do not depend on it)
        result = replicate(data, (first, last), replications=a.replications, paths=a.paths, seed=a.seed,
                           scheduler=client)
    rep = result.replications.to_dict()
    print(json.dumps({k: rep[k] for k in ("objective", "mean", "ci95", "evaluation_mean", "gap", "gap_ci95")}))


if __name__ == "__main__":
    main()
