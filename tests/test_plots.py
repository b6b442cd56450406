"""What a reader sees in the pictures (issue 21, item 10): every bar and line inside its axes, no
empty share panel, expected shortage and stockpile on an axis of their own, a group's total share
drawn, the 'no plan' label inside its grey zone."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from sourcing import load_inputs  # noqa: E402
from sourcing.multiyear.api import plan  # noqa: E402
from sourcing.output.plan_plot import plot_plan  # noqa: E402
from sourcing.output.plot import plot_frontier  # noqa: E402
from sourcing.sweep import infeasible_causes, parse_values, plan_sweep  # noqa: E402
from sourcing.sweep.run import execute  # noqa: E402
from tests.helpers import FORMER_CASE, write_folder  # noqa: E402


def _sweep(data, target, text, **kw):
    swept = plan_sweep(data, target, parse_values(text, "--cap"), **kw)
    frontier = execute(swept)
    return frontier.frame(), infeasible_causes(swept, frontier)[1], swept.grid.members


def _close(fig) -> None:
    import matplotlib.pyplot as plt

    plt.close(fig)


def _lines_inside(fig) -> None:
    """Every drawn line's finite points lie within its axes' limits."""
    for ax in fig.axes:
        low, high = sorted(ax.get_ylim())
        left, right = sorted(ax.get_xlim())
        for line in ax.get_lines():
            x, y = np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)
            ok = np.isfinite(x) & np.isfinite(y)
            assert (y[ok] >= low - 1e-9).all() and (y[ok] <= high + 1e-9).all(), (ax.get_title(), line.get_label())
            assert (x[ok] >= left - 1e-9).all() and (x[ok] <= right + 1e-9).all(), (ax.get_title(), line.get_label())


def _zone_labels_inside(fig) -> int:
    """Each 'no plan' label lies inside its axes' grey zone; returns how many there are."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    count = 0
    for ax in fig.axes:
        for text in ax.texts:
            if text.get_gid() != "no-plan":
                continue
            box = text.get_window_extent(renderer)
            zones = [p.get_window_extent(renderer) for p in ax.patches]
            assert any(z.x0 - 1 <= box.x0 and box.x1 <= z.x1 + 1 and z.y0 - 1 <= box.y0 and box.y1 <= z.y1 + 1
                       for z in zones), (ax.get_title(), box, zones)
            count += 1
    return count


@pytest.fixture(scope="module")
def bundled():
    return load_inputs(FORMER_CASE)  # the case whose origins these sweeps name


def test_the_plan_plot_shows_every_bar_whole(bundled):
    result = plan(bundled, (2026, 2028))
    fig = plot_plan(result)
    tops = 0
    for ax in fig.axes:
        for bar in ax.patches:
            if bar.get_height() > 0 and np.isfinite(bar.get_y()):
                assert bar.get_y() + bar.get_height() <= ax.get_ylim()[1] + 1e-9, (ax.get_title(), bar.get_x())
                tops += 1
    assert tops > 10
    _lines_inside(fig)
    _close(fig)


def test_an_element_cap_sweep_draws_no_empty_share_panel(bundled):
    points, causes, members = _sweep(bundled, ("China", "Dy"), "1.0:0.5:0.05")
    fig = plot_frontier(points, causes=causes, members=members)
    panels = [ax for ax in fig.axes if ax.get_title().endswith("share of each origin")]
    assert panels
    for ax in panels:
        drawn = [line for line in ax.get_lines() if np.isfinite(np.asarray(line.get_ydata(), float)).any()]
        assert drawn, f"{ax.get_title()} is empty"
    named = " ".join(t.get_text() for ax in fig.axes for t in ax.texts)
    shown = {ax.get_title().split(":")[0] for ax in panels}
    for element in set(bundled.elements["element"]) - shown:
        assert f"{element}:" in named  # what does not move is said, not drawn empty
    _lines_inside(fig)
    assert _zone_labels_inside(fig) == 3
    _close(fig)


def test_expected_shortage_and_stockpile_have_their_own_axis(bundled):
    points, causes, members = _sweep(bundled, "China", "1.0:0.5:0.05")
    fig = plot_frontier(points, causes=causes, members=members)
    costs = fig.axes[1]
    risk = [ax for ax in fig.axes if ax is not costs and ax.get_shared_x_axes().joined(ax, costs)]
    assert len(risk) == 1
    dashed = [line for line in risk[0].get_lines() if line.get_linestyle() == "--"]
    assert dashed and all(line.get_linestyle() != "--" for line in costs.get_lines())
    highest = max(np.nanmax(np.asarray(line.get_ydata(), float)) for line in risk[0].get_lines())
    assert highest >= 0.5 * risk[0].get_ylim()[1]  # the lines use their axis, not lie flat at its foot
    _lines_inside(fig)
    _close(fig)


def test_a_group_sweep_draws_the_groups_total_share(tmp_path):
    folder = write_folder(tmp_path / "asia", **{p.stem: p.read_text() for p in FORMER_CASE.glob("*.csv")},
                          groups="group,origin\nasia,China\nasia,Southeast Asia\n")
    points, causes, members = _sweep(load_inputs(folder), "asia", "1.0:0.3:0.05")
    assert set(members) == {"China", "Southeast Asia"}
    fig = plot_frontier(points, causes=causes, members=members)
    panels = [ax for ax in fig.axes if ax.get_title().endswith("share of each origin")]
    totals = 0
    ok = points[points["status"] == "optimal"].sort_values("max_share")
    for ax in panels:
        element = ax.get_title().split(":")[0]
        lines = [line for line in ax.get_lines() if line.get_label() == "asia (total)"]
        held = [f"share:{element}:{o}" for o in members if f"share:{element}:{o}" in points]
        assert len(lines) == (len(held) > 1), element  # one member offering: its own line is the total
        if not lines:
            continue
        y = np.asarray(lines[0].get_ydata(), float)
        assert np.allclose(y[np.isfinite(y)], 100 * ok[held].sum(axis=1).to_numpy())
        assert (y[np.isfinite(y)] <= 100 * ok["max_share"].to_numpy() + 1e-6).all()  # the cap holds on the total
        totals += 1
    assert totals == len(panels) > 0
    _lines_inside(fig)
    assert _zone_labels_inside(fig) == 3
    _close(fig)


@pytest.mark.parametrize("text", ["1.0:0.3:0.01", "1.0:0.6:0.02"])
def test_the_no_plan_label_stays_in_its_grey_zone(bundled, text):
    points, causes, members = _sweep(bundled, "China", text, risk_weights=(0.0, 1.0))
    assert (points["status"] != "optimal").any()
    fig = plot_frontier(pd.DataFrame(points), causes=causes, members=members)
    assert _zone_labels_inside(fig) == 3
    _close(fig)
