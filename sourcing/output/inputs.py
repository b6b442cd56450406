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


def inputs_kind(data: InputData) -> str:
    """``bundled`` (the dataset installed with sourcing), ``workbook`` or ``folder``."""
    from sourcing import bundled_inputs

    folder = data.folder
    if folder is None:
        return "folder"
    if folder.is_file():
        return "workbook"
    try:
        return "bundled" if folder.resolve() == bundled_inputs().resolve() else "folder"
    except OSError:  # pragma: no cover - a folder removed while running
        return "folder"


def inputs_doc(data: InputData) -> dict:
    """What was solved, for a script: ``{"kind", "path", "files": [{"name", "sha256"}]}``, one
    entry per file read (or workbook sheet, named as the sheet, with the hash of its own cells)."""
    kind = inputs_kind(data)
    return {"kind": kind, "path": None if data.folder is None else str(data.folder),
            "files": [{"name": name.removesuffix(".csv") if kind == "workbook" else name, "sha256": digest}
                      for name, digest in data.digests]}


def inputs_words(data: InputData | dict | None) -> str:
    """The inputs (or their :func:`inputs_doc`) in a heading: ``the bundled inputs``, ``folder
    mine``, ``workbook mine.xlsx``."""
    doc = inputs_doc(data) if isinstance(data, InputData) else data
    if doc is None or doc["kind"] == "bundled" or doc["path"] is None:
        return "the bundled inputs" if doc is not None and doc["kind"] == "bundled" else "inputs given in Python"
    return f"{doc['kind']} {doc['path']}"


def solved_heading(title: str, data: InputData | None) -> str:
    """``title`` with the year and the inputs it answers: ``Sourcing plan for 2027, the bundled
    inputs``; ``title`` alone without ``data``."""
    if data is None:
        return title
    year = f" for {data.year}" if data.year is not None else ""
    return f"{title}{year}, {inputs_words(data)}"


def year_line(data: InputData | None, year: int | None = None, reason: str | None = None) -> str:
    """Why a one-year answer is of its year (that of ``data``, or ``year`` for ``reason``):
    ``Year 2027: the first year the inputs name; --year to choose (...)``; "" without a year."""
    if data is not None:
        year, reason = data.year, data.year_reason
    if year is None:
        return ""
    return (f"Year {year}: {reason or 'the year asked for'} (each key's row in force then; a row "
            "without a year holds only before its key's first dated row)")


DEFAULT_HORIZON = "the first to the last year the inputs name; --years to choose"
"""Why ``plan`` covers its years when no ``--years`` chose them."""


def horizon_reason(data: InputData | None) -> str:
    """Why a plan covers its years: the ``--years`` option that chose them, or :data:`DEFAULT_HORIZON`."""
    reason = data.year_reason if data is not None else None
    return reason if reason and reason.startswith("--years") else DEFAULT_HORIZON


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
