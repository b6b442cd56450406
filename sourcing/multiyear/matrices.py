"""The plan's statement as the matrices HiGHS takes: the fast path beside the Pyomo model.

:func:`compile_statement` lays the families of :mod:`sourcing.multiyear.statement` side by side
(columns family by family, rows likewise, each in its own order) and drops what Pyomo's
standard-form compiler drops: zero coefficients, columns in no row with no cost, rows without a
term (raising if such a row cannot hold). ``tests/test_plan_lp.py`` checks that compiling
:func:`sourcing.multiyear.model.build_plan_model` gives the same LP, entry for entry.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from sourcing.lp import Compiled, TriviallyInfeasibleError
from sourcing.multiyear.statement import Statement


def compile_statement(st: Statement) -> Compiled:
    """The LP of ``st``; ``columns[name]`` and ``rows[name]`` give each family's positions (-1: dropped)."""
    start, at = {}, 0
    for name, fam in st.variables.items():
        start[name] = at
        at += fam.size
    ncol = at
    row_start, r = {}, 0
    for name, fam in st.rows.items():
        row_start[name] = r
        r += fam.size
    nrow = r
    rows_i, cols_i, vals = [np.empty(0, dtype=np.int64)], [np.empty(0, dtype=np.int64)], [np.empty(0)]
    for name, fam in st.rows.items():
        for var, row, col, coef in fam.terms:
            rows_i.append(row + row_start[name])
            cols_i.append(col + start[var])
            vals.append(coef)
    A = sp.csr_array((np.concatenate(vals), (np.concatenate(rows_i), np.concatenate(cols_i))), shape=(nrow, ncol))
    A.sum_duplicates()
    A.eliminate_zeros()
    lower = np.concatenate([np.empty(0)] + [f.lower for f in st.rows.values()])
    upper = np.concatenate([np.empty(0)] + [f.upper for f in st.rows.values()])
    cost = np.zeros(ncol)
    offset = 0.0
    for part in st.costs.values():
        if part.weight == 0:
            continue
        offset += part.weight * part.constant
        for var, col, coef in part.terms:  # a column is in one part, once
            cost[col + start[var]] += part.weight * coef
    col_lower = np.concatenate([np.empty(0)] + [f.lower for f in st.variables.values()])
    col_upper = np.concatenate([np.empty(0)] + [f.upper for f in st.variables.values()])

    empty = np.diff(A.indptr) == 0
    if ((lower[empty] > 0) | (upper[empty] < 0)).any():
        raise TriviallyInfeasibleError("the plan holds a row without a variable that cannot hold")
    if (col_lower > col_upper).any():  # commitments above capacity
        raise TriviallyInfeasibleError("the plan holds a variable whose bounds cannot hold")
    A = A.tocsc()
    used = (np.diff(A.indptr) > 0) | (cost != 0)
    keep = ~empty
    column_pos = np.where(used, np.cumsum(used) - 1, -1)
    row_pos = np.where(keep, np.cumsum(keep) - 1, -1)
    if not used.all():
        A, cost, col_lower, col_upper = A[:, used], cost[used], col_lower[used], col_upper[used]
    if not keep.all():
        A, lower, upper = sp.csc_array(A[keep]), lower[keep], upper[keep]
    columns = {name: column_pos[start[name]: start[name] + fam.size] for name, fam in st.variables.items()}
    rows = {name: row_pos[row_start[name]: row_start[name] + fam.size] for name, fam in st.rows.items()}
    fallback = {name: np.clip(np.zeros(fam.size), fam.lower, fam.upper) for name, fam in st.variables.items()}
    return Compiled(cost, offset, sp.csc_array(A), col_lower, col_upper, lower, upper, columns, rows, fallback)
