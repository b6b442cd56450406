"""Running a command: its errors mapped to the contract's exit codes (and, for a script that asked
for JSON, to one JSON document on stdout), its output written, its warnings said."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import click

from sourcing import bundled_inputs
from sourcing.errors import printable

WARNINGS = 20
"""Warnings said on stderr before "... and N more" (the JSON of ``check`` holds them all)."""


def asks_json(fmt: str | None, output: Path | None) -> bool:
    """Whether parsed options ask for JSON: ``--format json``, or an ``--output`` ending in .json."""
    return fmt == "json" or (fmt is None and output is not None and output.suffix.lower() == ".json")


def wants_json(args: Sequence[str]) -> bool:
    """Whether a command line asks for JSON: ``--format json``, or an ``--output`` ending in .json
    with no other --format. Read from the words themselves, so that it holds for a command line
    that does not parse."""
    args = list(args)
    fmt = output = None
    for i, word in enumerate(args):
        for name in ("--format", "--output"):
            if word == name and i + 1 < len(args):
                value = args[i + 1]
            elif word.startswith(name + "="):
                value = word.split("=", 1)[1]
            else:
                continue
            if name == "--format":
                fmt = value
            else:
                output = value
    return fmt == "json" or (fmt is None and output is not None and output.lower().endswith(".json"))


class Main(click.Group):
    """The ``sourcing`` group: a usage error found while parsing, for a command line that asked
    for JSON, is also written as the JSON error document on stdout."""

    def main(self, args: Sequence[str] | None = None, *rest, **kwargs):
        words = list(sys.argv[1:] if args is None else args)
        if not wants_json(words):
            return super().main(args, *rest, **kwargs)
        try:
            return super().main(words, *rest, standalone_mode=False, **{k: v for k, v in kwargs.items()
                                                                        if k != "standalone_mode"})
        except click.ClickException as exc:
            _fail_json(exc, exc.exit_code)
            exc.show()
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            _fail_json(KeyboardInterrupt(), 130)
            sys.exit(130)


def _fail_json(error: BaseException, exit_code: int) -> None:
    from sourcing.output.json import error_document

    click.echo(error_document(error, exit_code), nl=False)


def run(action: Callable[[], str | bytes], output: Path | None, *, as_json: bool = False,
        also: list[tuple[Path, bytes]] | None = None, then: Callable[[], None] | None = None) -> None:
    """Run ``action`` and emit what it renders; map our errors to the contract's exit codes (with
    ``as_json``, a failure also writes the JSON error document to stdout; ``output`` is never
    touched by a failure). ``also``: other files (a picture) that ``action`` leaves to be written
    with ``output``, first; ``then``: what writes files otherwise (``init``'s folder), called once
    ``action`` is done, where the files are written (an ``OSError`` from it is an OutputError).

    Exit 130 means nothing was written: once ``action`` has its answer, a signal is only noted
    (:func:`sourcing.signals.note_interrupts`); the files written, the command ends as it would, and
    a write that fails after a signal is an interruption."""
    from sourcing.errors import OptionError, SourcingError
    from sourcing.output.files import is_regular_or_absent
    from sourcing.signals import (
        current_handlers,
        ignore_interrupts,
        note_interrupts,
        restore_handlers,
        sigterm_as_interrupt,
    )

    def fail(exc: BaseException, code: int, text: str) -> None:
        if as_json:
            _fail_json(exc, code)
        say(text)
        _exit(code)

    saved = current_handlers()
    try:
        with sigterm_as_interrupt():
            text = action()
            noted = note_interrupts()
            written: list[tuple[Path, bytes | None]] = []  # each picture written, and what it replaced
            try:
                for path, content in also or ():
                    if is_regular_or_absent(path):  # a pipe or a device is written through, nothing to undo
                        written.append((Path(path), _old_file(path)))
                    write(path, content)
                if output is not None:
                    write(output, text)
                if then is not None:
                    then()
            except SourcingError:
                _put_back(written)  # a picture written for an output that could not be: nothing written
                if noted:
                    raise KeyboardInterrupt from None
                raise
    except OptionError as exc:
        restore_handlers(saved)
        if as_json:
            fail(exc, 2, f"Error: {exc}")
        raise click.UsageError(printable(str(exc))) from None
    except SourcingError as exc:
        restore_handlers(saved)  # a write that failed after signals were noted: Ctrl-C is Ctrl-C again
        fail(exc, exc.exit_code, f"error: {exc}")
    except KeyboardInterrupt as exc:
        ignore_interrupts()  # the process is on its way out: a second Ctrl-C must not cut that short
        fail(exc, 130, "interrupted" + (f": {exc}" if str(exc) else ""))
    except Exception as exc:  # a bug: say so briefly, keep the traceback for those who ask
        restore_handlers(saved)
        if os.environ.get("SOURCING_DEBUG"):
            raise
        fail(exc, 1, f"internal error (a bug in sourcing; set SOURCING_DEBUG=1 for details): {exc!r}")
    for path, _ in also or ():
        say(f"wrote {path}")
    if output is None:
        if isinstance(text, bytes):
            sys.stdout.buffer.write(text)
        else:
            click.echo(text, nl=False)
    elif text:
        say(f"wrote {output}")
    restore_handlers(saved)  # done: a signal from here on cannot leave a file behind an exit 130


def _exit(code: int) -> None:
    """Exit with ``code``; at once (``os._exit``, streams flushed) if a stopped HiGHS solve still
    runs in its thread, as the interpreter's own exit would tear itself down under it."""
    if "sourcing.highs" in sys.modules and sys.modules["sourcing.highs"].solve_running():
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)




def _old_file(path: Path) -> bytes | None:
    """The bytes of the regular file at ``path`` (None where there is none), to put back."""
    try:
        return Path(path).read_bytes() if os.path.isfile(path) else None
    except OSError:
        return None


def _put_back(written: list[tuple[Path, bytes | None]]) -> None:
    """Undo the writes ``written`` (path, the bytes that stood there or None), as far as the disk allows."""
    from sourcing.output import write_atomic

    for path, old in reversed(written):
        try:
            if old is None:
                path.unlink(missing_ok=True)
            else:
                write_atomic(path, old)
        except OSError:
            pass


def say(message: str) -> None:
    """Say ``message`` on stderr, :func:`printable`: every line the CLI says (a warning, an error,
    "wrote FILE") goes through here, so no name in it (an output's, a sheet's) drives the terminal."""
    click.echo(printable(message), err=True)


def write(output: Path, content: str | bytes) -> None:
    """Write ``content`` to ``output`` (atomically where it is a file); a failure is an OutputError."""
    from sourcing.errors import OutputError
    from sourcing.output import write_atomic

    try:
        write_atomic(output, content)
    except OSError as exc:
        raise OutputError(f"cannot write {output}: {exc.strerror or exc}; nothing was written") from None


def default_inputs() -> Path:
    """The inputs of a command run without ``--inputs``: the bundled dataset, from any folder (the
    contract, version 1). One line on stderr says so, and names the inputs of the folder you stand
    in, if it holds any (a supply.csv, or exactly one workbook with a supply sheet), with the
    option that reads them: an edited copy is never passed over in silence."""
    from sourcing.readers import inputs_here

    here, why = inputs_here(Path.cwd())
    if here is not None:
        option = "--inputs ." if here == Path.cwd() else f"--inputs {here.name}"
        click.echo(f"inputs: the bundled dataset, not {why}: without --inputs every command reads the bundled "
                   f"case; {option} to read this folder's", err=True)
    else:
        click.echo(f"inputs: the bundled dataset{f' ({why})' if why else ''}; --inputs to choose others", err=True)
    return bundled_inputs()


def load(inputs: Path | None, year: int | None = None, option: str | None = None, *, independent_events: bool = False):
    """The validated inputs of ``year`` (by default those of :func:`default_inputs`), their
    warnings said on stderr."""
    from sourcing.data import load_inputs

    data = load_inputs(inputs or default_inputs(), year=year, option=option, independent_events=independent_events)
    for warning in data.warnings[:WARNINGS]:
        say(f"warning: {warning}")
    if len(data.warnings) > WARNINGS:
        say(f"warning: ... and {len(data.warnings) - WARNINGS:,} more (sourcing check --format json "
            "lists every warning)")
    return data


def picture(fig, path: Path, dpi: int) -> tuple[Path, bytes]:
    """A drawn figure as the file ``run`` writes with the command's output (and closed)."""
    import matplotlib.pyplot as plt

    from sourcing.output.files import figure_bytes

    try:
        return path, figure_bytes(fig, path, dpi)
    finally:
        plt.close(fig)
