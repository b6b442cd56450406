"""The PH hub's own bounds, on any number of ranks (for :mod:`sourcing.decompose`).

mpi-sppy's hub knows only the trivial outer bound (every path alone: the wait-and-see value,
about the EVPI below the optimum) unless spokes on ranks of their own send better ones, and it
stops on a gap only with an inner-bound spoke. On 1 or 2 ranks its gap could therefore never
close. :func:`hub_bounds` gives the hub both bounds itself, every ``every`` PH iterations:

- **outer**: the Lagrangian bound of the hub's current weights W (each path solved with W and
  without the proximal term; the probability-weighted sum of their optima). It is a valid lower
  bound because PH keeps the weights of every node summing to zero over its paths; the best one
  so far is kept.
- **inner**: the cost of the policy of PH's consensus (``candidate_of(opt)``: xbar at the root,
  and where the policy needs them below it, see :mod:`sourcing.phpolicy`), evaluated on the whole
  tree, the hub's ranks sharing the work (``evaluate``); a feasible policy, so its cost is an upper
  bound. The cheapest candidate so far is kept, and it is the plan reported.

and a converger that stops PH once the best of these (and of any spoke's) are within ``gap``.
After each evaluation ``report(iteration, outer, inner)`` (when given) hears the best bounds so far,
the spokes' included, in the extensive form's units.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any


def hub_bounds(evaluate: Callable[[Any, Any], float | None], candidate_of: Callable[[Any], Any], every: int,
               gap: float, scale: float,
               report: Callable[[int, float, float], None] | None = None) -> tuple[type, type]:
    """The extension and converger classes to hand to mpi-sppy's PH hub.

    ``evaluate(candidate, comm)``: the extensive form's objective under the policy of
    ``candidate`` (None when it breaks some path), collective on ``comm`` (the hub's ranks);
    ``candidate_of(opt)``: PH's consensus as such a candidate (collective on the hub's ranks);
    ``scale``: the extensive form's objective per unit of PH's (the paths' total probability)."""
    from mpisppy.convergers.converger import Converger
    from mpisppy.extensions.extension import Extension

    class HubBounds(Extension):
        """Both bounds every ``every`` iterations, in PH's units (see the module docstring)."""

        def __init__(self, opt) -> None:
            super().__init__(opt)
            self.outer, self.inner, self.candidate = -math.inf, math.inf, None

        def miditer(self) -> None:
            opt = self.opt
            if opt._PHIter % every:
                return
            opt._disable_prox()
            try:
                opt.solve_loop(solver_options=opt.current_solver_options, dis_W=False, dis_prox=False,
                               gripe=True, tee=False, verbose=False, warmstart=True)
                self.outer = max(self.outer, float(opt.Ebound(False)))
            finally:
                opt._reenable_prox()
            candidate = candidate_of(opt)
            cost = evaluate(candidate, opt.mpicomm)
            if cost is not None and cost / scale < self.inner:
                self.inner, self.candidate = cost / scale, candidate
            if opt.best_bound_obj_val is not None:  # the trivial bound of iteration 0 may still be the best
                self.outer = max(self.outer, float(opt.best_bound_obj_val))
            opt.best_bound_obj_val = self.outer
            if math.isfinite(self.inner):
                opt.best_solution_obj_val = self.inner
            if report is not None and opt.cylinder_rank == 0:  # one line per hub, not per rank
                inner = min(self.inner, getattr(opt.spcomm, "BestInnerBound", None) or math.inf)
                report(int(opt._PHIter), self.best_outer() * scale, inner * scale)

        def best_outer(self) -> float:
            """The best outer bound so far, the hub's own and any spoke's."""
            return max(self.outer, getattr(self.opt.spcomm, "BestOuterBound", None) or -math.inf)

    class GapConverger(Converger):
        """Stops PH when the hub's inner bound and the best outer bound are within ``gap``."""

        def __init__(self, opt) -> None:
            super().__init__(opt)
            self.opt = opt

        def is_converged(self) -> bool:
            own = self.opt.extobject
            outer = own.best_outer()
            if not math.isfinite(own.inner):
                return False
            self.conv = (own.inner - outer) / abs(own.inner) if own.inner else 0.0
            return self.conv <= gap

    return HubBounds, GapConverger


def progress_line(iteration: int, seconds: float, outer: float, inner: float) -> str:
    """The hub's line after it evaluated its bounds: ``ph iteration K, S s: outer bound X M USD,
    inner bound Y M USD, gap G%``; ``inner bound -, gap -`` while no evaluated root holds."""
    head = f"ph iteration {iteration}, {seconds:.1f} s: outer bound {outer / 1e6:,.3f} M USD, inner bound"
    if not (math.isfinite(inner) and inner):
        return f"{head} -, gap -"
    return f"{head} {inner / 1e6:,.3f} M USD, gap {(inner - outer) / abs(inner):.3%}"
