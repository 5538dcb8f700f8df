"""Writing an export file so that it appears whole or not at all."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from assessor.core.problems import UserError, os_error_text
from assessor.core.storage.atomic import replace_file


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary path beside `path`; renamed over it when the block ends without error."""
    temp = path.with_name(f".{path.name}.part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        yield temp
        replace_file(temp, path)
    except OSError as exc:
        _discard(temp)
        raise UserError(f"无法写入 {path}：{os_error_text(exc)}") from exc
    except BaseException:
        _discard(temp)
        raise


def _discard(temp: Path) -> None:
    # The folder itself may be what failed (missing, not a folder): then there is nothing to remove.
    with suppress(OSError):
        temp.unlink(missing_ok=True)
