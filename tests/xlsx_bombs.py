"""Hostile workbooks built from a real one: sheets swapped for huge, lying or odd XML."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def sheet_part(sheet_number: int) -> str:
    """The zip member of the n-th sheet (1-based) in a workbook openpyxl wrote."""
    return f"xl/worksheets/sheet{sheet_number}.xml"


def replace_parts(source: Path, target: Path, parts: dict[str, bytes | Iterable[bytes]]) -> Path:
    """Copy a workbook, replacing (or adding) zip members; iterables are streamed in."""
    with (
        zipfile.ZipFile(source) as old,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as new,
    ):
        for info in old.infolist():
            if info.filename not in parts:
                new.writestr(info, old.read(info.filename))
        for name, content in parts.items():
            with new.open(name, "w", force_zip64=True) as member:
                for chunk in [content] if isinstance(content, bytes) else content:
                    member.write(chunk)
    return target


def sheet_xml(rows: int, *, dimension: str | None, columns: int = 1) -> Iterable[bytes]:
    """A worksheet with `rows` numeric rows; `dimension` is what it claims (None: no claim)."""
    yield f'<worksheet xmlns="{_NS}">'.encode()
    if dimension is not None:
        yield f'<dimension ref="{dimension}"/>'.encode()
    yield b"<sheetData>"
    cells = "".join(f'<c r="{_column(c)}{{r}}"><v>1</v></c>' for c in range(1, columns + 1))
    batch: list[str] = []
    for r in range(1, rows + 1):
        batch.append(f'<row r="{r}">' + cells.replace("{r}", str(r)) + "</row>")
        if len(batch) == 10_000:
            yield "".join(batch).encode()
            batch.clear()
    yield "".join(batch).encode()
    yield b"</sheetData></worksheet>"


def padding(megabytes: int) -> Iterable[bytes]:
    """An XML comment of `megabytes` MB that deflates to almost nothing (a zip bomb)."""
    yield b"<!--"
    chunk = b" " * (1024 * 1024)
    for _ in range(megabytes):
        yield chunk
    yield b"-->"


def _column(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
