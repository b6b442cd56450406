"""The ``sourcing`` command: a thin layer over the Python API.

Only click is imported at start-up; the optimization and data libraries load when a command runs,
so ``sourcing --help`` answers at once. Data goes to stdout (or ``--output``); messages to stderr.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from sourcing import bundled_inputs


def _parse_cap(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict:
    """``ORIGIN=SHARE`` or ``ORIGIN:ELEMENT=SHARE`` -> {origin or (origin, element): share}."""
    caps: dict[Any, float] = {}
    for text in values:
        target, sep, share_text = text.rpartition("=")
        if not sep or not target.strip():
            raise click.BadParameter(f"{text!r}: expected ORIGIN=SHARE or ORIGIN:ELEMENT=SHARE")
        try:
            share = float(share_text)
        except ValueError:
            raise click.BadParameter(f"{text!r}: SHARE must be a number in [0, 1]") from None
        if not 0.0 <= share <= 1.0:
            raise click.BadParameter(f"{text!r}: SHARE must lie in [0, 1]")
        origin, colon, element = target.partition(":")
        key = (origin.strip(), element.strip()) if colon else origin.strip()
        caps[key] = share
    return caps


def _run(action: Callable[[], str], output: Path | None) -> None:
    """Run ``action`` and emit the text it renders; map our errors to the contract's exit codes."""
    from sourcing.errors import OptionError, SourcingError

    try:
        text = action()
    except OptionError as exc:
        raise click.UsageError(str(exc)) from None
    except SourcingError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug: say so briefly, keep the traceback for those who ask
        if os.environ.get("SOURCING_DEBUG"):
            raise
        click.echo(f"internal error (a bug in sourcing; set SOURCING_DEBUG=1 for details): {exc!r}", err=True)
        sys.exit(1)
    if output is None:
        click.echo(text, nl=False)
    else:
        from sourcing.output import write_atomic

        try:
            write_atomic(output, text)
        except OSError as exc:
            click.echo(f"error: cannot write {output}: {exc.strerror or exc}", err=True)
            sys.exit(2)
        click.echo(f"wrote {output}", err=True)


inputs_option = click.option(
    "--inputs", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
    help="Folder of input CSV files (default: the bundled Japan dataset).",
)
format_option = click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True,
    help="table for people; json or csv for scripts.",
)
def _check_output(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """Refuse an --output whose folder does not exist or cannot be written, before any work."""
    if value is not None:
        folder = value.parent if str(value.parent) else Path(".")
        if not folder.is_dir():
            raise click.BadParameter(f"folder {str(folder)!r} does not exist", ctx, param)
        if not os.access(folder, os.W_OK):
            raise click.BadParameter(f"folder {str(folder)!r} is not writable", ctx, param)
    return value


output_option = click.option(
    "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path), default=None,
    callback=_check_output,
    help="Write to this file (atomically) instead of stdout.",
)

time_limit_option = click.option(
    "--time-limit", type=click.FloatRange(min=0, min_open=True), default=None,
    help="Seconds HiGHS may take per solve (exit 5 when hit).",
)


def risk_options(func: Callable) -> Callable:
    func = click.option("--cvar-level", type=float, default=0.95, show_default=True,
                        help="beta in [0, 1): CVaR averages the worst 1 - beta of probability.")(func)
    func = click.option("--cvar-weight", type=float, default=0.0, show_default=True,
                        help="omega in [0, 1]: share of the risk term given to CVaR.")(func)
    func = click.option("--risk-weight", type=float, default=1.0, show_default=True,
                        help="lambda >= 0: weight of disruption losses (0 ignores them).")(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="sourcing")
def main() -> None:
    """Decide how many tonnes of each critical mineral to contract from each origin.

    Minimizes procurement cost plus the weighted cost of shortages in disruption scenarios,
    under capacities, take-or-pay commitments and concentration caps. Exit codes: 0 optimal,
    2 usage, 3 invalid input, 4 infeasible, 5 solver failure.
    """


@main.command()
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
@click.option("--year", type=int, default=None, metavar="YEAR",
              help="Solve on the rows in force in this year (default: the first year named in a year column).")
def solve(inputs: Path | None, risk_weight: float, cvar_weight: float, cvar_level: float,
          caps: dict, fmt: str, output: Path | None, time_limit: float | None, voi: bool, year: int | None) -> None:
    """Solve for the optimal plan and report its cost, risk and binding caps."""
    if voi and cvar_weight > 0:
        raise click.UsageError("--value-of-information is defined for the risk-neutral objective: "
                               "use --cvar-weight 0 (the default)")

    def action() -> str:
        from dataclasses import replace

        from sourcing.data import load_inputs
        from sourcing.model import RiskOptions
        from sourcing.output import render
        from sourcing.solver import solve as solve_plan
        from sourcing.solver import value_of_information

        options = RiskOptions(risk_weight, cvar_weight, cvar_level)
        data = load_inputs(inputs or bundled_inputs(), year=year)
        if caps:
            data = data.with_caps(caps)
        result = solve_plan(data, options, time_limit=time_limit)
        if voi:
            result = replace(result, value_of_information=value_of_information(data, options, time_limit=time_limit))
        return render(result, fmt)

    _run(action, output)


@main.command()
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
        from sourcing.data import load_inputs, load_plan
        from sourcing.model import RiskOptions
        from sourcing.output import render
        from sourcing.solver import evaluate as evaluate_plan

        options = RiskOptions(risk_weight, cvar_weight, cvar_level)
        data = load_inputs(inputs or bundled_inputs())
        volume = load_plan(plan_file, data)
        return render(evaluate_plan(data, volume, options, time_limit=time_limit), fmt)

    _run(action, output)


@main.command()
@inputs_option
@click.option("--cap", "caps", multiple=True, required=True, metavar="TARGET=START:STOP:STEP|TARGET=V1,V2,...",
              help="The cap to sweep. TARGET is ORIGIN (its cap on every element it offers) or ORIGIN:ELEMENT; "
                   "START:STOP:STEP includes STOP when on the grid and may run downwards (1:0.3:0.05).")
@click.option("--risk-weight", "risk_weights", default="1", show_default=True, metavar="V1,V2,...",
              help="Risk weights lambda >= 0 to sweep (or START:STOP:STEP).")
@click.option("--cvar-weight", "cvar_weights", default="0", show_default=True, metavar="V1,V2,...",
              help="CVaR weights omega in [0, 1] to sweep (or START:STOP:STEP).")
@click.option("--cvar-level", type=float, default=0.95, show_default=True,
              help="beta in [0, 1): CVaR averages the worst 1 - beta of probability.")
@format_option
@click.option("--output", type=click.Path(dir_okay=False, writable=True, path_type=Path), default=None,
              callback=_check_output,
              help="Write to this file, point by point as they finish (a killed sweep leaves a readable file).")
@click.option("--plot", type=click.Path(dir_okay=False, writable=True, path_type=Path), default=None,
              callback=_check_output,
              metavar="PNG", help="Draw the cost of diversification, marginal cost and shares against the cap.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Local processes solving points (one HiGHS thread each).")
@click.option("--scheduler", envvar="DASK_SCHEDULER_ADDRESS", default=None, metavar="ADDRESS",
              help="Send chunks of points to this Dask distributed scheduler (env DASK_SCHEDULER_ADDRESS); "
                   "needs pip install 'sourcing[distributed]'.")
@click.option("--resume", is_flag=True, help="Keep the points already in --output (csv or json); solve the rest.")
def sweep(inputs: Path | None, caps: tuple[str, ...], risk_weights: str, cvar_weights: str, cvar_level: float,
          fmt: str, output: Path | None, plot: Path | None, workers: int, scheduler: str | None,
          resume: bool) -> None:
    """Solve over a grid of one cap and risk weights: what diversification costs.

    One row per point: max_share, risk_weight, cvar_weight, status, objective, procurement_cost,
    expected_shortage_cost, cvar, marginal_cost_per_pp (of the swept cap) and every origin's share
    of every element. Infeasible points are rows with status infeasible and empty figures.
    """

    def action() -> str:
        from sourcing.data import load_inputs
        from sourcing.errors import OptionError
        from sourcing.output import render
        from sourcing.output.table import sweep_summary
        from sourcing.sweep import execute, parse_cap, parse_values, plan_sweep

        if len(caps) != 1:
            raise OptionError("--cap: give exactly one cap to sweep")
        target, shares = parse_cap(caps[0])
        plan = plan_sweep(
            load_inputs(inputs or bundled_inputs()), target, shares,
            risk_weights=parse_values(risk_weights, "--risk-weight", upper=None),
            cvar_weights=parse_values(cvar_weights, "--cvar-weight"), cvar_level=cvar_level,
        )
        try:
            frontier = execute(plan, workers=workers, scheduler=scheduler or None, output=output, fmt=fmt,
                               resume=resume, progress=sys.stderr.isatty())
        except KeyboardInterrupt:
            if output is not None:
                click.echo(f"the points finished so far are in {output}; run the same command with --resume "
                           "to finish", err=True)
            raise
        click.echo(sweep_summary(frontier.rows), err=True)
        if plot is not None:
            from sourcing.output.plot import plot_frontier

            plot_frontier(frontier.frame(), plot)
            click.echo(f"wrote {plot}", err=True)
        if output is not None:
            click.echo(f"wrote {output}", err=True)
            return ""
        return render(frontier, fmt)

    _run(action, None)


@main.command("plan")
@inputs_option
@click.option("--years", default=None, metavar="START:END",
              help="The horizon, inclusive (default: the first to the last year named in a year column).")
@click.option("--discount-rate", type=float, default=0.0, show_default=True,
              help="r > -1: year y's money is weighed by (1 + r)^-(y - START).")
@risk_options
@click.option("--cap", "caps", multiple=True, callback=_parse_cap, metavar="ORIGIN[:ELEMENT]=SHARE",
              help="Override caps.csv in every year; ORIGIN=SHARE caps every element; repeatable. 1 removes.")
@format_option
@output_option
@click.option("--plot", type=click.Path(dir_okay=False, writable=True, path_type=Path), default=None,
              callback=_check_output, metavar="PNG",
              help="Draw the trajectory without an event (volumes by origin, stock) and the shortage per path.")
@time_limit_option
@click.option("--value-of-information", "voi", is_flag=True,
              help="Also report the plan's VSS (the mean-value plan's root decisions re-solved on the tree) and "
                   "EVPI (each path solved alone); needs --cvar-weight 0.")
def plan_command(inputs: Path | None, years: str | None, discount_rate: float, risk_weight: float,
                 cvar_weight: float, cvar_level: float, caps: dict, fmt: str, output: Path | None, plot: Path | None,
                 time_limit: float | None, voi: bool) -> None:
    """Plan several years on a tree of disruption paths: contracts, stock and capacity to fund.

    A scenario's probability is read as an annual hazard; each path is one event starting in one
    year (or none). Decisions know only the events before them: what to sign now is the same on
    every path. Reports what to sign now, the trajectory without an event, the worst paths, the
    funding per history, the time to survive a stop and the cost split.
    """
    if voi and cvar_weight > 0:
        raise click.UsageError("--value-of-information is defined for the risk-neutral objective: "
                               "use --cvar-weight 0 (the default)")

    def action() -> str:
        from dataclasses import replace

        from sourcing.data import load_inputs
        from sourcing.model import RiskOptions
        from sourcing.multiyear.api import plan, value_of_information
        from sourcing.multiyear.horizon import parse_years
        from sourcing.output import render

        options = RiskOptions(risk_weight, cvar_weight, cvar_level)
        horizon = parse_years(years) if years else None
        option = f"--years {horizon[0]}:{horizon[1]}" if horizon else None
        data = load_inputs(inputs or bundled_inputs(), year=horizon[0] if horizon else None, option=option)
        if caps:
            data = data.with_caps(caps)
        result = plan(data, horizon, discount_rate=discount_rate, options=options, time_limit=time_limit)
        if voi:
            result = replace(result, value_of_information=value_of_information(
                data, horizon, discount_rate=discount_rate, options=options, time_limit=time_limit))
        if plot is not None:
            from sourcing.output.plan_plot import plot_plan

            plot_plan(result, plot)
            click.echo(f"wrote {plot}", err=True)
        return render(result, fmt)

    _run(action, output)


@main.command()
@inputs_option
def check(inputs: Path | None) -> None:
    """Validate the input folder; list every problem as file:line:column (exit 3)."""

    def action() -> str:
        from sourcing.data import load_inputs
        from sourcing.output import render

        return render(load_inputs(inputs or bundled_inputs()))

    _run(action, None)


if __name__ == "__main__":  # pragma: no cover
    main()
