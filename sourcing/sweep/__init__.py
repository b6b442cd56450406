"""``sourcing sweep``: what diversification costs, over a grid of caps and risk weights.

One model, many solves. The model is built and compiled once per process; each point of the grid
changes one coefficient per capped element in the HiGHS model already loaded and re-runs HiGHS
from the previous point's basis (``benchmarks/SWEEP.md`` has the measured speed-up).

- :mod:`~sourcing.sweep.grid`: the values, the points and the chunks they are solved in;
- :mod:`~sourcing.sweep.resolve`: the warm-started re-solves and each point's figures;
- :mod:`~sourcing.sweep.backends`: this process, local worker processes, or Dask;
- :mod:`~sourcing.sweep.journal`: resuming from the points a killed sweep left in ``--output``;
- :mod:`~sourcing.sweep.run`: the whole run (:func:`run_sweep`, :func:`execute`).

What a sweep returns is :class:`sourcing.frontier.Frontier`; the output layer writes it.
"""

from sourcing.sweep.grid import CHUNK_SIZE, Chunk, SweepPlan, parse_cap, parse_target, parse_values, plan_sweep
from sourcing.sweep.resolve import Resolver
from sourcing.sweep.run import execute, infeasible_causes, run_sweep

__all__ = ["CHUNK_SIZE", "Chunk", "Resolver", "SweepPlan", "execute", "infeasible_causes", "parse_cap",
           "parse_target", "parse_values", "plan_sweep", "run_sweep"]
