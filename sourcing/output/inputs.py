"""What ``sourcing check`` adds for a folder with dated rows or inputs that only ``sourcing plan`` reads."""

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
    ignored = timeline.plan_only_inputs()
    if ignored:
        lines.append("solve ignores what only plan reads: " + "; ".join(ignored))
    return "".join(data.words(line) + "\n" for line in lines)
