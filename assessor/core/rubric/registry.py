"""Finding the rubric an assessment was scored against, by its content hash."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from assessor.core.paths import default_rubric_path, rubrics_dir
from assessor.core.problems import ProblemsError, UserError
from assessor.core.rubric.validate import LoadedRubric, load_rubric

INSTALLED_RUBRICS_DIR = "rubrics"


class NamedRubric(Protocol):
    """How a record names its rubric: code and version for people, the hash to find it."""

    @property
    def code(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def sha256(self) -> str: ...


@lru_cache(maxsize=16)
def _load_cached(path: Path, identity: tuple[int, int, int, int]) -> LoadedRubric:
    return load_rubric(path)


def load_rubric_cached(path: str | Path) -> LoadedRubric:
    """Loading the 1000-point rubric takes milliseconds; importing thousands of files
    against the same one should pay that once. A file replaced or rewritten since (another
    inode, size, modification or change time) is loaded again."""
    try:
        resolved = Path(path).resolve()
        return _load_resolved(resolved)
    except (OSError, RuntimeError):  # missing, unreadable, a symlink loop (RuntimeError)
        return load_rubric(path)  # reports why the file cannot be read, in Chinese


def _load_resolved(resolved: Path) -> LoadedRubric:
    stat = resolved.stat()
    identity = (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
    return _load_cached(resolved, identity)


def default_rubric() -> LoadedRubric:
    return load_rubric_cached(default_rubric_path())


def known_rubrics(extra: Iterable[str | Path | LoadedRubric] = ()) -> list[LoadedRubric]:
    """Given rubrics (loaded, or files to load) first, then the bundled ones; broken bundled
    files are skipped."""
    return _given(extra) + [rubric for _, rubric in _bundled()]


def _given(extra: Iterable[str | Path | LoadedRubric]) -> list[LoadedRubric]:
    return [r if isinstance(r, LoadedRubric) else load_rubric_cached(r) for r in extra]


def _bundled() -> list[tuple[Path, LoadedRubric]]:
    found: list[tuple[Path, LoadedRubric]] = []
    for path in sorted(rubrics_dir().glob("*.json")):
        try:
            found.append((path.resolve(), load_rubric_cached(path)))
        except ProblemsError:
            continue
    return found


def installed_rubric_paths(data_dir: Path) -> list[Path]:
    """Rubrics a commission's plan package installed in a laptop's data folder
    (`<data>/rubrics/<sha256>.json`): the one lookup every front end adds to the bundled ones."""
    folder = data_dir / INSTALLED_RUBRICS_DIR
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


# Where a bundled rubric was last found, by its hash: an import looks the same rubric up for
# every file, and listing and resolving the folder each time cost more than the check itself.
# The file is still stat-checked (and reloaded if changed) and its hash compared at each use.
_bundled_at: dict[tuple[Path, str], Path] = {}


def _remembered(sha256: str) -> LoadedRubric | None:
    path = _bundled_at.get((rubrics_dir(), sha256))
    if path is None:
        return None
    try:
        rubric = _load_resolved(path)
    except (OSError, ProblemsError):
        return None
    return rubric if rubric.sha256 == sha256 else None


def rubric_for(ref: NamedRubric, extra: Iterable[str | Path | LoadedRubric] = ()) -> LoadedRubric:
    for rubric in _given(extra):
        if rubric.sha256 == ref.sha256:
            return rubric
    remembered = _remembered(ref.sha256)
    if remembered is not None:
        return remembered
    for path, rubric in _bundled():
        if rubric.sha256 == ref.sha256:
            _bundled_at[rubrics_dir(), ref.sha256] = path
            return rubric
    raise UserError(
        f"找不到评估所用的评估标准：{ref.code} {ref.version}（哈希 {ref.sha256[:16]}…）。"
        "请用 --rubric 指定该评估标准文件。"
    )
