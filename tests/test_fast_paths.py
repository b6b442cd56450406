"""The vectorized shortcuts in ``sourcing.data`` give what the plain pandas code gives."""

import io

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.generate import Size, generate
from sourcing import bundled_inputs, load_inputs
from sourcing.readers.csv import _may_be_padded
from sourcing.schema import ALL
from tests.test_lp import shares_folder

CELLS = st.text(alphabet=st.sampled_from(list("ab1. \t\u3000\x0b\x1c")), max_size=4)


@given(st.lists(st.lists(CELLS, min_size=2, max_size=2), min_size=1, max_size=5), st.sampled_from(["\n", "\r\n"]))
def test_unpadded_text_needs_no_strip(rows, newline):
    text = newline.join(",".join(r) for r in [["x", "y"], *rows]) + newline
    raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False, skip_blank_lines=False)
    if not _may_be_padded(text):
        assert raw.equals(raw.apply(lambda s: s.str.strip()))


def plain_offer_availability(data):
    """The table as first written, with merges."""
    d = data.disruptions
    offers = data.offers[["origin", "element"]].reset_index(names="offer")
    star = d[d["element"] == ALL].drop(columns="element").merge(offers, on="origin")
    exact = d[d["element"] != ALL].merge(offers, on=["origin", "element"])
    both = pd.concat([exact, star], ignore_index=True).drop_duplicates(subset=["scenario", "offer"], keep="first")
    both = both[both["availability"] < 1.0]
    order = {s: i for i, s in enumerate(data.scenarios["scenario"])}
    both = both.assign(_k=both["scenario"].map(order)).sort_values(["_k", "offer"])
    return both[["scenario", "offer", "origin", "element", "availability"]].reset_index(drop=True)


def test_offer_availability_matches_merges(tmp_path):
    folders = [bundled_inputs(), shares_folder(),
               generate(tmp_path / "g", Size(origins=25, elements=5, scenarios=15, seed=7))]
    for folder in folders:
        data = load_inputs(folder)
        assert data.offer_availability().equals(plain_offer_availability(data))


def plain_limits(self):
    """InputData.limits as first written, one pandas frame per limit."""
    from sourcing.schema import CONTENT, DEMAND, ORIGIN

    offers = self.offers
    caps = self.caps
    content = self.offer_content() if (caps["scope"] == CONTENT).any() else None
    limit_rows, term_frames = [], []
    exact_keys = set(
        caps.loc[caps["element"] != ALL, ["origin", "element", "basis", "scope"]].itertuples(index=False, name=None)
    )
    for cap in caps.itertuples(index=False):
        members = self.members(cap.origin)
        if cap.scope == ORIGIN:
            weight = offers["origin"].isin(members).astype(float).to_numpy()
        else:
            got = content[content["upstream"].isin(members)].groupby("offer")["fraction"].sum()
            weight = got.reindex(offers.index, fill_value=0.0).to_numpy()
        covered = offers.loc[weight > 0, "element"].unique()
        named = list(self.elements["element"]) if cap.element == ALL else [cap.element]
        if cap.element == ALL:
            named = [e for e in named if (cap.origin, e, cap.basis, cap.scope) not in exact_keys]
        capped = [e for e in named if e in covered or (cap.element != ALL and cap.basis == DEMAND)]
        has_max = not np.isnan(cap.max_share) and (cap.max_share < 1.0 or cap.basis == DEMAND)
        kinds = [("max", cap.max_share, capped)] if has_max else []
        floored = capped if cap.element == ALL else named  # an (origin, element) floor holds where nothing is offered
        kinds += [("min", cap.min_share, floored)] if cap.min_share > 0 else []
        for kind, share, elements in kinds:
            for element in elements:
                mask = (offers["element"] == element).to_numpy() & (weight > 0)
                ident = len(limit_rows)
                max_share = 1.0 if np.isnan(cap.max_share) else float(cap.max_share)
                limit_rows.append((ident, cap.origin, element, kind, cap.basis, cap.scope, float(share),
                                   max_share, float(cap.min_share), cap.max_given if kind == "max" else cap.given))
                term_frames.append(pd.DataFrame({"limit": ident, "offer": offers.index[mask],
                                                 "weight": weight[mask]}))
    cols = ["limit", "origin", "element", "kind", "basis", "scope", "share", "max_share", "min_share", "given"]
    limits = pd.DataFrame(limit_rows, columns=cols)
    order = limits.sort_values(["element", "origin", "basis", "scope", "kind"], kind="stable")["limit"]
    renumber = dict(zip(order, range(len(order))))
    limits = limits.assign(limit=limits["limit"].map(renumber)).sort_values("limit", ignore_index=True)
    if term_frames:
        terms = pd.concat(term_frames, ignore_index=True)
    else:
        terms = pd.DataFrame({"limit": pd.Series(dtype=int), "offer": pd.Series(dtype=int),
                              "weight": pd.Series(dtype=float)})
    terms = terms.assign(limit=terms["limit"].map(renumber).astype(int))
    terms = terms.sort_values(["limit", "offer"], ignore_index=True)
    return limits, terms


def test_limits_match_one_frame_per_limit(tmp_path):
    bundled = load_inputs(bundled_inputs())
    datas = [bundled, bundled.with_caps({"China": 1.0}), bundled.with_caps({"China": 0.45, ("France", "Dy"): 0.2}),
             load_inputs(shares_folder()),
             load_inputs(generate(tmp_path / "g", Size(origins=25, elements=5, scenarios=15, seed=7)))]
    for data in datas:
        got, want = data.limits(), plain_limits(data)
        assert got[0].equals(want[0])
        assert got[1].equals(want[1]), (got[1].dtypes, want[1].dtypes)


def plain_offer_caps(data):
    limits, terms = data.limits()
    plain = limits[(limits["kind"] == "max") & (limits["basis"] == "imports") & (limits["scope"] == "origin")]
    t = terms.merge(plain, on="limit")
    t = t[t["origin"] == data.offers["origin"].to_numpy()[t["offer"].to_numpy()]]
    share = t.groupby("offer")["share"].min()
    return share.reindex(data.offers.index, fill_value=1.0).rename("max_share")


def test_offer_caps_match_merge(tmp_path):
    bundled = load_inputs(bundled_inputs())
    for data in (bundled, bundled.with_caps({"China": 1.0}), load_inputs(shares_folder()),
                 load_inputs(generate(tmp_path / "g", Size(origins=25, elements=5, scenarios=15, seed=7)))):
        assert data.offer_caps().equals(plain_offer_caps(data))
