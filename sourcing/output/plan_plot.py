"""The picture of a multi-year plan: the expected course over the paths, and what each path loses.

One panel per element, from the plan's ``trajectory`` (each path weighted by its probability): the
mean tonnes contracted from each origin per year (stacked bars; mean spot purchases hatched on
top), demand (black bars) and the stock at the end of the year (indigo line: the mean; shaded band:
the 5th to the 95th percentile over the paths; right axis). A last panel: the shortage cost of every
path as a grid of events (rows) by start year (columns), present values in USD M, with the
baseline's in the title. matplotlib is imported only when a picture is drawn.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np

from sourcing.multiyear.outlook import BY_ORIGIN, origins_of
from sourcing.multiyear.result import PlanResult
from sourcing.output.files import write_atomic
from sourcing.output.formats import MUSD

STOCK = "#2b2b8c"
"""The colour of the stock (line and band): none of the origins' tab10 colours."""


def plot_plan(result: PlanResult, path: str | Path | None = None, *, dpi: int = 110):
    """Draw ``result`` and save it to ``path`` (PNG, written atomically) if given. Returns the Figure."""
    import matplotlib

    if path is not None:
        matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    tr = result.trajectory
    elements = sorted(result.elements["element"].unique())
    origins = origins_of(tr)
    colours = {o: plt.cm.tab10(i % 10) for i, o in enumerate(origins)}
    ncols = 3
    nrows = math.ceil((len(elements) + 1) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.6 * ncols, 3.9 * nrows), layout="constrained", squeeze=False)
    slots = list(axes.flat)
    years = np.asarray(result.years)
    for ax, element in zip(slots, elements):
        mine = tr[tr["element"] == element].set_index("year").reindex(years)
        bottom = np.zeros(len(years))
        for origin in origins:
            got = np.nan_to_num(mine[BY_ORIGIN + origin].to_numpy(float))
            if got.any():
                ax.bar(years, got, bottom=bottom, color=colours[origin], width=0.8, label=origin)
            bottom += got
        spot = np.nan_to_num(mine["spot"].to_numpy(float))
        if spot.any():
            ax.bar(years, spot, bottom=bottom, color="white", edgecolor="0.3", hatch="//", width=0.8, label="spot")
        ax.hlines(mine["demand"].to_numpy(float), years - 0.45, years + 0.45, color="black", lw=2,
                  label="demand", zorder=3)
        ax.set_title(f"{element}: expected contracts (t)")
        _year_ticks(ax, years)
        ax.grid(True, axis="y", alpha=0.3)
        low, level, high = (mine[c].to_numpy(float) for c in ("stock_p5", "stock", "stock_p95"))
        if not (high > 0).any() and not (level > 0).any():
            continue  # no stock to draw
        right = ax.twinx()
        right.fill_between(years, low, high, color=STOCK, alpha=0.22, lw=0, label="stock, 5-95%")
        right.plot(years, level, color=STOCK, lw=2, marker="o", ms=3, label="stock, mean (end of year)")
        right.set_ylabel("stock, t", color=STOCK)
        right.set_ylim(0, max(1.0, 1.15 * float(np.nanmax(np.concatenate([high, level]), initial=0.0))))
        right.tick_params(axis="y", colors=STOCK)
    _shortage_grid(fig, slots[len(elements)], result)
    for ax in slots[len(elements) + 1:]:
        ax.axis("off")
    handles = [plt.Rectangle((0, 0), 1, 1, color=colours[o], label=o) for o in origins]
    handles += [plt.Rectangle((0, 0), 1, 1, facecolor="white", edgecolor="0.3", hatch="//", label="spot"),
                plt.Line2D([], [], color="black", lw=1.5, label="demand"),
                plt.Line2D([], [], color=STOCK, lw=2, marker="o", label="stock, end of year: mean (right axis)"),
                plt.Rectangle((0, 0), 1, 1, color=STOCK, alpha=0.22, label="stock: 5th-95th percentile")]
    fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 8), fontsize=9)
    o, n = result.options, len(result.paths)
    fig.suptitle(f"Multi-year plan {result.years[0]}-{result.years[-1]} ({n} path{'s' * (n != 1)}; risk weight "
                 f"{o.risk_weight:g}, discount rate {result.discount_rate:.1%}): objective "
                 f"{result.objective / MUSD:,.1f} USD M; means over the paths, weighted by probability",
                 fontsize=13)
    if path is not None:
        png = io.BytesIO()
        fig.savefig(png, format="png", dpi=dpi)
        plt.close(fig)
        write_atomic(path, png.getvalue())
    return fig


def _year_ticks(ax, years: np.ndarray) -> None:
    """At most about eight labelled years, so that they do not overlap."""
    step = max(1, int(np.ceil(len(years) / 8)))
    ax.set_xticks(years[::step])


def _shortage_grid(fig, ax, result: PlanResult) -> None:
    """Shortage cost of each one-event path: events (rows) by the year they start (columns), USD M."""
    paths = result.paths.merge(result.path_costs[["path", "shortage_cost"]], on="path")
    events = paths[paths["event"].notna()]
    names = sorted(events["event"].unique())
    years = list(result.years)
    if not names:  # no scenario: the baseline is the only path
        ax.axis("off")
        ax.text(0.5, 0.5, "one path: no disruption scenario", ha="center", va="center", transform=ax.transAxes)
        return
    grid = np.full((max(len(names), 1), len(years)), np.nan)
    for r in events.itertuples(index=False):
        grid[names.index(r.event), years.index(int(r.start))] = r.shortage_cost / MUSD
    image = ax.imshow(grid, aspect="auto", cmap="OrRd", interpolation="nearest",
                      extent=(years[0] - 0.5, years[-1] + 0.5, len(names) - 0.5, -0.5))
    ax.set_yticks(range(len(names)), names, fontsize=8)
    _year_ticks(ax, np.asarray(years))
    ax.set_xlabel("year the event starts")
    base = paths[paths["path"] == "baseline"]
    note = f"; baseline {base['shortage_cost'].iloc[0] / MUSD:,.2f}" if len(base) else ""
    ax.set_title(f"Shortage cost per path (USD M, present value{note})", fontsize=10)
    fig.colorbar(image, ax=ax, shrink=0.9, label="USD M")
