"""Every figure of the bundled case says where it comes from.

Each row of each CSV file of ``inputs/`` (and of its plans) carries a ``source``: a publication
with its date (a citation names a year), or ``assumption`` and why. A row without either fails.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from sourcing import bundled_inputs

YEAR = re.compile(r"\b(19|20)\d\d\b")


def unsourced(folder: Path) -> list[str]:
    """``file:line`` of every row whose ``source`` is missing, empty, or neither dated nor an assumption."""
    bad = []
    for path in sorted(folder.rglob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if "source" not in frame.columns:
            bad.append(f"{path.relative_to(folder)}: no source column")
            continue
        for i, text in enumerate(frame["source"], start=2):
            text = text.strip()
            if not text or not ("assumption" in text.lower() or YEAR.search(text)):
                bad.append(f"{path.relative_to(folder)}:{i}")
    return bad


def test_every_bundled_row_cites_a_dated_source_or_an_assumption():
    folder = bundled_inputs()
    assert len(list(folder.rglob("*.csv"))) >= 9
    assert unsourced(folder) == []


@pytest.mark.parametrize("source", ["", "Reuters", "see above"])
def test_a_row_without_a_dated_source_or_assumption_is_caught(tmp_path, source):
    (tmp_path / "supply.csv").write_text(
        "origin,element,unit_cost,capacity,source\n"
        "China,Nd,10,100,\"SMM weekly, Jan 2026\"\n"
        f"Malaysia,Nd,12,50,\"{source}\"\n"
        "France,Nd,15,50,\"assumption: a round figure\"\n")
    assert unsourced(tmp_path) == ["supply.csv:3"]


def test_a_file_without_a_source_column_is_caught(tmp_path):
    (tmp_path / "demand.csv").write_text("element,demand,shortage_cost\nNd,100,50\n")
    assert unsourced(tmp_path) == ["demand.csv: no source column"]
