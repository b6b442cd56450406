"""The share limits of a year's inputs: every cap and floor of caps.csv (and ``--cap``) in force,
expanded to the offers it covers. One job: :func:`share_limits`, which
:meth:`sourcing.data.InputData.limits` calls once per data object."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sourcing.schema import ALL, CONTENT, DEMAND, ORIGIN


def share_limits(data: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    # ``data``: an InputData (its offers, caps, groups and offer_content); not imported, as this
    # module sits below sourcing.data
    """Every share limit in force, and its terms.

    Returns ``(limits, terms)``. ``limits`` has one row per limit: ``limit`` (id), ``origin``
    (as named in caps.csv), ``element``, ``kind`` (``max`` or ``min``), ``basis``, ``scope``,
    ``share`` (the limit), ``max_share`` and ``min_share`` (of its caps.csv row), ``given``
    (where the limit was set: ``caps.csv line N``, or the ``--cap`` option that set it).
    ``terms`` has ``limit``, ``offer`` (row of ``offers``), ``weight``: the limit holds
    sum_o weight x[o,e] against share times the basis. An (origin, element) row overrides
    the same origin's ``*`` row of the same basis and scope. A max limit exists where
    ``max_share`` is given and below 1, or on the ``demand`` basis (where 1 still binds),
    for the elements the origin offers (a cap on a pair that is not offered is void); a min
    limit where ``min_share`` > 0. A ``*`` row, cap or floor, stands for the elements its
    origin (or a member of its group; on the content scope, an offer with its content) offers
    this year; an (origin, element) floor holds whether offered or not (a floor that nothing
    offered can meet makes the plan infeasible, never void).
    """
    offers = data.offers
    caps = data.caps
    content = data.offer_content() if (caps["scope"] == CONTENT).any() else None
    element_code, element_names = pd.factorize(offers["element"])  # offers are sorted by element
    element_code_of = {name: code for code, name in enumerate(element_names)}
    offers_of = {o: np.asarray(i) for o, i in offers.groupby("origin", sort=False).indices.items()}
    members_of = {g: sorted(o) for g, o in data.groups.groupby("group", sort=False)["origin"]}
    no_offer = np.empty(0, dtype=np.int64)
    limit_rows, term_limit, term_offer, term_weight = [], [], [], []
    exact_keys = set(
        caps.loc[caps["element"] != ALL, ["origin", "element", "basis", "scope"]].itertuples(index=False, name=None)
    )
    for cap in caps.itertuples(index=False):
        members = members_of.get(cap.origin, [cap.origin])
        if cap.scope == ORIGIN:
            idx = np.sort(np.concatenate([offers_of.get(o, no_offer) for o in members]))
            weight = np.ones(len(idx))
        else:
            got = content[content["upstream"].isin(members)].groupby("offer")["fraction"].sum()
            full = got.reindex(offers.index, fill_value=0.0).to_numpy()
            idx = np.flatnonzero(full > 0)
            weight = full[idx]
        codes = element_code[idx]
        covered = element_names[np.unique(codes)]
        if cap.element == ALL:
            capped = [e for e in covered if (cap.origin, e, cap.basis, cap.scope) not in exact_keys]
            floored = capped  # a '*' floor, like a '*' cap, stands for the elements the row covers
        else:
            capped = [cap.element] if cap.element in covered or cap.basis == DEMAND else []
            floored = [cap.element]
        has_max = not np.isnan(cap.max_share) and (cap.max_share < 1.0 or cap.basis == DEMAND)
        kinds = [("max", cap.max_share, capped)] if has_max else []
        kinds += [("min", cap.min_share, floored)] if cap.min_share > 0 else []
        for kind, share, elements in kinds:
            for element in elements:
                mask = codes == element_code_of.get(element, -1)
                ident = len(limit_rows)
                max_share = 1.0 if np.isnan(cap.max_share) else float(cap.max_share)
                limit_rows.append((ident, cap.origin, element, kind, cap.basis, cap.scope, float(share),
                                   max_share, float(cap.min_share), cap.max_given if kind == "max" else cap.given))
                term_limit.append(np.full(int(mask.sum()), ident, dtype=np.int64))
                term_offer.append(idx[mask])
                term_weight.append(weight[mask])
    cols = ["limit", "origin", "element", "kind", "basis", "scope", "share", "max_share", "min_share", "given"]
    limits = pd.DataFrame(limit_rows, columns=cols)
    order = limits.sort_values(["element", "origin", "basis", "scope", "kind"], kind="stable")["limit"]
    renumber = np.empty(len(order), dtype=np.int64)
    renumber[order.to_numpy(dtype=np.int64)] = np.arange(len(order))
    limits = limits.assign(limit=limits["limit"].map(dict(zip(order, range(len(order))))))
    limits = limits.sort_values("limit", ignore_index=True)
    join = (lambda parts, dtype: np.concatenate(parts).astype(dtype)) if term_limit else (
        lambda parts, dtype: np.empty(0, dtype=dtype))
    limit_of = renumber[join(term_limit, np.int64)]
    offer_of = join(term_offer, np.int64)
    rank = np.lexsort((offer_of, limit_of))
    terms = pd.DataFrame({"limit": limit_of[rank], "offer": offer_of[rank],
                          "weight": join(term_weight, float)[rank]})
    return limits, terms
