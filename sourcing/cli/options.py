"""The options the commands share, each parsed and checked before any work: numbers written as the
input files write them, ``--cap`` overrides, output paths that can be written, the risk options."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from sourcing.errors import OptionError

EXIT_CODES = """Exit codes: 0 done (optimal, or check found nothing wrong); 2 usage error (bad option, or an
output that cannot be written); 3 invalid input data (each problem as file:line:column); 4
infeasible (the conflicting caps, floors, capacities or commitments, and the change that fixes
each); 5 the solver failed or hit --time-limit; 130 interrupted (Ctrl-C or SIGTERM). With
--format json (or an --output ending in .json) a failure still writes one JSON document to stdout."""


def epilog(*examples: str) -> str:
    """An example or two (kept as written) and the exit codes, for a command's --help."""
    lines = "\n".join(f"  $ {e}" for e in examples)
    return f"\b\nExamples:\n{lines}\n\n{EXIT_CODES}"


class Number(click.ParamType):
    """A finite number written as the input files write one (ASCII digits; ``1e-3`` and ``.5`` too),
    within [``low``, ``high``] (``high`` excluded if ``open_high``)."""

    name = "number"

    def __init__(self, low: float | None = None, high: float | None = None, *, open_low: bool = False,
                 open_high: bool = False) -> None:
        self.low, self.high, self.open_low, self.open_high = low, high, open_low, open_high

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        from sourcing.schema import parse_number

        if isinstance(value, float):
            return value
        number = parse_number(str(value))
        if number is None:
            self.fail(f"{value!r} is not a finite number", param, ctx)
        if self.low is not None and (number < self.low or (self.open_low and number == self.low)):
            self.fail(f"{value!r} must be {'>' if self.open_low else '>='} {self.low:g}", param, ctx)
        if self.high is not None and (number > self.high or (self.open_high and number == self.high)):
            self.fail(f"{value!r} must be {'<' if self.open_high else '<='} {self.high:g}", param, ctx)
        return number


def parse_caps(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict:
    """``ORIGIN=SHARE`` or ``ORIGIN:ELEMENT=SHARE`` -> {origin or (origin, element): share}."""
    from sourcing.schema import parse_share

    caps: dict[Any, float] = {}
    for text in values:
        target, sep, share_text = text.rpartition("=")
        if not sep or not target.strip():
            raise click.BadParameter(f"{text!r}: expected ORIGIN=SHARE or ORIGIN:ELEMENT=SHARE")
        share = parse_share(share_text)
        if share is None:
            raise click.BadParameter(f"{text!r}: SHARE must be a number in [0, 1] or a percentage (60%), "
                                     f"got {share_text.strip()!r}")
        if not 0.0 <= share <= 1.0:
            hint = f" (for {share:g}% write {share / 100:g} or {share:g}%)" if 1 < share <= 100 else ""
            raise click.BadParameter(f"{text!r}: SHARE must lie in [0, 1], got {share:g}{hint}")
        origin, colon, element = target.partition(":")
        key = (origin.strip(), element.strip()) if colon else origin.strip()
        if key in caps:
            raise click.BadParameter(f"{text!r}: the cap on {target.strip()} is given twice "
                                     f"({caps[key]:g} and {share:g}); give it once")
        caps[key] = share
    return caps


def check_output(ctx: click.Context, param: click.Parameter, value: str | None) -> Path | None:
    """An output path, checked before any work: ``-`` is stdout (None); an empty name, a folder
    that does not exist or cannot be written, or a folder in its place, is a usage error."""
    if value is None or (value == "-" and param.name == "output"):
        return None
    if not value.strip():
        raise click.BadParameter("must not be empty: give a file name (or - for stdout)", ctx, param)
    path = Path(value)
    from sourcing.output.files import is_regular_or_absent

    if path.is_dir():
        raise click.BadParameter(f"{value!r} is a folder; give a file name", ctx, param)
    if is_regular_or_absent(path):  # a pipe or a device is written straight through
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.is_dir():
            raise click.BadParameter(f"folder {str(folder)!r} does not exist", ctx, param)
        if not os.access(folder, os.W_OK):
            raise click.BadParameter(f"folder {str(folder)!r} is not writable", ctx, param)
    return path


def refuse_replacing_inputs(inputs: Path, outputs: dict[str, Path | None], files: tuple[Path | None, ...] = ()) -> None:
    """Refuse (usage error) an output that would replace an input: ``outputs`` ({option: path},
    None for stdout) against the workbook or folder ``inputs`` and the other input ``files`` read
    (``--plan``, ``--status-quo``).

    An output is refused if it is one of those files, however it is named (a relative path, a
    symbolic or hard link, another case where the file system ignores case), or if it is a file of
    the inputs folder that sourcing reads (an input file's name, in any case, or
    ``plans/status-quo.csv``), existing or not.

    Raises:
        OptionError: naming the option, the path and the input it would replace.
    """
    from sourcing.schema import SPECS

    read = [Path(f) for f in files if f is not None]
    folder = inputs if inputs.is_dir() else None
    names = {spec.name.casefold() for spec in SPECS.values()} | {"plans/status-quo.csv"}
    if folder is None:
        read.append(inputs)
    else:
        read += [folder / name for name in sorted(names)]
    for option, path in outputs.items():
        if path is None:
            continue
        target = Path(os.path.realpath(path))  # what a write replaces: a link's target
        hit = next((f for f in read if _same_file(target, f)), None)
        if hit is None and folder is not None:
            for parent, name in ((target.parent, target.name),
                                 (target.parent.parent, f"{target.parent.name}/{target.name}")):
                if name.casefold() in names and _same_file(parent, folder):
                    hit = folder / name
        if hit is not None:
            raise OptionError(f"{option} {path} would replace the input {hit}; write the output elsewhere")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # either does not exist
        return False


def check_plot(ctx: click.Context, param: click.Parameter, value: str | None) -> Path | None:
    """A ``--plot`` file, checked as :func:`check_output` checks an output: a picture goes to a file
    (never ``-``) whose extension names its format (.png, .svg or .pdf)."""
    from sourcing.output.files import PLOT_FORMATS

    if value is not None and value.strip() == "-":
        raise click.BadParameter("a picture is written to a file, not to stdout: give a file name ending in "
                                 f"{', '.join(PLOT_FORMATS)}", ctx, param)
    path = check_output(ctx, param, value)
    if path is not None and path.suffix.lower() not in PLOT_FORMATS:
        raise click.BadParameter(f"{value!r}: name the picture's format by its extension "
                                 f"({', '.join(PLOT_FORMATS)})", ctx, param)
    return path


inputs_option = click.option(
    "--inputs", type=click.Path(exists=True, path_type=Path), default=None, metavar="DIR|BOOK.xlsx",
    help="Folder of input CSV files, or a workbook with one sheet per file (default: the bundled Japan "
         "dataset, from any folder; stderr says so, and names the folder's own inputs where it holds a "
         "supply.csv or one workbook with a supply sheet: pass --inputs . or --inputs BOOK.xlsx to read them).",
)
format_option = click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv", "xlsx"]), default=None,
    help="table for people (the default); json or csv for scripts; xlsx for a workbook (with --output). "
         "Without it, --output's extension (.txt, .json, .csv, .xlsx) chooses.",
)
output_option = click.option(
    "--output", default=None, callback=check_output, metavar="PATH",
    help="Write to this file (atomically; - for stdout) instead of stdout.",
)
time_limit_option = click.option(
    "--time-limit", type=Number(0, open_low=True), default=None, metavar="SECONDS",
    help="Seconds HiGHS may take per solve (exit 5 when hit).",
)
year_option = click.option(
    "--year", type=click.IntRange(1000, 9999), default=None, metavar="YEAR",
    help="Use the rows in force in this year (default: the first year named in a year column).",
)
caps_option = click.option(
    "--cap", "caps", multiple=True, callback=parse_caps, metavar="ORIGIN[:ELEMENT]=SHARE",
    help="Override caps.csv for this run; ORIGIN=SHARE caps every element; SHARE as 0.6 or 60%; repeatable. "
         "1 removes.",
)


def risk_options(func: Callable) -> Callable:
    func = click.option("--cvar-level", type=Number(), default=0.95, show_default=True,
                        help="beta in [0, 1): CVaR averages the worst 1 - beta of probability.")(func)
    func = click.option("--cvar-weight", type=Number(), default=0.0, show_default=True,
                        help="omega in [0, 1]: share of the risk term given to CVaR.")(func)
    func = click.option("--risk-weight", type=Number(), default=1.0, show_default=True,
                        help="lambda >= 0: weight of disruption losses (0 ignores them).")(func)
    return func


def check_new_folder(folder: Path) -> None:
    """Refuse (usage error) a FOLDER for ``init`` that cannot become a folder: a file, a symbolic
    link to nothing, or a path through a file."""
    if folder.is_symlink() and not folder.exists():
        raise OptionError(f"{folder} is a symbolic link to {os.readlink(folder)}, which does not exist; "
                          "choose another name, or make the folder it points to")
    if folder.exists() and not folder.is_dir():
        raise OptionError(f"{folder} is a file, not a folder; choose another name")
    for parent in folder.parents:
        if parent.exists() or parent.is_symlink():
            if not parent.is_dir():
                raise OptionError(f"{folder}: {parent} is a file, not a folder; choose another name")
            break
