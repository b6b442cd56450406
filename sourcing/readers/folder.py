"""A folder of CSV files as a source of input tables: one file per table, named as the schema says."""

from __future__ import annotations

import stat
from pathlib import Path

from sourcing.readers.csv import CsvFile, UnreadableError
from sourcing.schema import FileSpec


class Folder:
    """The CSV files of ``path``; a problem names the file (``folder/supply.csv``)."""

    kind = "folder"

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._named: dict[str, str] = {}  # an input file's name -> the file of that name in another case

    def place(self, spec: FileSpec) -> tuple[str, str | None]:
        return str(self.path / self._named.get(spec.name, spec.name)), None

    def row_name(self, spec: FileSpec, line: int) -> str:
        return f"{spec.name} line {line}"

    def words(self, message: str) -> str:
        return message

    def open(self, spec: FileSpec) -> CsvFile | None:
        """``spec``'s file, or None where there is none.

        Raises:
            UnreadableError: something that is not a readable file stands there, or it cannot be
                read as CSV.
        """
        path = self.path / spec.name
        other = self._other_case(spec.name)
        if other is not None:
            self._named[spec.name] = other
            raise UnreadableError(f"{other} is named {spec.name} in another case: rename it {spec.name} "
                                  "(names of input files are lower-case)")
        try:
            kind = _kind_of(path)
        except OSError as exc:  # a loop of symbolic links, or a folder that cannot be searched
            raise UnreadableError(f"cannot be read ({exc.strerror or exc}); replace it by a CSV file") from None
        if kind == "absent":
            return None
        if kind != "file":  # a file of that name exists but is not one to read: never take it as absent
            raise UnreadableError(f"is {kind}, not a file; replace it by a CSV file or remove it")
        return CsvFile(path)

    def _other_case(self, name: str) -> str | None:
        """A file of the folder named ``name`` in another case, where none is named ``name`` itself
        (on a case-insensitive disk ``Caps.csv`` would be read as ``caps.csv``, elsewhere ignored)."""
        try:
            names = [p.name for p in self.path.iterdir()]
        except OSError:
            return None
        if name in names:
            return None
        return next((n for n in sorted(names) if n.casefold() == name.casefold()), None)

    def missing(self, spec: FileSpec) -> str:
        return f"required file {spec.name} not found in {self.path}"

    def others(self) -> list[str]:
        """The names of the regular files of the folder (what no spec reads is warned about)."""
        return sorted(p.name for p in self.path.iterdir() if p.is_file() and not p.name.startswith("."))


def _kind_of(path: Path) -> str:
    """``file`` (a regular file, through any symbolic links), ``absent``, or what else is there."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "a symbolic link to a missing file" if path.is_symlink() else "absent"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"
