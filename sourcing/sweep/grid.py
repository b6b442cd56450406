"""The grid of a sweep: values from the command line, the points, and the chunks they are solved in.

The grid is cut into *chunks*: consecutive cap values at one (risk_weight, cvar_weight), at most
``chunk_size`` points each, the same whatever the number of workers. A chunk starts from the model
as compiled (no basis) and warm-starts point to point, so every point's figures depend only on the
grid and ``chunk_size``: serial, ``workers=N`` and Dask give identical results, and so does a
resumed sweep.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from sourcing.data import InputData
from sourcing.errors import OptionError
from sourcing.frontier import BOUNDS, KEY_DECIMALS, Grid, Target, target_label
from sourcing.model import RiskOptions
from sourcing.schema import IMPORTS, ORIGIN, parse_number, parse_share

MAX_SHARE = "max_share"
"""The bound a sweep varies unless told otherwise: the target's cap."""
CHUNK_SIZE = 25
"""Points per chunk (consecutive cap values at one risk setting) unless told otherwise."""


MAX_POINTS = 1_000_000
"""A grid larger than this is refused as a likely typo (a step of 1e-9, say)."""


GRID_DECIMALS = 12
"""Values of a START:STOP:STEP range are rounded to this many decimals (1 - 14 * 0.05 is 0.3)."""


SWEPT_CAP = 0.5
"""The swept caps (or floors) are set to this (any value in (0, 1)) before the model is built, so
their rows exist."""


def parse_values(text: str, what: str, *, upper: float | None = 1.0, percent: bool = False) -> tuple[float, ...]:
    """``START:STOP:STEP`` (inclusive of STOP when on the grid, either direction) or ``V1,V2,...``.

    The sign of STEP does not matter: the range runs from START towards STOP. Every value must lie
    in [0, ``upper``] (no upper bound if None) and appear once. With ``percent`` (shares), a value
    may be written as a percentage: ``100%:50%:5%`` is ``1.0:0.5:0.05``.

    Raises:
        OptionError: not numbers, a zero step, a value out of range, a repeated value, or more than
            :data:`MAX_POINTS` values.
    """
    text = text.strip()
    form = "START:STOP:STEP or V1,V2,..."
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 3:
            raise OptionError(f"{what} {text!r}: expected {form}")
        start, stop, step = (_number(p, what, text, percent) for p in parts)
        if step == 0:
            raise OptionError(f"{what} {text!r}: STEP must not be 0")
        step = abs(step) if stop >= start else -abs(step)
        count = math.floor((stop - start) / step + 1e-9) + 1
        if count > MAX_POINTS:
            raise OptionError(f"{what} {text!r}: {count:,} values (more than {MAX_POINTS:,}); use a larger STEP")
        values = [round(start + i * step, GRID_DECIMALS) + 0.0 for i in range(count)]
    else:
        values = [_number(p, what, text, percent) + 0.0 for p in text.split(",")]
    for v in values:
        if v < 0 or (upper is not None and v > upper):
            expected = f"[0, {upper:g}]" if upper is not None else ">= 0"
            raise OptionError(f"{what} {text!r}: {v:g} is outside {expected}")
    seen: set[float] = set()
    for v in values:
        key = round(v, KEY_DECIMALS)
        if key in seen:
            raise OptionError(f"{what} {text!r}: {v:g} is given twice")
        seen.add(key)
    if len(values) > MAX_POINTS:
        raise OptionError(f"{what} {text!r}: more than {MAX_POINTS:,} values")
    return tuple(values)


def _number(part: str, what: str, text: str, percent: bool = False) -> float:
    value = parse_share(part) if percent else parse_number(part)
    if value is None:
        kind = "a finite number" if part.strip().lower().lstrip("+-") in ("nan", "inf", "infinity") else "a number"
        raise OptionError(f"{what} {text!r}: {part.strip()!r} is not {kind}")
    return value


def parse_target(text: str, option: str = "--cap") -> Target:
    """``ORIGIN`` -> ``"ORIGIN"``; ``ORIGIN:ELEMENT`` -> ``("ORIGIN", "ELEMENT")``."""
    origin, colon, element = text.partition(":")
    origin, element = origin.strip(), element.strip()
    if not origin or (colon and not element) or ":" in element:
        raise OptionError(f"{option} {text!r}: TARGET must be ORIGIN or ORIGIN:ELEMENT")
    return (origin, element) if colon else origin


def parse_cap(text: str, option: str = "--cap") -> tuple[Target, tuple[float, ...]]:
    """``TARGET=START:STOP:STEP`` or ``TARGET=V1,V2,...`` -> (target, shares); ``option`` names
    the option in errors (``--floor`` takes the same form)."""
    target, sep, values = text.rpartition("=")
    if not sep or not target.strip() or not values.strip():
        raise OptionError(f"{option} {text!r}: expected TARGET=START:STOP:STEP or TARGET=V1,V2,...")
    return parse_target(target, option), parse_values(values, f"{option} {target.strip()}=", percent=True)


def set_bound(data: InputData, target: Target, share: float, bound: str = MAX_SHARE) -> InputData:
    """``data`` with the target's cap (``max_share``, as ``--cap`` sets it) or floor (``min_share``,
    see :mod:`sourcing.sweep.floors`) set to ``share``."""
    if bound == MAX_SHARE:
        return data.with_caps({target: share})
    from sourcing.sweep.floors import with_floors

    return with_floors(data, {target: share})


class Chunk(NamedTuple):
    """Consecutive points of the grid at one risk setting, solved in order with warm starts."""

    risk_weight: float
    cvar_weight: float
    points: tuple[tuple[int, float], ...]  # (index in the grid, max_share)


@dataclass(frozen=True)
class SweepPlan:
    """A validated sweep: the data (with the swept caps set below 1 so their rows exist) and the
    :class:`~sourcing.frontier.Grid` of points, cut into chunks of ``chunk_size``. Picklable: this
    is what workers receive.
    """

    data: InputData
    grid: Grid
    chunk_size: int = CHUNK_SIZE
    key: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def target(self) -> Target:
        return self.grid.target

    @property
    def shares(self) -> tuple[float, ...]:
        return self.grid.shares

    @property
    def cvar_level(self) -> float:
        return self.grid.cvar_level

    @property
    def label(self) -> str:
        return self.grid.label

    @property
    def size(self) -> int:
        return self.grid.size

    @property
    def bound(self) -> str:
        return self.grid.bound

    def at(self, share: float) -> InputData:
        """The inputs with the swept cap (or floor) set to ``share``."""
        return set_bound(self.data, self.target, share, self.bound)

    @property
    def uses_cvar(self) -> bool:
        """Whether some point gives CVaR weight (then the model carries the CVaR rows throughout)."""
        return any(r > 0 and c > 0 for r in self.grid.risk_weights for c in self.grid.cvar_weights)

    def chunks(self) -> list[Chunk]:
        """The grid cut into chunks of at most ``chunk_size`` consecutive cap values, as evenly as
        possible; the cut depends only on the grid and ``chunk_size``."""
        n = len(self.shares)
        pieces = max(1, math.ceil(n / self.chunk_size))
        bounds = [round(i * n / pieces) for i in range(pieces + 1)]
        out = []
        line = 0
        for rw in self.grid.risk_weights:
            for cw in self.grid.cvar_weights:
                base = line * n
                for a, b in zip(bounds, bounds[1:]):
                    out.append(Chunk(rw, cw, tuple((base + j, self.shares[j]) for j in range(a, b))))
                line += 1
        return out


def plan_sweep(data: InputData, target: Target, shares: Iterable[float], *,
               risk_weights: Iterable[float] = (1.0,), cvar_weights: Iterable[float] = (0.0,),
               cvar_level: float = 0.95, chunk_size: int = CHUNK_SIZE, bound: str = MAX_SHARE) -> SweepPlan:
    """Check a sweep's options against ``data`` and return its :class:`SweepPlan`.

    ``bound``: ``max_share`` sweeps the target's cap (``--cap``), ``min_share`` its floor
    (``--floor``: on every element the target offers, or on ORIGIN:ELEMENT).

    Raises:
        OptionError: an unknown origin or element, a target that caps nothing, a share outside
            [0, 1], a bad risk option, an empty or repeated value.
    """
    shares = tuple(float(s) + 0.0 for s in shares)
    risk_weights = tuple(float(r) + 0.0 for r in risk_weights)
    cvar_weights = tuple(float(c) + 0.0 for c in cvar_weights)
    if bound not in BOUNDS:
        raise OptionError(f"bound must be one of {', '.join(BOUNDS)}, got {bound!r}")
    option = "--cap" if bound == MAX_SHARE else "--floor"
    for name, values, upper in ((option, shares, 1.0), ("--risk-weight", risk_weights, None),
                                ("--cvar-weight", cvar_weights, 1.0)):
        if not values:
            raise OptionError(f"{name}: give at least one value")
        parse_values(",".join(repr(v) for v in values), name, upper=upper)  # range, finiteness, repeats
    for r in risk_weights:
        for c in cvar_weights:
            RiskOptions(r, c, cvar_level)  # raises OptionError with the option's name
    if not (isinstance(chunk_size, int) and chunk_size >= 1):
        raise OptionError(f"chunk_size must be a positive integer, got {chunk_size!r}")
    if isinstance(target, tuple):
        target = (str(target[0]), str(target[1]))
    swept_data = set_bound(data, target, SWEPT_CAP, bound)  # raises OptionError for unknown names
    if not swept_rows(swept_data, target, bound).any():
        label = target_label(target)
        raise OptionError(f"{option} {label}: no {option[2:]} of {label} applies (it offers nothing there)")
    size = len(shares) * len(risk_weights) * len(cvar_weights)
    if size > MAX_POINTS:
        raise OptionError(f"the grid has {size:,} points (more than {MAX_POINTS:,})")
    offers = tuple(zip(swept_data.offers["element"], swept_data.offers["origin"]))
    members = tuple(swept_data.members(target if isinstance(target, str) else target[0]))
    from sourcing.output.inputs import inputs_doc

    grid = Grid(target, shares, risk_weights, cvar_weights, float(cvar_level), offers, members, bound, data.year,
                data.year_reason, inputs_doc(data) if data.folder is not None else None)
    return SweepPlan(swept_data, grid, chunk_size)


def swept_rows(data: InputData, target: Target, bound: str = MAX_SHARE) -> np.ndarray:
    """Which max limits (kind 'max', in ascending id order: the rows of ``concentration``) the
    swept cap sets: the target's plain caps (imports basis, origin scope), for one element or all;
    for a floor (``min_share``) which min limits (the rows of ``floor``)."""
    limits, _ = data.limits()
    maxes = limits[limits["kind"] == ("max" if bound == MAX_SHARE else "min")]
    origin, element = (target, None) if isinstance(target, str) else target
    sel = (maxes["origin"] == origin) & (maxes["basis"] == IMPORTS) & (maxes["scope"] == ORIGIN)
    if element is not None:
        sel &= maxes["element"] == element
    return sel.to_numpy()
