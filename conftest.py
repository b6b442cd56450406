"""The documentation's examples run as tests (Sybil): a number in the docs that drifts from the
command fails the suite.

- ```console blocks: each line ``$ COMMAND`` runs (``sourcing`` is this checkout's CLI) in a
  scratch folder holding a copy of the bundled ``inputs/`` (and of ``docs/cases/``); the lines below it, up to the next
  ``$``, are what it prints (stdout and stderr as they come). A line ``...`` stands for any lines;
  a last line ``[exit N]`` says the command exits with N (0 otherwise).
- ```python blocks run in the same scratch folder, one namespace per document; ``>>>`` lines are
  doctests whose printed output must match.
"""

from __future__ import annotations

import difflib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from doctest import ELLIPSIS, NORMALIZE_WHITESPACE
from pathlib import Path

from sybil import Sybil
from sybil.parsers.markdown import CodeBlockParser, PythonCodeBlockParser

ROOT = Path(__file__).resolve().parent
EXIT = re.compile(r"\[exit (\d+)\]")


def _setup(namespace: dict) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="sourcing-docs-"))
    shutil.copytree(ROOT / "inputs", scratch / "inputs")
    shutil.copytree(ROOT / "docs" / "cases", scratch / "docs" / "cases")  # the former cases, by the same paths
    namespace["_scratch"], namespace["_cwd"] = scratch, os.getcwd()
    os.chdir(scratch)


def _teardown(namespace: dict) -> None:
    os.chdir(namespace["_cwd"])
    shutil.rmtree(namespace["_scratch"], ignore_errors=True)


def _matches(expected: list[str], got: list[str]) -> bool:
    """Whether ``got`` is ``expected`` line for line, a line ``...`` standing for any lines."""
    pattern = "".join(r"(?:.*\n)*?" if line == "..." else re.escape(line) + r"\n" for line in expected)
    return re.fullmatch(pattern, "".join(line + "\n" for line in got)) is not None


def run_console(example) -> None:
    """Run every ``$`` command of a console block and compare what it prints."""
    lines = example.parsed.rstrip("\n").split("\n")
    commands: list[tuple[str, list[str]]] = []
    for line in lines:
        if line.startswith("$ "):
            commands.append((line[2:], []))
        elif commands:
            commands[-1][1].append(line.rstrip())
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "100", "PYTHONPATH": str(ROOT)}
    env.pop("DASK_SCHEDULER_ADDRESS", None)
    for command, expected in commands:
        code = 0
        if expected and EXIT.fullmatch(expected[-1]):
            code = int(EXIT.fullmatch(expected.pop()).group(1))
        args = shlex.split(command)
        if args[0] == "sourcing":
            args = [sys.executable, "-m", "sourcing.cli", *args[1:]]
        done = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                              cwd=example.namespace["_scratch"], timeout=300)
        got = [line.rstrip() for line in done.stdout.rstrip("\n").split("\n")] if done.stdout else []
        if done.returncode != code or not _matches(expected, got):
            diff = "\n".join(difflib.unified_diff(expected, got, "the docs", "the command", lineterm=""))
            raise AssertionError(f"{example.path}:{example.line}: $ {command} exited {done.returncode} "
                                 f"(the docs say {code}) and printed:\n{diff}")


pytest_collect_file = Sybil(
    parsers=[
        CodeBlockParser(language="console", evaluator=run_console),
        PythonCodeBlockParser(doctest_optionflags=ELLIPSIS | NORMALIZE_WHITESPACE),
    ],
    patterns=["README.md", "docs/*.md", "inputs/README.md"],
    setup=_setup,
    teardown=_teardown,
).pytest()
