"""``python -m sourcing.cli``: the ``sourcing`` command."""

from sourcing.cli import main

main(prog_name="sourcing")
