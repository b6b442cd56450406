"""A workbook's package as tests change it: a part replaced, spoilt or removed, and zipped again."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path


def repack(book: Path, path: Path, changes: dict) -> Path:
    """``book`` zipped again as ``path``, its parts in ``changes`` replaced: by bytes, by a function
    of their bytes, or removed (None)."""
    with zipfile.ZipFile(book) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = changes.get(info.filename, old.read(info.filename))
            if callable(data):
                data = data(old.read(info.filename))
            if data is not None:
                new.writestr(info.filename, data)
    return path


def part_of(book: Path, sheet: str) -> str:
    """The part of the package that holds ``sheet`` (as the workbook's relationships say)."""
    with zipfile.ZipFile(book) as z:
        rid = re.search(rf'<sheet name="{sheet}"[^>]*r:id="(\w+)"', z.read("xl/workbook.xml").decode()).group(1)
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        return "xl/" + re.search(rf'<Relationship [^>]*Id="{rid}"[^>]*>', rels).group(0).split('Target="')[1].split('"')[0]
