"""One CSV file as text cells: its header, its rows as strings, and where each row starts.

The file is decoded (UTF-8, with or without Excel's byte-order mark, or UTF-16 with its mark),
line endings made universal (CR LF and Excel's Macintosh CR alike), its delimiter found (a comma,
or the semicolon Excel writes where the decimal separator is a comma), its header read with the
``csv`` module and its rows with pandas (as strings: nothing is converted here, so that every value
can be checked and reported as written). Rows are mapped back to lines counting blank lines and
quoted values that span lines.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import unicodedata
import warnings
from pathlib import Path

import pandas as pd


class UnreadableError(Exception):
    """The file cannot be read as CSV; ``line`` and ``column`` are 1-based, None where unknown."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


class CsvFile:
    """The text of one CSV file: ``header`` (names stripped), then :meth:`rows` and :meth:`line`."""

    header_line = 1
    """The header is the file's first line."""

    def __init__(self, path: Path) -> None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UnreadableError(f"cannot be read ({exc.strerror or exc}); check the file's permissions") from None
        self.digest = hashlib.sha256(data).hexdigest()
        self.encoding = "utf-8"
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
            self.encoding = "utf-16"
        try:
            text = data.decode("utf-8-sig" if self.encoding == "utf-8" else "utf-16")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            column = data.count(b",", data.rfind(b"\n", 0, exc.start) + 1, exc.start) + 1  # the field, as elsewhere
            bad = data[exc.start:exc.start + 1].hex()
            raise UnreadableError(
                f"not UTF-8 text: byte 0x{bad} cannot be decoded (Shift-JIS or another legacy encoding?); "
                "save the file as CSV UTF-8", line, column) from None
        if not text.isascii():  # one spelling per name: 'Côte' typed composed or decomposed is one name
            text = unicodedata.normalize("NFC", text)
        if "\r" in text:  # universal newlines: Excel's "CSV (Macintosh)" ends lines with CR alone
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        self.text = text
        self.delimiter = ","
        self.header = [h.strip() for h in next(csv.reader(io.StringIO(text)), [])]
        if len(self.header) == 1 and ";" in self.header[0]:
            # what Excel writes as "CSV" where the decimal separator is a comma: ';' between
            # columns (numbers with decimal commas are read by the converter, see decimal_comma)
            self.delimiter = ";"
            self.header = [h.strip() for h in next(csv.reader(io.StringIO(text), delimiter=";"), [])]
        if len(self.header) == 1:
            for sep, name in (("\t", "tabs"), ("|", "vertical bars")):
                if sep in self.header[0]:
                    raise UnreadableError(f"the columns are separated by {name} ({sep!r}), not commas; save the file "
                                          "as comma-separated CSV (in Excel: CSV UTF-8)", 1, 1)
        self._lines: _LineMap | None = None  # known once the rows are read

    def rows(self) -> pd.DataFrame:
        """Every row below the header as strings (empty cells are ""), columns by position.

        Raises:
            UnreadableError: a row has more fields than the header.
        """
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", pd.errors.ParserWarning)
                raw = pd.read_csv(
                    io.StringIO(self.text),
                    dtype=str,
                    keep_default_na=False,
                    na_filter=False,
                    skip_blank_lines=False,
                    header=0,
                    index_col=False,
                    sep=self.delimiter,
                )
        except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
            opened = _unclosed_quote(self.text, self.delimiter)
            if opened is not None:
                line, column = opened
                raise UnreadableError('a quote (") opened here is never closed; close it, or remove it', line,
                                      column) from None
            found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
            if found:
                want, line, saw = map(int, found.groups())
                text = self.text.split("\n")[line - 1] if line <= self.text.count("\n") + 1 else ""
                comma = self.delimiter == "," and re.search(r"\d,\d", text)
                hint = ("; if these are decimal commas (0,5), write decimal points, or let Excel write the file: in "
                        "a locale with decimal commas it separates the columns with ';', which is read as such"
                        if comma else "")
                raise UnreadableError(f"{saw} fields where the header has {want}; quote values that contain "
                                      f"{self._delimiters}{hint}", line, want + 1) from None
            raise UnreadableError(f"a row has more fields than the header ({len(self.header)}); "
                                  f"quote values that contain {self._delimiters}") from None
        self._lines = _LineMap(self.text, len(raw), self.delimiter)
        if len(raw.columns) == len(self.header):
            raw.columns = self.header
        if _may_be_padded(self.text, self.delimiter):
            raw = raw.apply(lambda s: s.str.strip())
        return raw

    @property
    def decimal_comma(self) -> bool:
        """Whether numbers may be written with a decimal comma (``0,5``): in a file whose columns
        are separated by semicolons, as Excel writes CSV where the decimal separator is a comma."""
        return self.delimiter == ";"

    @property
    def _delimiters(self) -> str:
        return "semicolons" if self.delimiter == ";" else "commas"

    def column(self, index: int) -> int:
        """The 1-based column (field) of the header's ``index``-th name."""
        return index + 1

    def line(self, row: int) -> int:
        """The 1-based line on which row position ``row`` (0-based, below the header) starts."""
        if self._lines is None:  # the rows could not be read: count records as the csv module does
            self._lines = _LineMap(self.text, 0, self.delimiter)
        return self._lines.line(row)


def _unclosed_quote(text: str, delimiter: str = ",") -> tuple[int, int] | None:
    """(line, field) of a quote that opens a value and is never closed, or None."""
    inside, start, at = False, 0, text.find('"')
    while at >= 0:
        if not inside:
            inside, start = True, at
        elif text.startswith('""', at):  # an escaped quote inside a quoted value
            at += 1
        else:
            inside = False
        at = text.find('"', at + 1)
    if not inside:
        return None
    line_start = text.rfind("\n", 0, start) + 1
    return text.count("\n", 0, start) + 1, text.count(delimiter, line_start, start) + 1


_PADDED = re.compile(r'(?:^|[,\n\r])[^\S\n\r]|[^\S\n\r](?:[,\n\r]|$)')
"""White space next to a delimiter or a line break: where an unquoted value might need stripping."""


def _may_be_padded(text: str, delimiter: str = ",") -> bool:
    """Whether some value in ``text`` may start or end with white space (False: stripping changes
    nothing). Quoted values (which may hold line breaks) and non-ASCII text are always stripped;
    large files of names and numbers hold no white space at all, which is checked first."""
    if '"' in text or not text.isascii():
        return True
    if delimiter != ",":
        return True
    return any(c in text for c in " \t\x0b\x0c\x1c\x1d\x1e\x1f") and _PADDED.search(text) is not None


class _LineMap:
    """Maps a data row's position (0-based, as pandas reads it) to its 1-based line in the file."""

    def __init__(self, text: str, nrows: int, delimiter: str = ",") -> None:
        newlines = text.count("\n")
        self.simple = newlines in (nrows + 1, nrows) and "\r" not in text.replace("\r\n", "")
        self._starts: list[int] = []
        if not self.simple:
            reader = csv.reader(io.StringIO(text), delimiter=delimiter)
            prev = 0
            for _ in reader:
                self._starts.append(prev + 1)
                prev = reader.line_num
            self._starts = self._starts[1:]  # drop the header record

    def line(self, row: int) -> int:
        if self.simple or row >= len(self._starts):
            return row + 2
        return self._starts[row]
