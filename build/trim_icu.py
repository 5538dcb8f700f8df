"""Rebuild Qt's ICU data library with only the data this app can use (Linux builds).

PySide6's Linux wheels link Qt to ICU, whose data library (libicudata.so.NN, 31 MB) holds every
locale, collation, currency, unit and legacy charset of the world: a fifth of the package. The
app shows Chinese (and English for Qt's fallbacks), so this keeps the root, English and
Simplified Chinese locale data, the GB 18030 and GBK converters, and every locale-independent
table (normalisation, properties, break rules and their dictionaries, which the root break
rules refer to, time zones), and drops the rest. ICU falls back to the root locale for anything missing, as it does for any locale it
was built without.

Tools: icupkg and genccode (Debian package icu-devtools) and a C compiler. Used by
build/assessor.spec:
    trimmed = trim_icu(Path(".../libicudata.so.73"), workdir)
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path, PurePosixPath

TOOLS = ("icupkg", "genccode", "cc", "nm")
KEEP_LOCALES = {"root", "en", "en_US", "en_US_POSIX", "zh", "zh_CN", "zh_Hans", "zh_Hans_CN"}
# GBK (windows-936) is built on ibm-1386.
KEEP_CONVERTERS = {"gb18030", "windows-936-2000", "ibm-1386_P100-2001"}
# Locale ids, also the truncated ones some collations use (`de_`); `res_index` (the list of
# locales in each tree) looks like one but is not.
_LOCALE = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]*)*$")
# Every ICU common data package starts with this header magic (bytes 2-3).
_MAGIC = b"\xda\x27"


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def dropped(item: str) -> bool:
    """Whether an item of the ICU package (e.g. `coll/de.res`, `ibm-1047_P100-1995.cnv`) goes."""
    path = PurePosixPath(item)
    name, suffix = path.stem, path.suffix
    if suffix == ".cnv":
        return name not in KEEP_CONVERTERS
    if suffix == ".res" and _LOCALE.fullmatch(name) and name != "res_index":
        return name not in KEEP_LOCALES
    return False


def _data_symbol(library: Path) -> tuple[str, int, int]:
    """Name, file offset and size of the library's `icudtNN_dat` symbol."""
    listing = subprocess.run(
        ["nm", "-D", "-S", str(library)], check=True, capture_output=True, text=True
    ).stdout
    for line in listing.splitlines():
        parts = line.split()
        if len(parts) == 4 and re.fullmatch(r"icudt\d+_dat", parts[3]):
            return parts[3], int(parts[0], 16), int(parts[1], 16)
    raise RuntimeError(f"{library} has no icudtNN_dat symbol")


def trim_icu(library: Path, workdir: Path) -> Path:
    """A trimmed copy of `library` (same file name and soname) built in `workdir`."""
    workdir.mkdir(parents=True, exist_ok=True)
    symbol, offset, size = _data_symbol(library)
    # In these libraries the data is the whole .rodata section, mapped at its file offset.
    data = library.read_bytes()[offset : offset + size]
    if len(data) != size or data[2:4] != _MAGIC:
        raise RuntimeError(f"{library}: no ICU data at the symbol's offset")
    entry = symbol.removesuffix("_dat")
    original = workdir / f"{entry}l.dat"
    original.write_bytes(data)

    listing = workdir / "items.txt"
    subprocess.run(["icupkg", "-l", "-o", str(listing), str(original)], check=True)
    items = listing.read_text().split()
    removals = [item for item in items if dropped(item)]
    remove_list = workdir / "remove.txt"  # icupkg reads a list from a file named *.txt
    remove_list.write_text("\n".join(removals) + "\n")
    trimmed_dat = workdir / "trimmed" / original.name
    trimmed_dat.parent.mkdir(exist_ok=True)
    subprocess.run(
        ["icupkg", "-r", str(remove_list), str(original), str(trimmed_dat)], check=True
    )

    subprocess.run(
        ["genccode", "-a", "gcc", "-e", entry, "-d", str(workdir), str(trimmed_dat)], check=True
    )
    assembly = workdir / f"{trimmed_dat.stem}_dat.S"
    out = workdir / "lib" / library.name
    out.parent.mkdir(exist_ok=True)
    subprocess.run(
        ["cc", "-shared", "-nostdlib", f"-Wl,-soname,{library.name}", "-o", str(out),
         str(assembly)],
        check=True,
    )
    if _data_symbol(out)[0] != symbol:
        raise RuntimeError(f"{out} does not export {symbol}")
    print(
        f"ICU data: {len(items) - len(removals)} of {len(items)} items kept,"
        f" {library.stat().st_size / 1e6:.1f} MB -> {out.stat().st_size / 1e6:.1f} MB"
    )
    return out
