"""Golden outputs of the bundled case: every byte of what users and their scripts read.

Each command below runs through the CLI on the bundled inputs and its stdout is compared byte for
byte with ``tests/golden/<name>``. A change to any of them is a change users see: make it on
purpose, regenerate with ``SOURCING_REGENERATE_GOLDEN=1 python -m pytest tests/test_golden.py``,
and say why in the commit. The bundled folder's path (printed by ``check``) is written as
``<bundled>``, and the checkout's (for the 2025 case in docs/cases) as ``<repo>``, so that the files do
not depend on where the package is installed or the repository cloned.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from sourcing import bundled_inputs
from sourcing.cli import main

GOLDEN = Path(__file__).parent / "golden"
STATUS_QUO = str(bundled_inputs() / "plans" / "status-quo.csv")
SWEEP = ("sweep", "--cap", "China=1.0:0.46:0.01", "--risk-weight", "1")  # 55 points

PLAN = ("plan", "--years", "2026:2035", "--value-of-information")  # docs/plan.md's multi-year example

FORMER = str(Path(__file__).resolve().parents[1] / "docs" / "cases" / "japan-2025")  # the 2025 case

COMMANDS: dict[str, tuple[str, ...]] = {"check.txt": ("check",), "plan-voi.txt": PLAN,
                                        # one event per path cannot start with events in progress, which
                                        # the January 2026 case has: the former tree, on the former case
                                        "plan-first-voi.txt": (*PLAN, "--events", "first", "--inputs", FORMER)}
for fmt, ext in (("table", "txt"), ("json", "json"), ("csv", "csv")):
    COMMANDS[f"solve.{ext}"] = ("solve", "--format", fmt)
    COMMANDS[f"solve-voi.{ext}"] = ("solve", "--value-of-information", "--format", fmt)
    COMMANDS[f"evaluate.{ext}"] = ("evaluate", "--plan", STATUS_QUO, "--format", fmt)
    COMMANDS[f"sweep.{ext}"] = (*SWEEP, "--format", fmt)


SOLVED = ("year", "year_reason", "inputs")
"""The keys that say what a document solved (the year and why, the inputs and their hashes)."""


def without(text: str, keys: tuple[str, ...] = ("inputs",)) -> str:
    """A JSON document's text without ``keys`` (by default the inputs it names: another folder or a
    workbook holding the same rows gives the same document but for them)."""
    doc = json.loads(text)
    for key in keys:
        doc.pop(key, None)
    return json.dumps(doc, indent=2) + "\n"


def stdout_of(args: tuple[str, ...]) -> bytes:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    out = result.stdout_bytes.replace(str(bundled_inputs()).encode(), b"<bundled>")
    return out.replace(str(Path(FORMER).parents[2]).encode(), b"<repo>")  # the checkout, wherever it is


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_output_is_the_golden_file(name):
    got = stdout_of(COMMANDS[name])
    path = GOLDEN / name
    if os.environ.get("SOURCING_REGENERATE_GOLDEN"):
        path.write_bytes(got)
    assert path.exists(), f"no golden file {path}; regenerate with SOURCING_REGENERATE_GOLDEN=1"
    assert got == path.read_bytes(), f"sourcing {' '.join(COMMANDS[name])} no longer prints {path}"
