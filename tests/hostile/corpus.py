"""Hand-made hostile inputs: file contents and file-system oddities, each with a name.

Contents are bytes builders (cheap, built per case); places are functions that put something
odd at a path. `tests/hostile/test_hostile_inputs.py` crosses them with every command that
reads a file.
"""

from __future__ import annotations

import json
import os
import socket
import zipfile
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

from tests.xlsx_bombs import padding, replace_parts, sheet_part, sheet_xml

Content = Callable[[], bytes]
Place = Callable[[Path], None]

_DOC = '{"format": "assessor.assessment/1", "centre": {"name": "阳光托育"}}'


def _deep(opening: bytes, closing: bytes, depth: int) -> Content:
    return lambda: opening * depth + b"1" + closing * depth


# Contents that are not acceptable JSON of any of our formats.
JSON_CONTENTS: dict[str, Content] = {
    "empty": lambda: b"",
    "whitespace": lambda: b" \n\t " * 100,
    "deep-arrays-100k": _deep(b"[", b"]", 100_000),
    "deep-objects-100k": _deep(b'{"a":', b"}", 100_000),
    "deep-mixed-65": _deep(b'[{"a":', b"}]", 33),
    "deep-unclosed-1m": lambda: b"[" * 1_000_000,
    "int-5000-digits": lambda: b'{"version": ' + b"9" * 5000 + b"}",
    "int-negative-4301": lambda: b'{"version": -' + b"1" * 4301 + b"}",
    "float-overflow": lambda: b'{"version": 1e999}',
    "float-long-mantissa": lambda: b'{"version": 0.' + b"1" * 100_000 + b"}",
    "nan": lambda: b'{"version": NaN}',
    "infinity": lambda: b'{"version": Infinity}',
    "minus-infinity": lambda: b'{"x": [-Infinity]}',
    "duplicate-key": lambda: b'{"id": "a", "id": "b"}',
    "duplicate-nested-key": lambda: b'{"centre": {"name": "x", "name": "y"}}',
    "utf8-bom": lambda: b"\xef\xbb\xbf" + _DOC.encode(),
    "utf16-le-bom": lambda: _DOC.encode("utf-16"),
    "utf16-be": lambda: _DOC.encode("utf-16-be"),
    "utf16-le-no-bom": lambda: _DOC.encode("utf-16-le"),
    "utf32": lambda: _DOC.encode("utf-32"),
    "gbk": lambda: _DOC.encode("gbk"),
    "gb18030-4-byte": lambda: '{"x": "😀"}'.encode("gb18030"),
    "latin1": lambda: '{"x": "café"}'.encode("latin-1"),
    "invalid-utf8-continuation": lambda: b'{"x": "\x80\x80"}',
    "overlong-utf8": lambda: b'{"x": "\xc0\xaf"}',
    "nul-bytes": lambda: b'{"x": 1}\x00\x00',
    "binary-noise": lambda: bytes(range(256)) * 8,
    "truncated": lambda: _DOC.encode()[:30],
    "trailing-garbage": lambda: _DOC.encode() + b" trailing",
    "comment": lambda: b'// comment\n{"x": 1}',
    "single-quotes": lambda: b"{'x': 1}",
    "raw-control-char": lambda: b'{"x": "a\x01b"}',
    "top-level-array": lambda: b"[1, 2, 3]",
    "top-level-string": lambda: b'"assessment"',
    "top-level-number": lambda: b"42",
    "top-level-null": lambda: b"null",
    "empty-object": lambda: b"{}",
    "lone-surrogate": lambda: b'{"format": "\\ud800"}',
    "wrong-types": lambda: b'{"format": 1, "id": [], "version": "one", "scores": {}}',
    "zip-instead": lambda: _zip_bytes(),
    "pdf-instead": lambda: b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n",
    "huge-string-5mb": lambda: b'{"x": "' + b"a" * (5 * 1024 * 1024) + b'"}',
    "many-keys": lambda: json.dumps({f"k{n}": n for n in range(10_000)}).encode(),
}


def _zip_bytes() -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.json", "{}")
    return buffer.getvalue()


def _sparse(size: int) -> Place:
    def place(path: Path) -> None:
        with open(path, "wb") as handle:
            handle.truncate(size)  # sparse: costs no disk, only a size

    return place


def _directory(path: Path) -> None:
    path.mkdir()


def _missing(path: Path) -> None:
    del path  # nothing there


def _symlink_loop(path: Path) -> None:
    path.symlink_to(path)


def _dangling_symlink(path: Path) -> None:
    path.symlink_to(path.with_name("gone"))


def _symlink_to_directory(path: Path) -> None:
    target = path.with_name("real-folder")
    target.mkdir()
    path.symlink_to(target)


def _symlink_to_device(path: Path) -> None:
    path.symlink_to("/dev/zero")


def _socket(path: Path) -> None:
    # Bound by a relative name: socket paths are limited to ~108 bytes, test folders are not.
    here = Path.cwd()
    os.chdir(path.parent)
    try:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.bind(path.name)
    finally:
        os.chdir(here)


# File-system places that are no readable regular file (FIFOs run in a subprocess, below).
PLACES: dict[str, Place] = {
    "missing": _missing,
    "directory": _directory,
    "symlink-loop": _symlink_loop,
    "dangling-symlink": _dangling_symlink,
    "symlink-to-directory": _symlink_to_directory,
    "symlink-to-dev-zero": _symlink_to_device,
    "socket": _socket,
    "sparse-300mb": _sparse(300 * 1024 * 1024),
}


def fifo(path: Path) -> None:
    os.mkfifo(path)


def symlink_to_fifo(path: Path) -> None:
    target = path.with_name("pipe")
    os.mkfifo(target)
    path.symlink_to(target)


FIFO_PLACES: dict[str, Place] = {"fifo": fifo, "symlink-to-fifo": symlink_to_fifo}


# ---- workbooks --------------------------------------------------------------------------

Workbook = Callable[[Path, Path], None]  # (a good workbook, where to write the hostile one)
_INDICATORS = sheet_part(8)


def _bomb(good: Path, target: Path) -> None:
    replace_parts(good, target, {"xl/bomb.xml": padding(80)})


def _million_rows(good: Path, target: Path) -> None:
    replace_parts(good, target, {_INDICATORS: sheet_xml(1_000_000, dimension=None)})


def _lying_dimension(good: Path, target: Path) -> None:
    replace_parts(good, target, {_INDICATORS: sheet_xml(50_000, dimension="A1:A5")})


def _declared_huge(good: Path, target: Path) -> None:
    replace_parts(good, target, {_INDICATORS: sheet_xml(2, dimension="A1:XFD1048576")})


def _many_columns(good: Path, target: Path) -> None:
    replace_parts(good, target, {_INDICATORS: sheet_xml(3, dimension=None, columns=5000)})


def _many_entries(good: Path, target: Path) -> None:
    replace_parts(good, target, {f"xl/media/x{n}.bin": b"" for n in range(600)})


def _truncated_zip(good: Path, target: Path) -> None:
    target.write_bytes(good.read_bytes()[:2000])


def _zip_without_workbook(good: Path, target: Path) -> None:
    target.write_bytes(_zip_bytes())


def _broken_sheet_xml(good: Path, target: Path) -> None:
    replace_parts(good, target, {_INDICATORS: b"<worksheet><sheetData><row>"})


def _xml_entities(good: Path, target: Path) -> None:
    # "Billion laughs": entity expansion must not be performed.
    lol = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10 if n > 1 else "&lol;" * 10}">'.encode()
            for n in range(1, 10)
        )
        + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    replace_parts(good, target, {_INDICATORS: lol})


def _unknown_sheet(good: Path, target: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(good)
    wb.create_sheet("随便写写")
    wb.save(target)


def _formula_cell(good: Path, target: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(good)
    wb["指标"]["E3"] = "=SUM(E4:E9)"
    wb.save(target)


def _bytes(content: bytes) -> Workbook:
    return lambda good, target: target.write_bytes(content)


WORKBOOKS: dict[str, Workbook] = {
    "zip-bomb-80mb": _bomb,
    "million-rows": _million_rows,
    "lying-dimension": _lying_dimension,
    "declared-whole-sheet": _declared_huge,
    "5000-columns": _many_columns,
    "600-zip-entries": _many_entries,
    "truncated-zip": _truncated_zip,
    "zip-without-workbook": _zip_without_workbook,
    "broken-sheet-xml": _broken_sheet_xml,
    "xml-entity-expansion": _xml_entities,
    "unknown-sheet": _unknown_sheet,
    "formula-without-value": _formula_cell,
    "empty-file": _bytes(b""),
    "json-renamed": _bytes(b'{"x": 1}'),
    "html-renamed": _bytes(b"<html><body><table><tr><td>1</td></tr></table></body></html>"),
}
