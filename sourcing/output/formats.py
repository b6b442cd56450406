"""How figures are written for people: one rule per kind of figure, shared by the table and the HTML
report, so that a number reads the same in both.

Volumes in t with one decimal, shares in % with one decimal, unit costs in USD/kg with two, money
in USD M with three decimals (marginal costs per percentage point with four). Scripts read the JSON
and CSV formats instead, at full precision.
"""

from __future__ import annotations

import math

MUSD = 1e6
"""USD in one USD M."""


def tonnes(value: float) -> str:
    """A volume or stock in t: ``3,230.8``."""
    return f"{value:,.1f}"


def whole_tonnes(value: float) -> str:
    """A capacity in t, to the tonne: ``8,000``."""
    return f"{value:,.0f}"


def share(value: float) -> str:
    """A share or probability as a percentage: ``35.9%``."""
    return f"{value:.1%}"


def cap(value: float) -> str:
    """A plan row's effective cap: ``50%``, or ``-`` where there is none (1)."""
    return "-" if value >= 1 else f"{value:.0%}"


def usd_kg(value: float) -> str:
    """A price or marginal cost in USD/kg: ``1,770.00``."""
    return f"{value:,.2f}"


def musd(value: float) -> str:
    """Money in USD, written in USD M: ``1,360.167``."""
    return f"{value / MUSD:,.3f}"


def musd_change(value: float) -> str:
    """A difference of money in USD, written in USD M with its sign: ``+2.435``, ``-354.408``."""
    text = musd(value)
    return text if text.startswith("-") else "+" + text


def musd_per_pp(value: float) -> str:
    """A marginal cost per percentage point in USD, written in USD M: ``7.6688``."""
    return f"{value / MUSD:,.4f}"


def probability(value: float) -> str:
    """A scenario's probability: ``0.050``."""
    return f"{value:.3f}"


def weight(value: float) -> str:
    """An option's value (risk weight, CVaR weight, level): ``1``, ``0.95``."""
    return f"{value:g}"


def level(value: float) -> str:
    """A CVaR level as a whole percentage: ``95%``."""
    return f"{value:.0%}"


def year(value: float | str | None) -> str:
    """A year as a year: ``2027`` (never ``2,027``); empty where there is none."""
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(int(value))


def given(value: float | str) -> str:
    """A value of an input file as the model read it: up to 10 significant digits, no trailing
    zeros, thousands separated (``9,000``, ``0.05``); empty where the file leaves it empty."""
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{value:,.10g}"
