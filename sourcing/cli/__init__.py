"""The ``sourcing`` command: a thin layer over the Python API.

Only click is imported at start-up; the optimization and data libraries load when a command runs,
so ``sourcing --help`` answers at once. Each command parses its options
(:mod:`~sourcing.cli.options`), calls the API and hands the result to :mod:`sourcing.output`;
:mod:`~sourcing.cli.run` maps what goes wrong to the exit codes. Data goes to stdout (or
``--output``); messages to stderr.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from sourcing import bundled_inputs
from sourcing.cli.options import (
    EXIT_CODES,
    Number,
    caps_option,
    check_new_folder,
    check_output,
    check_plot,
    epilog,
    format_option,
    inputs_option,
    output_option,
    parse_caps,
    refuse_replacing_inputs,
    risk_options,
    time_limit_option,
    year_option,
)
from sourcing.cli.run import Main, asks_json, load, picture, run, say, write
from sourcing.errors import OptionError, OutputError


@click.group(cls=Main, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
             epilog=EXIT_CODES)
@click.version_option(package_name="sourcing")
def main() -> None:
    """Decide how many tonnes of each critical mineral to contract from each origin.

    Minimizes procurement cost plus the weighted cost of shortages in disruption scenarios,
    under capacities, take-or-pay commitments and concentration caps.
    """


@main.command(epilog=epilog("sourcing solve",
                             "sourcing solve --cap China=0.6 --risk-weight 2 --format json --output plan.json"))
@inputs_option
@risk_options
@caps_option
@format_option
@output_option
@time_limit_option
@click.option("--value-of-information", "voi", is_flag=True,
              help="Also report the value of the stochastic solution (EEV - RP) and of perfect information "
                   "(RP - WS); needs --cvar-weight 0.")
@year_option
def solve(inputs: Path | None, risk_weight: float, cvar_weight: float, cvar_level: float,
          caps: dict, fmt: str | None, output: Path | None, time_limit: float | None, voi: bool,
          year: int | None) -> None:
    """Solve for the optimal plan and report its cost, risk and binding caps."""

    def action() -> str | bytes:
        if voi and cvar_weight > 0:
            raise OptionError("--value-of-information is defined for the risk-neutral objective: "
                              "use --cvar-weight 0 (the default)")
        from dataclasses import replace

        from sourcing.model import RiskOptions
        from sourcing.output import render, resolve_format
        from sourcing.solver import solve as solve_plan
        from sourcing.solver import value_of_information

        chosen = resolve_format(fmt, output, ("table", "json", "csv", "xlsx"))
        refuse_replacing_inputs(inputs or bundled_inputs(), {"--output": output})
        options = RiskOptions(risk_weight, cvar_weight, cvar_level)
        data = load(inputs, year=year)
        if caps:
            data = data.with_caps(caps)
        result = solve_plan(data, options, time_limit=time_limit)
        if voi:
            result = replace(result, value_of_information=value_of_information(data, options, time_limit=time_limit))
        return render(result, chosen, data=data, command="solve", options={
            "risk_weight": risk_weight, "cvar_weight": cvar_weight, "cvar_level": cvar_level, "caps": caps,
            "time_limit": time_limit, "value_of_information": voi, "year": data.year})

    run(action, output, as_json=asks_json(fmt, output))


@main.command(epilog=epilog("sourcing evaluate --plan plans/status-quo.csv",
                             "sourcing evaluate --plan plans/status-quo.csv --year 2030 --format json",
                             "sourcing evaluate --inputs book.xlsx --plan plan"))
@click.option("--plan", "plan_file", required=True, metavar="FILE.csv|SHEET",
              help="The plan: origin, element, volume (t/yr); offers not listed get 0. A CSV file (a path here, "
                   "or below the inputs folder: plans/status-quo.csv), or a sheet of the inputs workbook.")
@inputs_option
@risk_options
@format_option
@output_option
@time_limit_option
@year_option
def evaluate(plan_file: str, inputs: Path | None, risk_weight: float, cvar_weight: float, cvar_level: float,
             fmt: str | None, output: Path | None, time_limit: float | None, year: int | None) -> None:
    """Price a given plan under the scenarios, beside the optimum, with the limits it breaks."""

    def action() -> str | bytes:
        from sourcing.data import load_plan
        from sourcing.model import RiskOptions
        from sourcing.output import render, resolve_format
        from sourcing.solver import evaluate as evaluate_plan
        from sourcing.sources import locate_plan

        chosen = resolve_format(fmt, output, ("table", "json", "csv", "xlsx"))
        refuse_replacing_inputs(inputs or bundled_inputs(), {"--output": output}, (plan_file,))
        options = RiskOptions(risk_weight, cvar_weight, cvar_level)
        data = load(inputs, year=year)
        path, sheet = locate_plan(plan_file, data.folder)
        volume = load_plan(path, data, sheet)
        return render(evaluate_plan(data, volume, options, time_limit=time_limit), chosen, data=data,
                      command="evaluate", options={"plan": str(plan_file), "risk_weight": risk_weight,
                                                   "cvar_weight": cvar_weight, "cvar_level": cvar_level,
                                                   "time_limit": time_limit, "year": data.year})

    run(action, output, as_json=asks_json(fmt, output))


@main.command(epilog=epilog(
    "sourcing sweep --cap China=1.0:0.3:0.01 --risk-weight 0,1,2 --format csv --output frontier.csv "
    "--plot frontier.png",
    "sourcing sweep --cap China:Dy=1.0:0.6:0.05 --cvar-weight 0,0.5,1 --workers 2",
    "sourcing sweep --cap China:Tb=1.0:0.5:0.05 --year 2030",
    "sourcing sweep --floor Australia=0:0.3:0.05"))
@inputs_option
@click.option("--cap", "caps", multiple=True, metavar="TARGET=START:STOP:STEP|TARGET=V1,V2,...",
              help="The cap to sweep. TARGET is ORIGIN (its cap on every element it offers) or ORIGIN:ELEMENT; "
                   "START:STOP:STEP includes STOP when on the grid and may run downwards (1:0.3:0.05); "
                   "shares as 0.6 or 60%.")
@click.option("--floor", "floors", multiple=True, metavar="TARGET=START:STOP:STEP|TARGET=V1,V2,...",
              help="The floor to sweep instead (min_share), in the same form: ORIGIN (its floor on every element "
                   "it offers) or ORIGIN:ELEMENT.")
@click.option("--risk-weight", "risk_weights", default="1", show_default=True, metavar="V1,V2,...",
              help="Risk weights lambda >= 0 to sweep (or START:STOP:STEP).")
@click.option("--cvar-weight", "cvar_weights", default="0", show_default=True, metavar="V1,V2,...",
              help="CVaR weights omega in [0, 1] to sweep (or START:STOP:STEP).")
@click.option("--cvar-level", type=Number(), default=0.95, show_default=True,
              help="beta in [0, 1): CVaR averages the worst 1 - beta of probability.")
@format_option
@click.option("--output", default=None, callback=check_output, metavar="PATH",
              help="Write to this file, point by point as they finish (a killed sweep leaves a readable file); "
                   "- for stdout.")
@click.option("--plot", default=None, callback=check_plot, metavar="PNG",
              help="Draw the cost of diversification, marginal cost and shares against the cap (.png, .svg or .pdf).")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Local processes solving points (one HiGHS thread each).")
@click.option("--scheduler", envvar="DASK_SCHEDULER_ADDRESS", default=None, metavar="ADDRESS",
              help="Send chunks of points to this Dask distributed scheduler, as tcp://HOST:PORT (env "
                   "DASK_SCHEDULER_ADDRESS; blank: unset); needs pip install 'sourcing[distributed]'.")
@click.option("--resume", is_flag=True, help="Keep the points already in --output (csv or json); solve the rest "
              "(the first kept point is solved again to check that the file is of these inputs).")
@year_option
def sweep(inputs: Path | None, caps: tuple[str, ...], floors: tuple[str, ...], risk_weights: str, cvar_weights: str,
          cvar_level: float, fmt: str | None, output: Path | None, plot: Path | None, workers: int,
          scheduler: str | None, resume: bool, year: int | None) -> None:
    """Solve over a grid of one cap (or floor) and risk weights: what diversification costs.

    It varies three things, on every combination: one cap (--cap, ORIGIN or ORIGIN:ELEMENT; an
    ORIGIN may be a group of groups.csv), the risk weight (--risk-weight) and the CVaR weight
    (--cvar-weight); --cvar-level is one value. --floor sweeps a floor the same way instead of a
    cap. One row per point: max_share (min_share for a floor), risk_weight,
    cvar_weight, status, objective, procurement_cost, stockpile_cost, expected_shortage_cost, cvar,
    marginal_cost_per_pp (of the swept cap) and share:ELEMENT:ORIGIN for every offer. Infeasible
    points are rows with status infeasible and empty figures.
    """
    scheduler = scheduler.strip() if scheduler and scheduler.strip() else None

    def action() -> str | bytes:
        from sourcing.output import render, resolve_format
        from sourcing.output.table import sweep_summary
        from sourcing.sweep import execute, parse_cap, parse_values, plan_sweep
        from sourcing.sweep.backends import check_scheduler

        if output is not None and plot is not None and os.path.realpath(output) == os.path.realpath(plot):
            raise OptionError(f"--output and --plot name the same file ({output}); give two files")
        chosen = resolve_format(fmt, output, ("table", "json", "csv", "xlsx"))
        refuse_replacing_inputs(inputs or bundled_inputs(), {"--output": output, "--plot": plot})
        if len(caps) + len(floors) != 1:
            raise OptionError("--cap, --floor: give exactly one cap or one floor to sweep")
        option, bound = ("--cap", "max_share") if caps else ("--floor", "min_share")
        target, shares = parse_cap((caps or floors)[0], option)
        risk = parse_values(risk_weights, "--risk-weight", upper=None)
        cvar = parse_values(cvar_weights, "--cvar-weight")
        if scheduler is not None:
            check_scheduler(scheduler)
        plan = plan_sweep(load(inputs, year=year), target, shares, risk_weights=risk,
                          cvar_weights=cvar, cvar_level=cvar_level, bound=bound)
        try:
            frontier = execute(plan, workers=workers, scheduler=scheduler, output=output, fmt=chosen,
                               resume=resume, progress=sys.stderr.isatty())
        except KeyboardInterrupt:
            if output is not None and chosen in ("csv", "json", "table") and output.exists():  # kept point by point
                resumable = "; run the same command with --resume to finish" if chosen != "table" else ""
                raise KeyboardInterrupt(f"the points finished so far are in {output}{resumable}") from None
            raise
        from sourcing.signals import note_interrupts

        note_interrupts()  # every point solved and the file written: from here a signal cannot make it exit 130
        say(sweep_summary(frontier.rows))
        if plot is not None:
            from sourcing.output.plot import DPI, plot_frontier
            from sourcing.sweep import infeasible_causes

            pictures.append(picture(plot_frontier(frontier.frame(), causes=infeasible_causes(plan, frontier)[1],
                                                   members=plan.grid.members), plot, DPI))
        return "" if output is not None else render(frontier, chosen)

    pictures: list[tuple[Path, bytes]] = []
    run(action, None, as_json=asks_json(fmt, output), also=pictures)
    if output is not None:
        say(f"wrote {output}")


@main.command("plan", epilog=epilog("sourcing plan --years 2026:2035",
                                     "sourcing plan --years 2026:2035 --value-of-information --output plan.xlsx"))
@inputs_option
@click.option("--years", default=None, metavar="START:END",
              help="The horizon, inclusive (default: the first to the last year named in a year column).")
@click.option("--discount-rate", type=Number(-1, open_low=True), default=0.0, show_default=True,
              help="r > -1: year y's money is weighed by (1 + r)^-(y - START).")
@risk_options
@click.option("--cap", "caps", multiple=True, callback=parse_caps, metavar="ORIGIN[:ELEMENT]=SHARE",
              help="Override caps.csv in every year; ORIGIN=SHARE caps every element; repeatable. 1 removes.")
@format_option
@output_option
@click.option("--plot", default=None, callback=check_plot, metavar="PNG",
              help="Draw the expected course (mean volumes by origin, the stock with its 5-95% band) and the "
                   "shortage per path (.png, .svg or .pdf).")
@time_limit_option
@click.option("--value-of-information", "voi", is_flag=True,
              help="Also report the plan's VSS (the mean-value plan's root decisions re-solved on the tree) and "
                   "EVPI (each path solved alone); needs --cvar-weight 0.")
@click.option("--events", type=click.Choice(["independent", "first"]), default="independent", show_default=True,
              help="independent: every event may start in any year it is not in progress, overlapping; "
                   "first: one event per path, the hazards competing.")
@click.option("--paths", "n_paths", type=click.IntRange(min=500), default=500, show_default=True, metavar="N",
              help="The tree is exact when at most N paths have probability >= 1e-12; otherwise N paths are "
                   "sampled (identical ones merged).")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="The seed of a sampled tree (the same seed and inputs give the same tree everywhere).")
@click.option("--replications", type=click.IntRange(min=1), default=1, show_default=True, metavar="R",
              help="Solve R sampled trees (seeds SEED..SEED+R-1) and state the error: the optima's 95% interval, "
                   "the first tree's sign-now decisions on the others, the gap, each decision's spread.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Local processes solving the replications (one HiGHS thread each).")
@click.option("--scheduler", envvar="DASK_SCHEDULER_ADDRESS", default=None, metavar="ADDRESS",
              help="Send the replications to this Dask distributed scheduler, as tcp://HOST:PORT (env "
                   "DASK_SCHEDULER_ADDRESS; blank: unset); needs pip install 'sourcing[distributed]'.")
@click.option("--decompose", type=click.Choice(["ph"]), default=None,
              help="ph: progressive hedging on mpi-sppy (launch with mpiexec -n K; needs pip install "
                   "'sourcing[mpi]'); reports its outer and inner bounds and the inner bound's plan.")
@click.option("--ph-gap", type=Number(0, open_low=True), default=1e-4, show_default=True, metavar="GAP",
              help="With --decompose ph: stop once (inner - outer) / |inner| <= GAP (or at --time-limit).")
@click.option("--ph-piece-paths", type=click.IntRange(min=1), default=None, metavar="N",
              help="With --decompose ph: the inner bound evaluates its plan on pieces of the tree of at most N "
                   "paths each, shared among the ranks (a tree of at most N paths whole)  [default: 2000]")
def plan_command(inputs: Path | None, years: str | None, discount_rate: float, risk_weight: float,
                 cvar_weight: float, cvar_level: float, caps: dict, fmt: str | None, output: Path | None,
                 plot: Path | None, time_limit: float | None, voi: bool, events: str, n_paths: int,
                 seed: int, replications: int, workers: int, scheduler: str | None, decompose: str | None,
                 ph_gap: float, ph_piece_paths: int) -> None:
    """Plan several years on a tree of disruption paths: contracts, stock and capacity to fund.

    A scenario's probability is read as an annual hazard; each event may start in any year it is
    not in progress, independently of the others (--events first: one event per path). Decisions
    know only the events before them: what to sign now is the same on every path. Reports what to
    sign now, the expected course over the paths (means, the stock's 5th-95th percentile, the
    probability of a shortage), the worst paths, the funding per history, the time to survive a
    stop and the cost split.
    """

    scheduler = scheduler.strip() if scheduler and scheduler.strip() else None

    def action() -> str | bytes:
        from dataclasses import replace

        from sourcing.model import RiskOptions
        from sourcing.multiyear.api import plan, value_of_information
        from sourcing.multiyear.horizon import parse_years
        from sourcing.output import render, resolve_format

        if voi and cvar_weight > 0:
            raise OptionError("--value-of-information is defined for the risk-neutral objective: "
                              "use --cvar-weight 0 (the default)")
        if output is not None and plot is not None and os.path.realpath(output) == os.path.realpath(plot):
            raise OptionError(f"--output and --plot name the same file ({output}); give two files")
        chosen = resolve_format(fmt, output, ("table", "json", "csv", "xlsx"))
        refuse_replacing_inputs(inputs or bundled_inputs(), {"--output": output, "--plot": plot})
        options = RiskOptions(risk_weight, cvar_weight, cvar_level)
        horizon = parse_years(years) if years else None
        option = f"--years {horizon[0]}:{horizon[1]}" if horizon else None
        data = load(inputs, year=horizon[0] if horizon else None, option=option,
                    independent_events=events == "independent")
        if caps:
            data = data.with_caps(caps)
        tree = {"events": events, "paths": n_paths, "seed": seed}
        if decompose is not None and replications > 1:
            raise OptionError("--decompose and --replications exclude each other: decompose one tree, or "
                              "replicate with the extensive form")
        if replications > 1:
            from sourcing.replications import replicate

            result = replicate(data, horizon, replications=replications, discount_rate=discount_rate,
                               options=options, time_limit=time_limit, workers=workers, scheduler=scheduler,
                               progress=sys.stderr.isatty(), **tree)
        elif decompose == "ph":
            from sourcing.decompose import progressive_hedging

            result = progressive_hedging(data, horizon, discount_rate=discount_rate, options=options,
                                         time_limit=time_limit, gap=ph_gap, progress=True,
                                         **({"piece_paths": ph_piece_paths} if ph_piece_paths else {}), **tree)
            if result is None:  # a rank other than 0: rank 0 alone writes (stdout or --output)
                sys.exit(0)
        else:
            result = plan(data, horizon, discount_rate=discount_rate, options=options, time_limit=time_limit,
                          **tree)
        if voi:
            result = replace(result, value_of_information=value_of_information(
                data, horizon, discount_rate=discount_rate, options=options, time_limit=time_limit, **tree))
        if plot is not None:
            from sourcing.output.plan_plot import DPI, plot_plan

            pictures.append(picture(plot_plan(result), plot, DPI))
        return render(result, chosen, data=data, command="plan", options={
            "years": f"{result.years[0]}:{result.years[-1]}", "discount_rate": discount_rate,
            "risk_weight": risk_weight, "cvar_weight": cvar_weight, "cvar_level": cvar_level, "caps": caps,
            "value_of_information": voi, "events": events, "paths": n_paths, "seed": seed,
            **({"replications": replications} if replications > 1 else {}),
            **({"decompose": decompose, "ph_gap": ph_gap,
                 "ph_piece_paths": result.decomposition["piece_paths"]} if decompose else {})})

    pictures: list[tuple[Path, bytes]] = []
    run(action, output, as_json=asks_json(fmt, output), also=pictures)


@main.command(epilog=epilog("sourcing check --inputs my-folder", "sourcing check --inputs book.xlsx --format json"))
@inputs_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="table: one line; json: the counts, the warnings, and the files read with their SHA-256.")
def check(inputs: Path | None, fmt: str) -> None:
    """Validate the inputs (a folder or a workbook); list every problem as file:line:column (exit 3)."""

    def action() -> str:
        from sourcing.output import render

        return render(load(inputs, independent_events=True), fmt)  # a sum of hazards above 1: a warning

    run(action, None, as_json=fmt == "json")


@main.command(epilog=epilog("sourcing report --output report.html --open",
                             "sourcing report --year 2026 --years none --output report-2026.html"))
@inputs_option
@risk_options
@caps_option
@time_limit_option
@click.option("--status-quo", "status_quo", default=None, metavar="FILE.csv|SHEET",
              help="Today's mix (origin, element, volume) to judge against the optimum: a CSV file (here, or below "
                   "the inputs folder) or a sheet of the inputs workbook [default: plans/status-quo.csv of the "
                   "inputs folder, or the plan sheet of the inputs workbook, when there is one].")
@click.option("--sweep", "sweep_cap", default=None, metavar="TARGET=START:STOP:STEP|TARGET=V1,V2,...",
              help="The cap of the frontier section (TARGET alone: 1.0:0.3:0.01) [default: China=1.0:0.3:0.01, "
                   "or the largest origin without China].")
@click.option("--years", default=None, metavar="START:END|none",
              help="The horizon of the multi-year section (sourcing plan at the report's options and caps) "
                   "[default: the first to the last year named in a year column; none without one]; "
                   "none leaves the section out.")
@click.option("-o", "--output", default="report.html", show_default=True, callback=check_output, metavar="PATH",
              help="The HTML file to write (atomically); - writes to stdout.")
@click.option("--open", "open_it", is_flag=True, help="Open the file in the default browser once written.")
@click.option("--replications", type=click.IntRange(min=1), default=1, show_default=True, metavar="R",
              help="The multi-year section on R sampled trees, with the error they state (as sourcing plan "
                   "--replications R).")
@year_option
def report(inputs: Path | None, risk_weight: float, cvar_weight: float, cvar_level: float, caps: dict,
           time_limit: float | None, status_quo: str | None, sweep_cap: str | None, years: str | None,
           output: Path, open_it: bool, replications: int, year: int | None) -> None:
    """Write one self-contained HTML report a planner can forward.

    The first screen holds the answer: volumes by origin and element, China's share of each
    element beside its cap, total cost and shortage risk, the three costliest caps. Then the plan
    table, binding caps, stockpile, scenarios, VSS and EVPI; today's mix against the optimum; the
    cap frontier of a sweep (with its infeasible zone); the multi-year plan (what to sign and fund
    now, the expected course, the worst paths, survival times); and every input file's rows with their
    sources, the options, the version and the date. No script, font or image from the network:
    it opens offline, without JavaScript, and prints on A4.
    """
    def action() -> str:
        from sourcing.errors import OptionError, suggest
        from sourcing.model import RiskOptions
        from sourcing.output.files import is_regular_or_absent
        from sourcing.output.html import briefing_html
        from sourcing.reporting import DEFAULT_SHARES
        from sourcing.reporting import report as assemble
        from sourcing.sweep import parse_target, parse_values

        if output is not None and output.suffix.lower() not in (".html", ".htm") and is_regular_or_absent(output):
            raise OptionError(f"--output {output}: the report is HTML; name the file .html (or .htm)")
        refuse_replacing_inputs(inputs or bundled_inputs(), {"--output": output}, (status_quo,))
        options = RiskOptions(risk_weight, cvar_weight, cvar_level)
        data = load(inputs, year=year)
        kwargs: dict[str, Any] = {}
        if status_quo is not None:
            kwargs["status_quo"] = status_quo
        if sweep_cap is not None:
            target, sep, values = sweep_cap.rpartition("=")
            if not sep:
                target, values = sweep_cap, ""
            shares = (parse_values(values, f"--sweep {target.strip()}=", percent=True) if values.strip()
                      else DEFAULT_SHARES)
            swept = parse_target(target)
            origin = swept if isinstance(swept, str) else swept[0]
            if origin not in set(data.origins) | set(data.groups["group"]):
                raise OptionError(f"--sweep: unknown origin or group {origin!r}{suggest(origin, data.origins)}")
            kwargs["sweep"] = (swept, shares)
        if years is not None:
            from sourcing.multiyear.horizon import parse_years

            kwargs["years"] = None if years.strip().lower() == "none" else parse_years(years)
        briefing = assemble(data, options, caps=caps, time_limit=time_limit, replications=replications, **kwargs)
        return briefing_html(briefing)

    run(action, output)
    if open_it and output is not None:
        click.launch(str(output))


if __name__ == "__main__":  # pragma: no cover
    main()


@main.command(epilog=epilog("sourcing init my-inputs", "sourcing init --xlsx my-inputs.xlsx"))
@click.argument("folder", required=False, type=click.Path(path_type=Path))
@click.option("--xlsx", "book", default=None, type=click.Path(dir_okay=False, path_type=Path), metavar="BOOK.xlsx",
              help="Write the template as one workbook instead of a folder.")
@click.option("--force", is_flag=True, help="Overwrite an existing folder's files, or an existing workbook.")
def init(folder: Path | None, book: Path | None, force: bool) -> None:
    """Write a documented template of every input file: the bundled case as example rows (with
    their sources), and the columns' units and rules (a README.md, or a readme sheet with comments
    and drop-downs). `sourcing check` and `sourcing solve --inputs` take either as they are."""

    def action() -> str:
        if (folder is None) == (book is None):
            raise OptionError("give a FOLDER to write, or --xlsx BOOK.xlsx (one of the two)")
        target = folder if folder is not None else book
        if folder is not None:
            check_new_folder(folder)
        refuse_replacing_inputs(bundled_inputs(), {"FOLDER": None if folder is None else folder / "supply.csv",
                                                   "--xlsx": book})
        if target.exists() and not force and (book is not None or any(target.iterdir())):
            raise OptionError(f"{target} exists; choose another name, or pass --force to overwrite it")
        if book is not None and book.suffix.lower() != ".xlsx":
            raise OptionError(f"--xlsx {book}: the workbook's name must end in .xlsx")
        return ""

    def write_template() -> None:  # once the options hold, where run writes (a signal is noted, not raised)
        from sourcing.output.template import template_xlsx, write_folder

        if book is not None:
            write(book, template_xlsx(bundled_inputs()))
            say(f"wrote {book}: one sheet per input file, today's mix (plan) and a readme sheet; check it with "
                f"sourcing check --inputs {book}")
            return
        new = not folder.exists()
        try:
            write_folder(folder, bundled_inputs())
        except OSError as exc:
            if new:  # a folder of ours, half written: take it away (an existing one keeps what was copied)
                import shutil

                shutil.rmtree(folder, ignore_errors=True)
            raise OutputError(f"cannot write {folder}: {exc.strerror or exc}; "
                              f"{'nothing was written' if new else 'some of its files were replaced'}") from None
        say(f"wrote {folder}: every input file and README.md; check it with sourcing check --inputs {folder}")

    run(action, None, then=write_template)
