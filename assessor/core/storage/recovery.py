"""Telling people when a record was brought back from its backup, and what may be lost.

A record file that fails to parse is replaced by its backup, which is one compaction behind
(the journal usually brings the rest back); a journal whose last line was torn by a crash loses
that line, the save in flight. Either way the latest change may be gone. That is never silent: the record folder keeps a notice
(shown by the home screen and `assessor list` until the record is opened and saved again), the
damaged file is kept beside it, and the log says the same.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from assessor.core.clock import beijing_text, now_utc
from assessor.core.safe_input import InputRejected, read_json_file
from assessor.core.storage.atomic import Recovery, atomic_write_bytes

NOTICE_FILE = "recovered.json"
MAX_NOTICE_BYTES = 64 * 1024

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecoveryNotice:
    key: str
    centre: str
    at: datetime
    reason: str
    damaged_copy: str | None
    damaged_at: datetime | None
    entries: int
    last_at: datetime | None
    # "backup": the record file was replaced by its backup; "journal": a torn last journal
    # line was dropped. Notices kept before journals existed have no such field: backup.
    source: str = "backup"

    def text(self) -> str:
        state = (
            f"第 {self.entries} 条审计记录（{beijing_text(self.last_at)}）时"
            if self.last_at
            else "新建时"
        )
        name = f"「{self.centre}」（{self.key}）" if self.centre else self.key
        lost = (
            f"损坏前最后一次保存（{beijing_text(self.damaged_at)}）的修改可能已丢失，请逐项核对。"
            if self.damaged_at
            else "之后的修改可能已丢失，请逐项核对。"
        )
        kept = (
            f"损坏的文件保留为 {self.damaged_copy}。"
            if self.damaged_copy
            else "损坏的文件尚未处理，由桌面程序打开该记录时恢复。"
        )
        done = (
            "已舍弃这次未写完的保存，记录停留在" if self.source == "journal" else "已从备份恢复到"
        )
        return (
            f"评估记录{name}的数据文件已损坏（{self.reason}），"
            f"{beijing_text(self.at)} {done}{state}的状态。{lost}{kept}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "centre": self.centre,
            "at": self.at.isoformat(),
            "reason": self.reason,
            "damaged_copy": self.damaged_copy,
            "damaged_at": self.damaged_at.isoformat() if self.damaged_at else None,
            "entries": self.entries,
            "last_at": self.last_at.isoformat() if self.last_at else None,
            "source": self.source,
        }


def notice_for(
    key: str, recovery: Recovery, restored: dict[str, dict[str, Any]], source: str = "backup"
) -> RecoveryNotice:
    """What the restored content says about the state it brought back."""
    audit = restored.get("audit", {})
    last = audit.get(str(len(audit)), {})
    last_at = _moment(last.get("at"))
    assessment = restored.get("assessment", {}).get("1", {})
    centre = assessment.get("centre") if isinstance(assessment, dict) else None
    return RecoveryNotice(
        key=key,
        centre=str(centre.get("name", "")) if isinstance(centre, dict) else "",
        at=now_utc(),
        reason=recovery.reason,
        damaged_copy=recovery.damaged_copy.name if recovery.damaged_copy else None,
        damaged_at=recovery.damaged_at,
        entries=len(audit),
        last_at=last_at,
        source=source,
    )


def record_notice(folder: Path, notice: RecoveryNotice) -> None:
    """Log the notice and, when it repaired the file, keep it in the record's folder."""
    log.warning("从备份恢复评估记录：%s", notice.text())
    if notice.damaged_copy is not None:
        payload = json.dumps(notice.to_json(), ensure_ascii=False).encode("utf-8")
        atomic_write_bytes(folder / NOTICE_FILE, payload)


def read_notice(folder: Path) -> str | None:
    """The text of the notice kept in a record folder, if any (a damaged one still says so)."""
    path = folder / NOTICE_FILE
    if not path.exists():
        return None
    try:
        data = read_json_file(path, MAX_NOTICE_BYTES)
        return RecoveryNotice(
            key=str(data["key"]),
            centre=str(data.get("centre", "")),
            at=_moment(data["at"]) or now_utc(),
            reason=str(data["reason"]),
            damaged_copy=data.get("damaged_copy"),
            damaged_at=_moment(data.get("damaged_at")),
            entries=int(data["entries"]),
            last_at=_moment(data.get("last_at")),
            source=str(data.get("source", "backup")),
        ).text()
    except (InputRejected, KeyError, TypeError, ValueError):
        return f"评估记录 {folder.name} 曾从备份恢复，部分修改可能已丢失，请逐项核对（恢复说明无法读取）。"


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
