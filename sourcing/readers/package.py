"""The .xlsx package under a workbook, looked at before python-calamine reads it: whatever the file
holds is refused cheaply, with a message naming the workbook and the part (or sheet), rather than
left to exhaust memory or abort the process.

- a password-protected workbook (an OLE compound file, not a zip) says it is encrypted;
- the zip directory is read first: a part that inflates past :data:`MAX_PART` bytes, or more than
  :data:`MAX_RATIO` times its compressed size (a zip bomb), or parts past :data:`MAX_TOTAL`;
- an XML part with a DTD (``<!DOCTYPE``: an entity-expansion bomb; no Office part has one);
- ill-formed XML in the parts that say which sheets there are, and a sheet whose part is missing;
- a sheet whose cells reach past :data:`MAX_CELLS` cells from A1 (``XFD1048576`` would have
  python-calamine allocate 512 GiB): its extent is found by one streamed pass over its XML.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from xml.etree import ElementTree

from sourcing.errors import column_letters
from sourcing.readers.csv import UnreadableError

MAX_PART = 256 * 2**20
"""Bytes a part of the package may inflate to (a sheet of about 5,000,000 cells)."""
MAX_TOTAL = 1024 * 2**20
"""Bytes the whole package may inflate to."""
MAX_RATIO = 100
"""How many times its compressed size a part may inflate to (past :data:`RATIO_FLOOR` bytes):
Excel's XML inflates 5 to 20 times; a zip bomb a thousand."""
RATIO_FLOOR = 2**20
MAX_CELLS = 5_000_000
"""Cells a sheet may span, counted from A1 to its last row and column (python-calamine allocates
them all: about 45 bytes a cell)."""
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384
"""Excel's grid: a cell beyond it is not one Excel wrote."""

_CFB = bytes.fromhex("D0CF11E0A1B11AE1")
_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY")
_CHUNK = 2**20
_ROW_REF = re.compile(rb"""<row r=["'](\d+)["']""")
_CELL_COLUMN = re.compile(rb"""<c r=["']([A-Z]+)\d""")
_CELL_ROW = re.compile(rb"""<c r=["'][A-Z]+(\d+)["']""")
_ANY_CELL = re.compile(rb"<c[^\w:.-]")
"""Any cell tag: where one lacks ``r`` as its first attribute, or one has a namespace prefix, the
part is walked tag by tag."""
_TAG = re.compile(rb'<(?:\w+:)?(row|c)(?=[\s>/])([^>]*)>')
_R = re.compile(rb"""\br\s*=\s*["']([A-Za-z]*)(\d+)["']""")
"""A cell's or row's ``r``, as XML may write it: quoted with " or ', spaced around =."""


def _mib(size: int) -> str:
    return f"{size / 2**20:,.1f} MiB"


class Package:
    """The parts of the workbook whose bytes are ``data`` (its name: ``name``), checked as the
    module says; ``sheets`` maps each sheet's name to its part, ``hidden`` the hidden ones."""

    def __init__(self, data: bytes, name: str) -> None:
        self.name = name
        if data.startswith(_CFB):
            if "EncryptedPackage".encode("utf-16-le") in data:
                raise UnreadableError("is encrypted (saved with a password to open it): save it in Excel without a "
                                      "password (File > Info > Protect Workbook > Encrypt with Password, empty)")
            raise UnreadableError("is an Excel 97-2003 workbook (.xls) named .xlsx: save it in Excel as .xlsx")
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            raise UnreadableError(f"not a workbook Excel can save as .xlsx (not a zip archive: {exc})") from None
        self.sheets: dict[str, str] = {}
        self._check_sizes("xl/workbook.xml", "xl/_rels/workbook.xml.rels")  # to name a sheet's part by its sheet
        self.sheets, self.hidden = self._sheet_parts()
        self._check_sizes()
        for part in ("xl/sharedStrings.xml", "xl/styles.xml"):
            if part in self.zip.NameToInfo:
                self.scan(part)

    def _check_sizes(self, *parts: str) -> None:
        """The sizes in the zip directory (of ``parts``, else of every part), before any is read."""
        total = 0
        for info in [self.zip.NameToInfo[p] for p in parts if p in self.zip.NameToInfo] or self.zip.infolist():
            size, packed = info.file_size, max(info.compress_size, 1)
            total += size
            what = self.named(info.filename)
            if size > MAX_PART:
                raise self.refused(info.filename, f"{what} inflates to {_mib(size)}, past the {_mib(MAX_PART)} "
                                   "sourcing reads in a part; give that table as a CSV file")
            if size > RATIO_FLOOR and size > MAX_RATIO * packed:
                raise self.refused(info.filename, f"{what} inflates {size // packed:,} times (from {packed:,} to "
                                   f"{size:,} bytes), as a zip bomb does (Excel's parts: 5 to 20 times); refused")
        if not parts and total > MAX_TOTAL:
            raise UnreadableError(f"its parts inflate to {_mib(total)}, past the {_mib(MAX_TOTAL)} sourcing reads; "
                                  "give the tables as CSV files")

    def named(self, part: str) -> str:
        """``part`` as a message names it: ``sheet supply (part xl/worksheets/sheet2.xml)``."""
        sheet = next((s for s, p in self.sheets.items() if p == part), None)
        return f"part {part}" if sheet is None else f"sheet {sheet} (part {part})"

    def refused(self, part: str, message: str) -> UnreadableError:
        """The error that refuses ``part``; ``sheet`` names its sheet, if it is one."""
        error = UnreadableError(message)
        error.sheet = next((s for s, p in self.sheets.items() if p == part), None)
        return error

    def _xml(self, part: str) -> ElementTree.Element:
        """The parsed XML of ``part`` (after :meth:`scan`)."""
        self.scan(part)
        try:
            return ElementTree.fromstring(self.read(part))
        except ElementTree.ParseError as exc:
            raise self.refused(part, f"{self.named(part)} is not well-formed XML ({exc}); save the book again in "
                               "Excel") from None

    def _sheet_parts(self) -> tuple[dict[str, str], set[str]]:
        book = self._xml("xl/workbook.xml")
        rels = self._xml("xl/_rels/workbook.xml.rels")
        # by local name: a book saved as Strict Open XML has namespaces of its own
        targets = {r.get("Id"): r.get("Target") or "" for r in rels.iter() if _local(r.tag) == "Relationship"}
        sheets, hidden = {}, set()
        for s in (e for e in book.iter() if _local(e.tag) == "sheet"):
            rid = next((v for k, v in s.attrib.items() if _local(k) == "id"), None)
            name, target = s.get("name") or "", targets.get(rid, "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            sheets[name] = part
            if s.get("state") in ("hidden", "veryHidden"):
                hidden.add(name)
        return sheets, hidden

    def read(self, part: str) -> bytes:
        """The bytes of ``part`` (its size was checked in the zip directory).

        Raises:
            UnreadableError: the part is missing or damaged.
        """
        if part not in self.zip.NameToInfo:
            raise self.refused(part, f"{self.named(part)} is missing from the package: the file is damaged; save "
                               "the book again in Excel")
        try:
            return self.zip.read(part)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise self.refused(part, f"{self.named(part)} cannot be read ({exc}): the file is damaged; save the "
                               "book again in Excel") from None

    def part(self, sheet: str) -> str:
        """The part of ``sheet``.

        Raises:
            UnreadableError: the package has no such part.
        """
        part = self.sheets.get(sheet, "")
        if part not in self.zip.NameToInfo:
            missing = f"{part} is missing" if part else "the workbook names no part for it"
            raise UnreadableError(f"sheet {sheet} has no part in the package ({missing}): the file is damaged; "
                                  "save the book again in Excel")
        return part

    def scan(self, part: str, cells: bool = False) -> tuple[int, int]:
        """One streamed pass over ``part``: refuses a DTD, and with ``cells`` a sheet that spans
        more than :data:`MAX_CELLS` cells or goes beyond Excel's grid. Returns (last row, last
        column) reached (0, 0 without ``cells``).

        Raises:
            UnreadableError: saying what is wrong with the part.
        """
        rows = columns = 0
        row = column = 0  # where a row or cell without an ``r`` attribute stands
        tail = b""
        if part not in self.zip.NameToInfo:
            self.read(part)  # says it is missing
        try:
            with self.zip.open(part) as stream:
                while chunk := stream.read(_CHUNK):
                    text = tail + chunk
                    if _DTD.search(text):
                        raise self.refused(part, f"{self.named(part)} declares a DTD (<!DOCTYPE or <!ENTITY), "
                                           "which no part Excel writes holds (an entity-expansion bomb?); refused")
                    cut = text.rfind(b"<")
                    text, tail = (text[:cut], text[cut:]) if cut >= 0 and len(text) - cut < 4096 else (text, b"")
                    if not cells:
                        continue
                    found_rows, found_cells = _ROW_REF.findall(text), _CELL_COLUMN.findall(text)
                    if len(found_cells) == len(_ANY_CELL.findall(text)) and b":c " not in text and \
                            b":c>" not in text:  # as Excel writes: every cell says where, r its first attribute
                        row = max([row, *map(int, set(found_rows))])
                        column = max(map(_column, set(found_cells))) if found_cells else column
                        rows = max([rows, *map(int, set(_CELL_ROW.findall(text)))])
                    else:
                        row, column, columns, reached = _walk(text, row, column, columns)
                        rows = max(rows, reached)
                    rows, columns = max(rows, row), max(columns, column)
                    self._extent(part, rows, columns)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise self.refused(part, f"{self.named(part)} cannot be read ({exc}): the file is damaged; save the "
                               "book again in Excel") from None
        return rows, columns

    def _extent(self, part: str, rows: int, columns: int) -> None:
        sheet = next((s for s, p in self.sheets.items() if p == part), part)
        if rows > EXCEL_ROWS or columns > EXCEL_COLUMNS:
            raise self.refused(part, f"sheet {sheet} has a cell beyond Excel's last cell XFD1048576: the file is "
                               "damaged; save the book again in Excel")
        if rows * columns > MAX_CELLS:
            raise self.refused(part, f"sheet {sheet} reaches cell {column_letters(columns)}{rows}: {rows * columns:,} "
                                  f"cells from A1, past the {MAX_CELLS:,} sourcing reads in a sheet; delete what "
                                  "stands far below or right of the table (Ctrl+End shows the last cell)")


def _local(name: str) -> str:
    """An XML name without its namespace: ``{...}sheet`` is ``sheet``."""
    return name.rpartition("}")[2]


def _column(letters: bytes) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + char - 64
    return number


def _walk(text: bytes, row: int, column: int, columns: int) -> tuple[int, int, int, int]:
    """Row and cell tags one by one (some tag lacks ``r``): each without one stands after the last.
    Returns the row and column reached, the last column seen and the last row a cell names."""
    reached = 0
    for match in _TAG.finditer(text):
        ref = _R.search(match.group(2))
        if match.group(1) == b"row":
            row = int(ref.group(2)) if ref else row + 1
            column = 0
        else:
            column = _column(ref.group(1)) if ref and ref.group(1) else column + 1
            columns = max(columns, column)
            reached = max(reached, int(ref.group(2)) if ref and ref.group(1) else 0)
    return row, column, columns, reached
