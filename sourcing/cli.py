"""The ``sourcing`` command: a thin layer over the Python API.

Only click is imported at start-up; the optimization and data libraries load when a command runs,
so ``sourcing --help`` answers at once. Each command parses its options, calls the API and hands
the result to :mod:`sourcing.output`. Data goes to stdout (or ``--output``); messages to stderr.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from sourcing import bundled_inputs

EXIT_CODES = """Exit codes: 0 done (optimal, or check found nothing wrong); 2 usage error (bad option, or an
output that cannot be written); 3 invalid input data (each problem as file:line:column); 4
infeasible (the conflicting caps, floors, capacities or commitments, and the change that fixes
each); 5 the solver failed or hit --time-limit; 130 interrupted (Ctrl-C or SIGTERM)."""


def _epilog(*examples: str) -> str:
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


def _parse_cap(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict:
    """``ORIGIN=SHARE`` or ``ORIGIN:ELEMENT=SHARE`` -> {origin or (origin, element): share}."""
    from sourcing.schema import parse_number

    caps: dict[Any, float] = {}
    for text in values:
        target, sep, share_text = text.rpartition("=")
        if not sep or not target.strip():
            raise click.BadParameter(f"{text!r}: expected ORIGIN=SHARE or ORIGIN:ELEMENT=SHARE")
        share = parse_number(share_text)
        if share is None:
            raise click.BadParameter(f"{text!r}: SHARE must be a number in [0, 1], got {share_text.strip()!r}")
        if not 0.0 <= share <= 1.0:
            hint = f" (for {share:g}% write {share / 100:g})" if 1 < share <= 100 else ""
            raise click.BadParameter(f"{text!r}: SHARE must lie in [0, 1], got {share:g}{hint}")
        origin, colon, element = target.partition(":")
        key = (origin.strip(), element.strip()) if colon else origin.strip()
        if key in caps:
            raise click.BadParameter(f"{text!r}: the cap on {target.strip()} is given twice "
                                     f"({caps[key]:g} and {share:g}); give it once")
        caps[key] = share
    return caps


def _run(action: Callable[[], str], output: Path | None) -> None:
    """Run ``action`` and emit the text it renders; map our errors to the contract's exit codes."""
    from sourcing.errors import OptionError, SourcingError
    from sourcing.signals import ignore_interrupts, sigterm_as_interrupt

    try:
        with sigterm_as_interrupt():
            text = action()
            if output is not None:
                _write(output, text)
    except OptionError as exc:
        raise click.UsageError(str(exc)) from None
    except SourcingError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt as exc:
        ignore_interrupts()  # the process is on its way out: a second Ctrl-C must not cut that short
        click.echo("interrupted" + (f": {exc}" if str(exc) else ""), err=True)
        sys.exit(130)
    except Exception as exc:  # a bug: say so briefly, keep the traceback for those who ask
        if os.environ.get("SOURCING_DEBUG"):
            raise
        click.echo(f"internal error (a bug in sourcing; set SOURCING_DEBUG=1 for details): {exc!r}", err=True)
        sys.exit(1)
    if output is None:
        click.echo(text, nl=False)
    else:
        click.echo(f"wrote {output}", err=True)


def _write(output: Path, text: str) -> None:
    """Write ``text`` to ``output`` (atomically where it is a file); a failure is an OutputError."""
    from sourcing.errors import OutputError
    from sourcing.output import write_atomic

    try:
        write_atomic(output, text)
    except OSError as exc:
        raise OutputError(f"cannot write {output}: {exc.strerror or exc}; nothing was written") from None


def _load(inputs: Path | None):
    """The validated inputs (the bundled ones by default), their warnings said on stderr."""
    from sourcing.data import load_inputs

    data = load_inputs(inputs or bundled_inputs())
    for warning in data.warnings:
        click.echo(f"warning: {warning}", err=True)
    return data


inputs_option = click.option(
    "--inputs", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
    help="Folder of input CSV files (default: the bundled Japan dataset).",
)
format_option = click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True,
    help="table for people; json or csv for scripts.",
)


def _check_output(ctx: click.Context, param: click.Parameter, value: str | None) -> Path | None:
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


output_option = click.option(
    "--output", default=None, callback=_check_output, metavar="PATH",
    help="Write to this file (atomically; - for stdout) instead of stdout.",
)

time_limit_option = click.option(
    "--time-limit", type=Number(0, open_low=True), default=None, metavar="SECONDS",
    help="Seconds HiGHS may take per solve (exit 5 when hit).",
)


def risk_options(func: Callable) -> Callable:
    func = click.option("--cvar-level", type=Number(), default=0.95, show_default=True,
                        help="beta in [0, 1): CVaR averages the worst 1 - beta of probability.")(func)
    func = click.option("--cvar-weight", type=Number(), default=0.0, show_default=True,
                        help="omega in [0, 1]: share of the risk term given to CVaR.")(func)
    func = click.option("--risk-weight", type=Number(), default=1.0, show_default=True,
                        help="lambda >= 0: weight of disruption losses (0 ignores them).")(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
             epilog=EXIT_CODES)
@click.version_option(package_name="sourcing")
def main() -> None:
    """Decide how many tonnes of each critical mineral to contract from each origin.

    Minimizes procurement cost plus the weighted cost of shortages in disruption scenarios,
    under capacities, take-or-pay commitments and concentration caps.
    """


@main.command(epilog=_epilog("sourcing solve",
                             "sourcing solve --cap China=0.6 --risk-weight 2 --format json --output plan.json"))
@inputs_option
@risk_options
@click.option("--cap", "caps", multiple=True, callback=_parse_cap, metavar="ORIGIN[:ELEMENT]=SHARE",
              help="Override caps.csv for this run; ORIGIN=SHARE caps every element; repeatable. 1 removes.")
@format_option
@output_option
@time_limit_option
@click.option("--value-of-information", "voi", is_flag=True,
              help="Also report the value of the stochastic solution (EEV - RP) and of perfect information "
                   "(RP - WS); needs --cvar-weight 0.")
def solve(inputs: Path | None, risk_weight: float, cvar_weight: float, cvar_level: float,
          caps: dict, fmt: str, output: Path | None, time_limit: float | None, voi: bool) -> None:
    """Solve for the optimal plan and report its cost, risk and binding caps."""
    if voi and cvar_weight > 0:
        raise click.UsageError("--value-of-information is defined for the risk-neutral objective: "
                               "use --cvar-weight 0 (the default)")

    def action() -> str:
        from dataclasses import replace

        from sourcing.model import RiskOptions
        from sourcing.output import render
        from sourcing.solver import solve as solve_plan
        from sourcing.solver import value_of_information

        options = RiskOptions(risk_weight, cvar_weight, cvar_level)
        data = _load(inputs)
        if caps:
            data = data.with_caps(caps)
        result = solve_plan(data, options, time_limit=time_limit)
        if voi:
            result = replace(result, value_of_information=value_of_information(data, options, time_limit=time_limit))
        return render(result, fmt)

    _run(action, output)


@main.command(epilog=_epilog("sourcing evaluate --plan inputs/plans/status-quo.csv"))
@click.option("--plan", "plan_file", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV with origin, element, volume (t/yr); offers not listed get 0.")
@inputs_option
@risk_options
@format_option
@output_option
@time_limit_option
def evaluate(plan_file: Path, inputs: Path | None, risk_weight: float, cvar_weight: float, cvar_level: float,
             fmt: str, output: Path | None, time_limit: float | None) -> None:
    """Price a given plan under the scenarios, beside the optimum, with the limits it breaks."""

    def action() -> str:
        from sourcing.data import load_plan
        from sourcing.model import RiskOptions
        from sourcing.output import render
        from sourcing.solver import evaluate as evaluate_plan

        options = RiskOptions(risk_weight, cvar_weight, cvar_level)
        data = _load(inputs)
        volume = load_plan(plan_file, data)
        return render(evaluate_plan(data, volume, options, time_limit=time_limit), fmt)

    _run(action, output)


@main.command(epilog=_epilog(
    "sourcing sweep --cap China=1.0:0.3:0.01 --risk-weight 0,1,2 --format csv --output frontier.csv "
    "--plot frontier.png",
    "sourcing sweep --cap China:Dy=1.0:0.6:0.05 --cvar-weight 0,0.5,1 --workers 2"))
@inputs_option
@click.option("--cap", "caps", multiple=True, required=True, metavar="TARGET=START:STOP:STEP|TARGET=V1,V2,...",
              help="The cap to sweep. TARGET is ORIGIN (its cap on every element it offers) or ORIGIN:ELEMENT; "
                   "START:STOP:STEP includes STOP when on the grid and may run downwards (1:0.3:0.05).")
@click.option("--risk-weight", "risk_weights", default="1", show_default=True, metavar="V1,V2,...",
              help="Risk weights lambda >= 0 to sweep (or START:STOP:STEP).")
@click.option("--cvar-weight", "cvar_weights", default="0", show_default=True, metavar="V1,V2,...",
              help="CVaR weights omega in [0, 1] to sweep (or START:STOP:STEP).")
@click.option("--cvar-level", type=Number(), default=0.95, show_default=True,
              help="beta in [0, 1): CVaR averages the worst 1 - beta of probability.")
@format_option
@click.option("--output", default=None, callback=_check_output, metavar="PATH",
              help="Write to this file, point by point as they finish (a killed sweep leaves a readable file); "
                   "- for stdout.")
@click.option("--plot", default=None, callback=_check_output, metavar="PNG",
              help="Draw the cost of diversification, marginal cost and shares against the cap.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Local processes solving points (one HiGHS thread each).")
@click.option("--scheduler", envvar="DASK_SCHEDULER_ADDRESS", default=None, metavar="ADDRESS",
              help="Send chunks of points to this Dask distributed scheduler, as tcp://HOST:PORT (env "
                   "DASK_SCHEDULER_ADDRESS; blank: unset); needs pip install 'sourcing[distributed]'.")
@click.option("--resume", is_flag=True, help="Keep the points already in --output (csv or json); solve the rest.")
def sweep(inputs: Path | None, caps: tuple[str, ...], risk_weights: str, cvar_weights: str, cvar_level: float,
          fmt: str, output: Path | None, plot: Path | None, workers: int, scheduler: str | None,
          resume: bool) -> None:
    """Solve over a grid of one cap and risk weights: what diversification costs.

    It varies three things, on every combination: one cap (--cap, ORIGIN or ORIGIN:ELEMENT; an
    ORIGIN may be a group of groups.csv), the risk weight (--risk-weight) and the CVaR weight
    (--cvar-weight); --cvar-level is one value. One row per point: max_share, risk_weight,
    cvar_weight, status, objective, procurement_cost, stockpile_cost, expected_shortage_cost, cvar,
    marginal_cost_per_pp (of the swept cap) and share:ELEMENT:ORIGIN for every offer. Infeasible
    points are rows with status infeasible and empty figures.
    """
    if output is not None and plot is not None and os.path.realpath(output) == os.path.realpath(plot):
        raise click.UsageError(f"--output and --plot name the same file ({output}); give two files")
    scheduler = scheduler.strip() if scheduler and scheduler.strip() else None

    def action() -> str:
        from sourcing.errors import OptionError
        from sourcing.output import render
        from sourcing.output.table import sweep_summary
        from sourcing.sweep import execute, parse_cap, parse_values, plan_sweep
        from sourcing.sweep.backends import check_scheduler

        if len(caps) != 1:
            raise OptionError("--cap: give exactly one cap to sweep")
        target, shares = parse_cap(caps[0])
        risk = parse_values(risk_weights, "--risk-weight", upper=None)
        cvar = parse_values(cvar_weights, "--cvar-weight")
        if scheduler is not None:
            check_scheduler(scheduler)
        plan = plan_sweep(_load(inputs), target, shares, risk_weights=risk,
                          cvar_weights=cvar, cvar_level=cvar_level)
        try:
            frontier = execute(plan, workers=workers, scheduler=scheduler, output=output, fmt=fmt,
                               resume=resume, progress=sys.stderr.isatty())
        except KeyboardInterrupt:
            if output is not None and output.exists():
                raise KeyboardInterrupt(f"the points finished so far are in {output}; run the same command with "
                                        "--resume to finish") from None
            raise
        click.echo(sweep_summary(frontier.rows), err=True)
        if plot is not None:
            from sourcing.output.plot import plot_frontier
            from sourcing.sweep import infeasible_causes

            plot_frontier(frontier.frame(), plot, causes=infeasible_causes(plan, frontier)[1])
            click.echo(f"wrote {plot}", err=True)
        if output is not None:
            click.echo(f"wrote {output}", err=True)
            return ""
        return render(frontier, fmt)

    _run(action, None)


@main.command(epilog=_epilog("sourcing check --inputs my-folder"))
@inputs_option
def check(inputs: Path | None) -> None:
    """Validate the input folder; list every problem as file:line:column (exit 3)."""

    def action() -> str:
        from sourcing.output import render

        return render(_load(inputs))

    _run(action, None)


@main.command(epilog=_epilog("sourcing report --output report.html --open"))
@inputs_option
@risk_options
@click.option("--cap", "caps", multiple=True, callback=_parse_cap, metavar="ORIGIN[:ELEMENT]=SHARE",
              help="Override caps.csv for this run, as solve does; repeatable. 1 removes.")
@time_limit_option
@click.option("--status-quo", "status_quo", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, metavar="FILE",
              help="Today's mix (origin, element, volume) to judge against the optimum "
                   "[default: plans/status-quo.csv of the inputs folder, when it exists].")
@click.option("--sweep", "sweep_cap", default=None, metavar="TARGET=START:STOP:STEP|TARGET=V1,V2,...",
              help="The cap of the frontier section (TARGET alone: 1.0:0.3:0.01) [default: China=1.0:0.3:0.01, "
                   "or the largest origin without China].")
@click.option("-o", "--output", default="report.html", show_default=True, callback=_check_output, metavar="PATH",
              help="The HTML file to write (atomically); - writes to stdout.")
@click.option("--open", "open_it", is_flag=True, help="Open the file in the default browser once written.")
def report(inputs: Path | None, risk_weight: float, cvar_weight: float, cvar_level: float, caps: dict,
           time_limit: float | None, status_quo: Path | None, sweep_cap: str | None, output: Path,
           open_it: bool) -> None:
    """Write one self-contained HTML report a planner can forward.

    The first screen holds the answer: volumes by origin and element, China's share of each
    element beside its cap, total cost and shortage risk, the three costliest caps. Then the plan
    table, binding caps, stockpile, scenarios, VSS and EVPI; today's mix against the optimum; the
    cap frontier of a sweep (with its infeasible zone); and every input file's rows with their
    sources, the options, the version and the date. No script, font or image from the network:
    it opens offline, without JavaScript, and prints on A4.
    """
    def action() -> str:
        from sourcing.errors import OptionError, suggest
        from sourcing.model import RiskOptions
        from sourcing.output.html import briefing_html
        from sourcing.reporting import DEFAULT_SHARES
        from sourcing.reporting import report as assemble
        from sourcing.sweep import parse_target, parse_values

        options = RiskOptions(risk_weight, cvar_weight, cvar_level)
        data = _load(inputs)
        kwargs: dict[str, Any] = {}
        if status_quo is not None:
            kwargs["status_quo"] = status_quo
        if sweep_cap is not None:
            target, sep, values = sweep_cap.rpartition("=")
            if not sep:
                target, values = sweep_cap, ""
            shares = parse_values(values, f"--sweep {target.strip()}=") if values.strip() else DEFAULT_SHARES
            swept = parse_target(target)
            origin = swept if isinstance(swept, str) else swept[0]
            if origin not in set(data.origins) | set(data.groups["group"]):
                raise OptionError(f"--sweep: unknown origin or group {origin!r}{suggest(origin, data.origins)}")
            kwargs["sweep"] = (swept, shares)
        briefing = assemble(data, options, caps=caps, time_limit=time_limit, **kwargs)
        return briefing_html(briefing)

    _run(action, output)
    if open_it and output is not None:
        click.launch(str(output))


if __name__ == "__main__":  # pragma: no cover
    main()
