"""What an import reads: the files behind the paths given, folders walked, zip files opened.

Every input file (a file named, a `.json` file in a folder, a `.json` entry of a zip) becomes
one `Source` in a fixed order, so a rerun numbers its inputs the same way. A source either
reads its bytes or is already refused (`rejection`) with a machine code and a Chinese reason.

Zip files are read one level deep and never extracted to disk. Refused without reading: more
than `max_zip_entries` entries or a declared total over `max_zip_total` (the whole zip);
entries with absolute or `..` names, symlinks, nested zips, a declared size over
`max_file_bytes` or a compression ratio over `max_ratio`. Declared sizes can lie, so every
entry is read through a bounded stream that stops at the limit and the running total is
checked as bytes arrive.

In folders and zips, files other than `.json` and `.zip` (the signed PDF reports that travel
with the JSON files, notes, thumbnails) are not inputs; they are counted as `skipped`, and so
are symbolic links inside a folder, each with its reason.
"""

from __future__ import annotations

import os
import stat
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from assessor.core.register.rows import Reason
from assessor.core.safe_input import InputRejected, read_regular_file
from assessor.core.zip_members import ZIP_MEMBER_ERRORS

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 5 * MB
    max_zip_bytes: int = 4096 * MB
    max_zip_entries: int = 100_000
    max_zip_total: int = 2048 * MB
    max_ratio: int = 200
    """Uncompressed over compressed size; signed JSON files compress about 4:1."""


@dataclass(frozen=True)
class Rejection:
    code: Reason
    message: str


@dataclass(frozen=True)
class Source:
    """One input, already read: its bytes, or why it was refused before parsing."""

    name: str
    """The path, or `archive.zip!entry/name.json` for a zip entry."""
    data: bytes | Rejection


NOT_INPUT = "not_input"
SYMLINK = "symlink"
SKIP_LABELS = {
    NOT_INPUT: "不是评估文件（如 PDF 报告）",
    SYMLINK: "符号链接（不跟随，以免读到文件夹之外）",
}
"""Why an entry of a folder or zip was passed over (not an input, so not quarantined)."""


@dataclass
class Walk:
    """The sources of an import, and the other entries passed over with why."""

    sources: Iterator[Source]
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """(path, reason code of SKIP_LABELS)."""

    def skipped_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for _, reason in self.skipped:
            counts[reason] = counts.get(reason, 0) + 1
        return counts


def _is_zip_name(name: str) -> bool:
    return name.lower().endswith(".zip")


def _is_input_name(name: str) -> bool:
    return name.lower().endswith((".json", ".zip"))


def _read(name: str, read: Callable[[], bytes]) -> Source:
    try:
        return Source(name, read())
    except InputRejected as exc:
        return Source(name, Rejection(Reason(exc.code), exc.problems[0].message))
    except _EntryRefused as exc:
        return Source(name, Rejection(exc.code, exc.message))


def _file(path: Path, limits: Limits, max_bytes: int | None = None) -> Source:
    return _read(str(path), lambda: read_regular_file(path, max_bytes or limits.max_file_bytes))


def walk(paths: list[Path], limits: Limits) -> Walk:
    """The sources behind `paths`, in order: each path as given; folders sorted by name."""
    result = Walk(iter(()))
    result.sources = _sources(paths, limits, result.skipped)
    return result


Skipped = list[tuple[str, str]]


def _sources(paths: list[Path], limits: Limits, skipped: Skipped) -> Iterator[Source]:
    for path in paths:
        if path.is_dir():  # a folder named by the user is walked even through a symlink
            yield from _folder(path, limits, skipped)
        elif _is_zip_name(path.name):
            yield from _zip(path, limits, skipped)
        else:
            yield _file(path, limits)


def _folder(root: Path, limits: Limits, skipped: Skipped) -> Iterator[Source]:
    """Sorted, depth first; symlinks inside (to folders or files) are not followed (no loops,
    no escape) and are counted as skipped."""
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs.sort()
        for name in list(dirs):
            if (Path(folder) / name).is_symlink():
                skipped.append((str(Path(folder) / name), SYMLINK))
                dirs.remove(name)
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_symlink():
                skipped.append((str(path), SYMLINK))
            elif not _is_input_name(name):
                skipped.append((str(path), NOT_INPUT))
            elif _is_zip_name(name):
                yield from _zip(path, limits, skipped)
            else:
                yield _file(path, limits)


# ---- zip files -----------------------------------------------------------------------------


def _refused(name: str, code: Reason, message: str) -> Source:
    return Source(name, Rejection(code, message))


def _zip(path: Path, limits: Limits, skipped: Skipped) -> Iterator[Source]:
    where = str(path)
    try:
        info = os.stat(path)
    except OSError:
        yield _file(path, limits)  # reading it says why not, with its code
        return
    if not stat.S_ISREG(info.st_mode) or info.st_size > limits.max_zip_bytes:
        yield _file(path, limits, limits.max_zip_bytes)  # refused before reading
        return
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        yield _refused(where, Reason.zip_broken, f"不是有效的 zip 文件或已损坏：{exc}")
        return
    with archive:
        entries = [e for e in archive.infolist() if not e.is_dir()]
        if len(entries) > limits.max_zip_entries:
            yield _refused(
                where,
                Reason.zip_too_many,
                f"zip 文件中有 {len(entries)} 个文件，超过上限 {limits.max_zip_entries}",
            )
            return
        declared = sum(e.file_size for e in entries)
        if declared > limits.max_zip_total:
            yield _refused(
                where,
                Reason.zip_too_large,
                f"zip 文件解压后共 {declared // MB} MB，超过上限 {limits.max_zip_total // MB} MB",
            )
            return
        budget = _Budget(limits.max_zip_total)
        for entry in sorted(entries, key=lambda e: e.filename):
            name = f"{where}!{entry.filename}"
            if not _is_input_name(entry.filename):
                skipped.append((name, NOT_INPUT))
                continue
            refusal = _entry_refusal(entry, limits)
            if refusal:
                yield Source(name, refusal)
            else:
                yield _read(name, lambda e=entry: _read_entry(archive, e, limits, budget))


def _entry_refusal(entry: zipfile.ZipInfo, limits: Limits) -> Rejection | None:
    name = entry.filename
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":") or ".." in parts:
        return Rejection(Reason.zip_unsafe_name, f"zip 中的文件名不安全（绝对路径或含 ..）：{name}")
    if stat.S_ISLNK(entry.external_attr >> 16):
        return Rejection(Reason.zip_symlink, "zip 中的符号链接不会被跟随")
    if _is_zip_name(name):
        return Rejection(Reason.zip_nested, "zip 中嵌套的 zip 文件不会被解开，请先解开外层再导入")
    if entry.file_size > limits.max_file_bytes:
        return Rejection(
            Reason.too_large,
            f"文件过大（解压后 {entry.file_size // 1024} KB），上限为 {limits.max_file_bytes // MB} MB",
        )
    if entry.file_size > limits.max_ratio * max(entry.compress_size, 1) and entry.file_size > MB:
        return Rejection(
            Reason.zip_ratio,
            f"压缩比异常（{entry.file_size // max(entry.compress_size, 1)} 倍），疑似 zip 炸弹",
        )
    return None


class _Budget:
    """Bytes still allowed out of one zip, counted as they are actually read."""

    def __init__(self, total: int) -> None:
        self.left = total


def _read_entry(
    archive: zipfile.ZipFile, entry: zipfile.ZipInfo, limits: Limits, budget: _Budget
) -> bytes:
    """The entry's bytes, reading at most one byte past what is allowed."""
    allowed = min(limits.max_file_bytes, budget.left)
    try:
        with archive.open(entry) as stream:
            data = stream.read(allowed + 1)
    except ZIP_MEMBER_ERRORS as exc:
        raise _EntryRefused(Reason.zip_broken, f"zip 中的文件无法解压：{exc}") from None
    budget.left -= min(len(data), allowed)
    if len(data) > allowed:
        if allowed < limits.max_file_bytes:
            raise _EntryRefused(Reason.zip_too_large, "zip 文件解压后的总量超过上限")
        raise _EntryRefused(
            Reason.zip_ratio,
            f"解压后超过 {limits.max_file_bytes // MB} MB（与 zip 中声明的大小不符），疑似 zip 炸弹",
        )
    if len(data) != entry.file_size:
        raise _EntryRefused(Reason.zip_broken, "zip 中的文件大小与声明不符，文件已损坏")
    return data


class _EntryRefused(Exception):
    def __init__(self, code: Reason, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
