"""The picture of a multi-year plan: the trajectory without an event, and what each path loses.

One panel per element: the tonnes contracted from each origin per year (stacked bars; spot
purchases hatched on top), demand (black bars) and the stock at the end of the year (red line,
right axis), along the history without an event. A last panel: the shortage cost of every path as
a grid of events (rows) by start year (columns), present values in USD M, with the baseline's
in the title. matplotlib is imported only when a picture is drawn.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np

from sourcing.multiyear.result import PlanResult
from sourcing.output.files import write_atomic
from sourcing.output.formats import MUSD
from sourcing.output.plan_table import no_event_rows


def plot_plan(result: PlanResult, path: str | Path | None = None, *, dpi: int = 110):
    """Draw ``result`` and save it to ``path`` (PNG, written atomically) if given. Returns the Figure."""
    import matplotlib

    if path is not None:
        matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    v = no_event_rows(result, result.volumes)
    s = no_event_rows(result, result.stock)
    elements = sorted(result.elements["element"].unique())
    origins = sorted(result.volumes["origin"].unique())
    colours = {o: plt.cm.tab10(i % 10) for i, o in enumerate(origins)}
    ncols = 3
    nrows = math.ceil((len(elements) + 1) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.6 * ncols, 3.9 * nrows), layout="constrained", squeeze=False)
    slots = list(axes.flat)
    years = np.asarray(result.years)
    demand = result.elements.set_index(["element", "year"])["demand"]
    for ax, element in zip(slots, elements):
        mine = v[v["element"] == element]
        bottom = np.zeros(len(years))
        for origin in origins:
            got = mine[mine["origin"] == origin].groupby("year")["volume"].sum().reindex(years, fill_value=0.0)
            if got.to_numpy().any():
                ax.bar(years, got.to_numpy(), bottom=bottom, color=colours[origin], width=0.8, label=origin)
            bottom += got.to_numpy()
        spot = mine.groupby("year")["spot"].sum().reindex(years, fill_value=0.0).to_numpy()
        if spot.any():
            ax.bar(years, spot, bottom=bottom, color="white", edgecolor="0.3", hatch="//", width=0.8, label="spot")
        ax.hlines(demand.loc[element].reindex(years).to_numpy(), years - 0.45, years + 0.45, color="black", lw=2,
                  label="demand", zorder=3)
        ax.set_title(f"{element}: contracts without an event (t)")
        _year_ticks(ax, years)
        ax.grid(True, axis="y", alpha=0.3)
        level = s[s["element"] == element].set_index("year")["stock"].reindex(years)
        if not (level.to_numpy() > 0).any():
            continue  # no stock to draw
        right = ax.twinx()
        right.plot(years, level.to_numpy(), color="crimson", lw=2, marker="o", ms=3, label="stock (end of year)")
        right.set_ylabel("stock, t", color="crimson")
        right.set_ylim(0, max(1.0, 1.15 * float(np.nanmax(level.to_numpy(), initial=0.0))))
        right.tick_params(axis="y", colors="crimson")
    _shortage_grid(fig, slots[len(elements)], result)
    for ax in slots[len(elements) + 1:]:
        ax.axis("off")
    handles = [plt.Rectangle((0, 0), 1, 1, color=colours[o], label=o) for o in origins]
    handles += [plt.Rectangle((0, 0), 1, 1, facecolor="white", edgecolor="0.3", hatch="//", label="spot"),
                plt.Line2D([], [], color="black", lw=1.5, label="demand"),
                plt.Line2D([], [], color="crimson", lw=2, marker="o", label="stock, end of year (right axis)")]
    fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 8), fontsize=9)
    o, n = result.options, len(result.paths)
    fig.suptitle(f"Multi-year plan {result.years[0]}-{result.years[-1]} ({n} path{'s' * (n != 1)}; risk weight "
                 f"{o.risk_weight:g}, discount rate {result.discount_rate:.1%}): objective "
                 f"{result.objective / MUSD:,.1f} USD M", fontsize=13)
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
