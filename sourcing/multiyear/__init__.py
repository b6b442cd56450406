"""``sourcing plan``: a multi-year plan on a tree of disruption paths.

The rooms, floor by floor: :mod:`~sourcing.multiyear.horizon` (every year's rows in force, as
flat tables), :mod:`~sourcing.multiyear.events` (the event chain: which events start when, as
histories with weights, exact or sampled), :mod:`~sourcing.multiyear.tree` (paths and nodes of any
histories), :mod:`~sourcing.multiyear.availability` (a history's availabilities, in one place),
:mod:`~sourcing.multiyear.families`
and :mod:`~sourcing.multiyear.statement` (the LP (P1)-(P8), stated once as arrays),
:mod:`~sourcing.multiyear.matrices` (the statement as HiGHS's matrices) and
:mod:`~sourcing.multiyear.model` (the same statement as a Pyomo model), :mod:`~sourcing.multiyear.result`
(the result's frames), :mod:`~sourcing.multiyear.extract` (a solution to a result),
:mod:`~sourcing.multiyear.infeasible` (which year, path and limit conflict) and
:mod:`~sourcing.multiyear.api` (:func:`~sourcing.multiyear.api.plan` and its value of information).

(The package is not called ``plan`` so that ``sourcing.plan`` stays the function.)
"""
