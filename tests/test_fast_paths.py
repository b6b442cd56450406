"""The vectorized shortcuts in ``sourcing.data`` give what the plain pandas code gives."""

import io

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.generate import Size, generate
from sourcing import bundled_inputs, load_inputs
from sourcing.data import ALL, _may_be_padded
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
