"""What an import came to: counts per outcome and per quarantine reason, read from its batch.

The counts are taken from the batch's own input log (`batch_inputs`), so a resumed batch
reports the same as one that ran through. `check_sum` asserts that `inputs` equals the sum of
the outcomes; the importer also asserts that every input it walked has its line in the log.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from assessor.core.register.flags import batch_counts
from assessor.core.register.rows import Outcome, Reason

REASON_LABELS: dict[Reason, str] = {
    Reason.missing: "文件不存在",
    Reason.not_regular: "不是普通文件",
    Reason.unreadable: "无法读取",
    Reason.too_large: "文件过大",
    Reason.zip_unsafe_name: "zip 中文件名不安全",
    Reason.zip_symlink: "zip 中的符号链接",
    Reason.zip_too_many: "zip 中文件过多",
    Reason.zip_too_large: "zip 解压后过大",
    Reason.zip_ratio: "疑似 zip 炸弹",
    Reason.zip_nested: "嵌套的 zip",
    Reason.zip_broken: "zip 已损坏",
    Reason.not_utf8: "不是 UTF-8",
    Reason.not_json: "不是 JSON",
    Reason.duplicate_key: "JSON 键重复",
    Reason.too_deep: "JSON 嵌套过深",
    Reason.number_too_long: "数字过长",
    Reason.non_finite: "非有限数值",
    Reason.not_object: "顶层不是对象",
    Reason.schema: "不符合文件格式",
    Reason.unknown_format: "未知格式版本",
    Reason.unsigned: "未签名",
    Reason.not_canonical: "非规范化格式",
    Reason.signature_broken: "签名数据损坏",
    Reason.tampered: "内容被改动",
    Reason.untrusted: "签名者不受信任",
    Reason.cert_expired: "证书已过期",
    Reason.cert_not_yet_valid: "证书尚未生效",
    Reason.revoked: "证书已吊销",
    Reason.signature_info_altered: "签名信息被改动",
    Reason.training: "培训/样例",
    Reason.not_final: "未定稿",
    Reason.unknown_engine: "未知计分引擎",
    Reason.rubric_unknown: "评估标准未知",
    Reason.score_invalid: "评分无效",
    Reason.result_mismatch: "结果与重新计算不符",
    Reason.signatures_incomplete: "评估组成员签名不全",
    Reason.signer_not_member: "签名人不是评估组成员",
}

OUTCOME_LABELS: dict[Outcome, str] = {
    Outcome.registered: "新登记",
    Outcome.amendment: "修订版本",
    Outcome.duplicate: "重复（已在登记库中）",
    Outcome.conflict: "冲突（同一评估同一版本内容不同）",
    Outcome.quarantined: "隔离",
}


@dataclass
class Summary:
    batch_id: int
    inputs: int = 0
    registered: int = 0
    amendments: int = 0
    duplicates: int = 0
    conflicts: int = 0
    quarantined: dict[str, int] = field(default_factory=dict)
    skipped: int = 0
    """Entries of folders and zips that are not inputs (PDF reports, symlinks)."""
    skipped_reasons: dict[str, int] = field(default_factory=dict)
    """How many were skipped for each reason (`sources.SKIP_LABELS`)."""
    flags: dict[str, int] = field(default_factory=dict)
    """Assessments this batch's flag items are about, by kind (never items or rows)."""
    complete: bool = False
    resumed: bool = False
    dry_run: bool = False

    @property
    def quarantined_total(self) -> int:
        return sum(self.quarantined.values())

    def check_sum(self) -> None:
        outcomes = (
            self.registered
            + self.amendments
            + self.duplicates
            + self.conflicts
            + self.quarantined_total
        )
        assert self.inputs == outcomes, f"inputs {self.inputs} != sum of outcomes {outcomes}"

    def to_json(self) -> dict[str, Any]:
        return {
            "batch": self.batch_id,
            "complete": self.complete,
            "resumed": self.resumed,
            "dry_run": self.dry_run,
            "inputs": self.inputs,
            "registered": self.registered,
            "amendments": self.amendments,
            "duplicates": self.duplicates,
            "conflicts": self.conflicts,
            "quarantined": dict(sorted(self.quarantined.items())),
            "quarantined_total": self.quarantined_total,
            "skipped": self.skipped,
            "skipped_reasons": dict(sorted(self.skipped_reasons.items())),
            "flags": dict(sorted(self.flags.items())),
        }


def batch_summary(conn: sqlite3.Connection, batch_id: int, **state: Any) -> Summary:
    """The counts of one batch as its input log has them."""
    summary = Summary(batch_id, **state)
    summary.inputs = conn.execute(
        "SELECT COUNT(*) FROM batch_inputs WHERE batch_id = ?", (batch_id,)
    ).fetchone()[0]
    rows = conn.execute(
        "SELECT outcome, reason_code, COUNT(*) FROM batch_inputs WHERE batch_id = ? "
        "GROUP BY outcome, reason_code",
        (batch_id,),
    )
    attribute = {
        Outcome.registered: "registered",
        Outcome.amendment: "amendments",
        Outcome.duplicate: "duplicates",
        Outcome.conflict: "conflicts",
    }
    for outcome, reason, count in rows:
        if outcome == Outcome.quarantined:
            summary.quarantined[reason] = summary.quarantined.get(reason, 0) + count
        else:
            name = attribute[Outcome(outcome)]
            setattr(summary, name, getattr(summary, name) + count)
    summary.flags = batch_counts(conn, batch_id)
    summary.check_sum()
    return summary
