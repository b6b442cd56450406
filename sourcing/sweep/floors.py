"""Floors set from the command line (``sweep --floor``), as :meth:`InputData.with_caps` sets caps.

A floor ``min_share`` of an origin (or group) on an element is a row of ``caps.csv``: the origin's
plain limit (imports basis, origin scope). Set for ``ORIGIN:ELEMENT`` it is that row's
``min_share``; set for ``ORIGIN`` it is the floor on every element the origin (or one of the
group's members) offers, one row per element, so that a floor never asks an origin for an
element it does not offer (a ``*`` row of ``caps.csv`` would: see :meth:`InputData.limits`).
A row added for an element keeps the cap the origin's ``*`` row gives it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import pandas as pd

from sourcing.data import InputData, override_target
from sourcing.errors import OptionError
from sourcing.frontier import Target
from sourcing.schema import ALL, IMPORTS, ORIGIN


def with_floors(data: InputData, overrides: Mapping[Target, float]) -> InputData:
    """A copy of ``data`` with the floors of ``overrides`` (target -> min_share) set.

    Raises:
        OptionError: an unknown origin, group or element, a pair that is not offered, a share
            outside [0, 1].
    """
    caps = data.caps.copy()
    elements = set(data.elements["element"])
    targets = set(data.offers["origin"]) | set(data.groups["group"])
    for key, share in overrides.items():
        origin, element = override_target("--floor", key, targets, elements)
        offered = sorted(set(data.offers.loc[data.offers["origin"].isin(data.members(origin)), "element"]))
        if element != ALL and element not in offered:
            raise OptionError(f"--floor {origin}:{element}: {origin} offers no {element} "
                              f"{data.not_offered(origin, element)}, so no plan could meet a floor; name an offer")
        if not (np.isfinite(share) and 0.0 <= share <= 1.0):
            raise OptionError(f"--floor {origin}: the share must lie in [0, 1], got {share}")
        option = f"--floor {origin}{'' if element == ALL else ':' + element}={share:g}"
        plain = (caps["origin"] == origin) & (caps["basis"] == IMPORTS) & (caps["scope"] == ORIGIN)
        star = caps[plain & (caps["element"] == ALL)]
        new = []
        for name in (offered if element == ALL else [element]):
            row = plain & (caps["element"] == name)
            if row.any():
                caps.loc[row, ["min_share", "given"]] = [float(share), option]
                continue
            max_share, max_given = (star["max_share"].iloc[0], star["max_given"].iloc[0]) if len(star) else (
                np.nan, option)
            new.append({"origin": origin, "element": name, "max_share": max_share, "min_share": float(share),
                        "basis": IMPORTS, "scope": ORIGIN, "given": option, "max_given": max_given})
        if new:
            caps = pd.concat([caps, pd.DataFrame(new)], ignore_index=True)
    caps = caps.sort_values(["origin", "element", "basis", "scope"], ignore_index=True)
    return replace(data, caps=caps)
