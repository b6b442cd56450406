"""What ``sourcing check`` adds for a folder with dated rows, contracts already signed, or inputs that only
``sourcing plan`` reads."""

from __future__ import annotations

from sourcing.data import InputData


def dated_summary(data: InputData) -> str:
    """Which years the rows name, which year ``solve`` answers, and what ``solve`` ignores ("" if nothing)."""
    timeline = data.timeline
    if timeline is None:
        return ""
    lines = []
    horizon = timeline.default_horizon()
    if horizon is not None:
        first, last = horizon
        lines.append(f"dated rows name the years {first}-{last}: solve answers {data.year} (solve --year Y for "
                     f"another year); plan's default horizon is {first}:{last}")
    commitments = timeline.frames.get("commitments")
    if commitments is not None and len(commitments):
        lines.append(_commitments_line(commitments, horizon))
    ignored = timeline.plan_only_inputs()
    if ignored:
        lines.append("solve ignores what only plan reads: " + "; ".join(ignored))
    return "".join(data.words(line) + "\n" for line in lines)


def _commitments_line(commitments, horizon: tuple[int, int] | None) -> str:
    """Which years the contracts already signed are for, and which of them the default horizon ignores."""
    years = commitments["year"].astype(int)
    n = len(years)
    line = (f"commitments.csv: {n} {'row' if n == 1 else 'rows'} for delivery in {_years(years)}: plan counts "
            "those for the years it plans and ignores the others")
    if horizon is not None:
        outside = years[(years < horizon[0]) | (years > horizon[1])]
        if len(outside):
            line += (f" ({len(outside)} for {_years(outside)}, outside the default horizon "
                     f"{horizon[0]}:{horizon[1]}, are ignored there)")
    return line + "; solve --year Y counts those for Y"


def _years(years) -> str:
    first, last = int(years.min()), int(years.max())
    return str(first) if first == last else f"{first}-{last}"
