"""The picture of a sweep: what diversification costs as the cap (or floor) tightens.

Top row: the objective, then procurement cost (left axis) with expected shortage cost and
stockpile cost on their own axis (right: they are often a hundredth of procurement), then the
marginal cost of tightening the cap by one percentage point, against the cap, one line (colour)
per risk setting. Below: one panel per element whose shares move, the share of each origin
(colour) against the cap, one line style per risk setting, and for a group the group's total
(black); a share that does not move over the whole sweep is named in the panel (with its value)
instead of drawn, and an element none of whose shares move gets no panel but a line of the note
below the legend. Lines that lie on each other are drawn thick under thin, so that an origin at
zero is never hidden under another. Caps where no plan exists are shaded grey and labelled with
the reason (which element needs how much of the capped origin), inside the shaded zone (turned
upright where the zone is narrow); every line stops at the tightest cap with a plan. The cap axis
runs from loose (left) to tight (right); a floor's from no floor (left) to the highest (right).
matplotlib is imported only when a picture is drawn.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from sourcing.output.formats import MUSD

STYLES = ("-", "--", ":", "-.")
PANELS_PER_ROW = 5


DPI = 120
"""The resolution of the picture."""


def plot_frontier(points: pd.DataFrame, path: str | Path | None = None, *, title: str | None = None, dpi: int = DPI,
                  causes: Sequence[str] = (), members: Sequence[str] = ()):
    """Draw the frontier of ``points`` (a frame from :func:`sourcing.sweep.run_sweep`, or its CSV
    read back with pandas) and save it to ``path`` (PNG) if given. Returns the Figure.

    ``causes``: why the loosest cap without a plan has none (:func:`sourcing.sweep.infeasible_causes`),
    written in the shaded zone. ``members``: the origins of the target when it is a group
    (``Grid.members``): their total share is drawn in each element's panel."""
    import matplotlib

    if path is not None:
        matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    bound = "min_share" if "min_share" in points.columns and "max_share" not in points.columns else "max_share"
    limit = "cap" if bound == "max_share" else "floor"
    target = str(points["target"].iloc[0]) if "target" in points and len(points) else f"the {limit}"
    origin, _, element = target.partition(":")
    whose = f"{origin}'" if origin.endswith("s") else f"{origin}'s"
    cap_name = f"{limit} on {whose} share of {element} imports" if element else f"{limit} on {whose} share of imports"
    share_cols = [c for c in points.columns if c.startswith("share:")]
    origins = sorted({c.split(":", 2)[2] for c in share_cols})
    colours = {o: plt.cm.tab10(i % 10) for i, o in enumerate(origins)}
    group = [m for m in members if m != origin] if len(members) > 1 else []
    flat = _flat_shares(points)
    every = list(dict.fromkeys(c.split(":", 2)[1] for c in share_cols))
    moving = {el for el in every if any(f"share:{el}:{o}" in points and o not in flat.get(el, {}) for o in origins)}
    elements = [el for el in every if el in moving]
    still_elements = [el for el in every if el not in moving]

    series = list(dict.fromkeys(zip(points["risk_weight"], points["cvar_weight"])))
    several_cvar = points["cvar_weight"].nunique() > 1 or (points["cvar_weight"] > 0).any()

    def name(rw: float, cw: float) -> str:
        return f"risk weight {rw:g}" + (f", CVaR weight {cw:g}" if several_cvar else "")

    ncols = 3
    nrows = 1 + max(1, math.ceil((len(elements) + (1 if still_elements else 0)) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.2 * ncols, 3.9 * nrows), layout="constrained", squeeze=False)
    top = list(axes[0])
    risk_axis = top[1].twinx()  # expected shortage and stockpile: their own scale
    slots = list(axes[1:].flat)
    bottom, spare = slots[:len(elements)], slots[len(elements):]

    line_colour = {s: plt.cm.viridis(0.85 * i / max(1, len(series) - 1)) for i, s in enumerate(series)}
    for s in series:
        sel = points[(points["risk_weight"] == s[0]) & (points["cvar_weight"] == s[1])]
        sel = sel.sort_values(bound)
        x = 100 * sel[bound].to_numpy()
        ok = (sel["status"] == "optimal").to_numpy()

        def y(col: str, scale: float = MUSD, sel: pd.DataFrame = sel, ok: np.ndarray = ok) -> np.ndarray:
            return np.where(ok, sel[col].to_numpy(float) / scale, np.nan)

        c = line_colour[s]
        top[0].plot(x, y("objective"), color=c, lw=2, label=name(*s))
        top[1].plot(x, y("procurement_cost"), color=c, lw=2, label=f"procurement, {name(*s)}")
        risk_axis.plot(x, y("expected_shortage_cost"), color=c, lw=2, ls="--", label=f"expected shortage, {name(*s)}")
        risk_axis.plot(x, y("stockpile_cost"), color=c, lw=1.5, ls=":", label=f"stockpile, {name(*s)}")
        top[2].plot(*_steps(x, y("marginal_cost_per_pp")), color=c, lw=2, label=name(*s))
        style = STYLES[series.index(s) % len(STYLES)]
        for ax, el in zip(bottom, elements):
            drawn = [o for o in origins if f"share:{el}:{o}" in sel and o not in flat.get(el, {})]
            for rank, o in enumerate(drawn):  # thick under thin: lines on each other all show
                width = 1.5 + 1.7 * (len(drawn) - 1 - rank) / max(1, len(drawn) - 1)
                ax.plot(x, y(f"share:{el}:{o}", 0.01), color=colours[o], ls=style, lw=width, label=o)
            held = [f"share:{el}:{o}" for o in group if f"share:{el}:{o}" in sel]
            if len(held) > 1:  # the group's total share, what its cap (or floor) limits (one member: its line)
                total = np.where(ok, sel[held].to_numpy(float).sum(axis=1) * 100, np.nan)
                ax.plot(x, total, color="black", ls=style, lw=1.3, label=f"{origin} (total)", zorder=4)

    top[0].set_title("Objective: procurement + risk_weight x risk")
    top[0].set_ylabel("USD M / yr")
    top[1].set_title("Procurement (solid, left); expected shortage (dashed),\nstockpile (dotted): right axis",
                     fontsize=10)
    top[1].set_ylabel("procurement, USD M / yr")
    risk_axis.set_ylabel("expected shortage, stockpile, USD M / yr")
    _from_zero(risk_axis)
    highs = [float(np.nanmax(line.get_ydata(), initial=0.0)) for line in risk_axis.get_lines()]
    highs = [h for h in highs if h > 0]
    if highs and max(highs) > 20 * min(highs):  # one risk setting's losses dwarf another's: a log scale
        linthresh = max(1e-3, min(highs) / 2)
        risk_axis.set_yscale("symlog", linthresh=linthresh)
        risk_axis.set_ylim(0.0, 1.5 * max(highs))
        decades = 10.0 ** np.arange(math.ceil(math.log10(linthresh)), math.floor(math.log10(1.5 * max(highs))) + 1)
        risk_axis.yaxis.set_major_locator(matplotlib.ticker.FixedLocator([0.0, *decades]))  # 0, then decades
        risk_axis.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
        risk_axis.set_ylabel("expected shortage, stockpile, USD M / yr (log scale)")
    _from_zero(top[2])  # a marginal cost is never negative; a flat one reads as flat
    for ax in (*top, risk_axis) if risk_axis.get_yscale() == "linear" else top:
        ax.ticklabel_format(axis="y", style="plain", useOffset=False)  # 1,360.2, not 0.2 + 1.36e3
    top[2].set_title("Marginal cost: rise of the objective per point tighter", fontsize=11)
    top[2].set_ylabel("USD M per percentage point")
    top[0].legend(fontsize=8, loc="best")
    for ax, el in zip(bottom, elements):
        ax.set_title(f"{el}: share of each origin")
        ax.set_ylabel("% of imports")
        ax.set_ylim(-3, 103)
        if flat.get(el):  # named in the panel's legend, placed where it hides no line
            still = [plt.Line2D([], [], color=colours[o], lw=0, marker="s", label=f"{o}: {v:.1%}")
                     for o, v in sorted(flat[el].items(), key=lambda kv: -kv[1])]
            ax.legend(handles=still, title="the same over the sweep", loc="best", fontsize=8, title_fontsize=8)
    infeasible = _infeasible_spans(points, bound)
    caps = 100 * points[bound].to_numpy(float)
    for ax in top + bottom:
        ax.set_xlabel(f"{cap_name} ({bound}, %)")
        if len(caps):  # every panel spans the whole sweep, drawn lines or not, loose on the left
            pad = max(0.5, 0.02 * (caps.max() - caps.min()))
            ax.set_xlim(*((caps.max() + pad, caps.min() - pad) if bound == "max_share"
                          else (caps.min() - pad, caps.max() + pad)))
        ax.grid(True, alpha=0.3)
        for lo, hi in infeasible:
            ax.axvspan(100 * lo, 100 * hi, color="0.85", zorder=0)
    if infeasible:
        lo, hi = max(infeasible, key=lambda s: s[1]) if bound == "max_share" else min(infeasible)  # the loosest
        for ax in top:
            _zone_label(fig, ax, 100 * lo, 100 * hi, causes)
    shown = [o for o in origins if any(f"share:{el}:{o}" in points and o not in flat.get(el, {}) for el in elements)]
    handles = [plt.Line2D([], [], color=colours[o], lw=2, label=o) for o in shown]
    if group:
        handles.append(plt.Line2D([], [], color="black", lw=1.3, label=f"{origin} (total of its members)"))
    if len(series) > 1:
        handles += [plt.Line2D([], [], color="0.3", ls=STYLES[i % len(STYLES)], label=name(*s))
                    for i, s in enumerate(series)]
    note = _still_note(still_elements, flat)
    if spare:
        for ax in spare:
            ax.axis("off")
        spare[0].legend(handles=handles, loc="upper center" if note else "center", fontsize=10,
                        title="share panels", frameon=False)
        if note:
            spare[0].text(0.5, 0.02, note, transform=spare[0].transAxes, ha="center", va="bottom", fontsize=8.5,
                          color="0.25")
    elif bottom:
        fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 8), fontsize=9)
    level = points["cvar_level"].iloc[0] if "cvar_level" in points and len(points) else None
    fig.suptitle(title or f"What diversification costs: {cap_name}"
                 + (f" (CVaR level {level:g})" if level is not None and several_cvar else ""), fontsize=14)
    if path is not None:
        from sourcing.output.files import write_figure

        write_figure(fig, path, dpi)  # a reader never sees half a picture
        plt.close(fig)
    return fig


def _steps(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A step line through (x, y) (x ascending; y[i] holds on (x[i-1], x[i]]: the rate of tightening
    from x[i]) drawn only between caps that both have a plan, and a point at a lone one."""
    xs, ys = [], []
    for i in range(len(x)):
        if not np.isfinite(y[i]):
            continue
        if i > 0 and np.isfinite(y[i - 1]):
            xs += [x[i - 1], x[i], np.nan]
            ys += [y[i], y[i], np.nan]
        if i + 1 < len(x) and np.isfinite(y[i + 1]):  # the rise to the next level
            xs += [x[i], x[i], np.nan]
            ys += [y[i], y[i + 1], np.nan]
        elif i == 0 or not np.isfinite(y[i - 1]):
            xs += [x[i], np.nan]
            ys += [y[i], np.nan]
    return np.array(xs, float), np.array(ys, float)


def _from_zero(ax) -> None:
    """The axis from 0 (costs are never negative) to a little above its highest line."""
    top = max((np.nanmax(line.get_ydata(), initial=0.0) for line in ax.get_lines()), default=0.0)
    ax.set_ylim(0.0, max(1e-3, 1.08 * float(top)))


def _still_note(elements: Sequence[str], flat: dict[str, dict[str, float]]) -> str:
    """The elements none of whose shares move, with their shares, for the note under the legend."""
    if not elements:
        return ""
    lines = ["unchanged over the sweep (no panel):"]
    for el in elements:
        shares = ", ".join(f"{o} {v:.1%}" for o, v in sorted(flat.get(el, {}).items(), key=lambda kv: -kv[1])
                           if v > 5e-4)
        lines.append(textwrap.fill(f"{el}: {shares or 'nothing contracted'}", 52))
    return "\n".join(lines)


def _zone_label(fig, ax, lo: float, hi: float, causes: Sequence[str]) -> None:
    """'no plan (infeasible)' and why, inside the shaded zone from ``lo`` to ``hi`` (% on the x
    axis): across it where it is wide enough, else upright; wrapped to fit either way."""
    fig.canvas.draw_idle()
    box = ax.get_window_extent()
    left, right = sorted(ax.get_xlim())
    width = abs(hi - lo) / (right - left) * box.width / fig.dpi * 72  # points
    height = box.height / fig.dpi * 72
    size = 8.0
    char = 0.55 * size  # the width of an average character, points
    upright = width < 0.3 * box.width / fig.dpi * 72
    room = (0.9 * height if upright else 0.9 * width) / char
    parts = ["no plan (infeasible)"] + [_short(c) for c in causes]
    lines = [line for part in parts for line in textwrap.wrap(part, max(8, int(room)))]
    across = 1.25 * size * (len(lines) + len(parts) - 1)  # the text's extent across its lines, points
    limit = 0.9 * (width if upright else height)
    while across > limit and len(parts) > 1:  # drop causes that do not fit (the first says most)
        parts.pop()
        lines = [line for part in parts for line in textwrap.wrap(part, max(8, int(room)))]
        across = 1.25 * size * (len(lines) + len(parts) - 1)
    if across > limit:
        size = max(5.0, size * limit / across)
    text = "\n\n".join("\n".join(textwrap.wrap(part, max(8, int(room)))) for part in parts)
    ax.text((lo + hi) / 2, 0.5, text, transform=ax.get_xaxis_transform(), ha="center", va="center",
            fontsize=size, color="0.25", rotation=90 if upright else 0, gid="no-plan")


def _flat_shares(points: pd.DataFrame) -> dict[str, dict[str, float]]:
    """{element: {origin: share}} of the shares that do not move over the sweep's optimal points."""
    ok = points[points["status"] == "optimal"]
    out: dict[str, dict[str, float]] = {}
    if ok.empty:
        return out
    for col in (c for c in points.columns if c.startswith("share:")):
        values = ok[col].to_numpy(float)
        if np.nanmax(values) - np.nanmin(values) <= 1e-9:
            _, element, origin = col.split(":", 2)
            out.setdefault(element, {})[origin] = float(values[0])
    return out


def _short(cause: str) -> str:
    """A cause of infeasibility cut to its first clause: 'Tb: China must supply at least 62.3% of imports'."""
    return cause.split(" but ", 1)[0].split(";", 1)[0]


def _infeasible_spans(points: pd.DataFrame, bound: str = "max_share") -> list[tuple[float, float]]:
    """Ranges of the cap where no risk setting has a plan, widened to midway to the next value."""
    by_cap = points.groupby(bound)["status"].apply(lambda s: (s != "optimal").all()).sort_index()
    caps = by_cap.index.to_numpy(float)
    bad = by_cap.to_numpy(bool)
    spans, i = [], 0
    while i < len(caps):
        if not bad[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(caps) and bad[j + 1]:
            j += 1
        lo = caps[i] if i == 0 else (caps[i - 1] + caps[i]) / 2
        hi = caps[j] if j == len(caps) - 1 else (caps[j] + caps[j + 1]) / 2
        spans.append((lo, hi))
        i = j + 1
    return spans
