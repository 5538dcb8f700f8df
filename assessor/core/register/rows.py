"""Pydantic models of the register's rows: the single definition of its tables and columns.

Each model is one SQLite table (`db.py` creates the tables from these models; the CSV/XLSX
exports derive their columns from the same fields: a field's `title` is its Chinese column name,
the field name its documented machine key). Column types follow the annotation:

| annotation | SQLite | stored as |
|---|---|---|
| `str`, enums | TEXT | the value |
| `int`, `bool` | INTEGER | the number (bool 0/1) |
| `Decimal` | TEXT | exact decimal text such as `"857.5"`; never a float |
| `datetime` | TEXT | ISO 8601 in UTC (`2026-11-30T06:07:13Z`), so text order is time order |
| `bytes` | BLOB | the bytes |
| `date` | TEXT | `YYYY-MM-DD` |
| `list[...]` | TEXT | JSON array |
| `... | None` | nullable | NULL |

Primary keys, foreign keys and uniqueness are class variables of each model. Reading a row back
(`from_db`) validates it with the same model.

What the statistics screen needs to know:
- `DocumentRow` holds one signed assessment version; `current = True` marks the version that
  counts (newest amendment; for a conflict the first one registered). Statistics use the view
  `current_documents` (see `db.py`).
- `ScoreRow` and `DimensionRow` hold indicator scores and dimension totals per document; join on
  `document_sha256`.
- `ReviewRow` holds the review state per assessment id (absent = 待审核).
"""

from __future__ import annotations

import datetime as dt
import json
import types
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Union, get_args, get_origin

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

SHA256 = r"^[0-9a-f]{64}$"


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: every moment in the register carries its time zone")
    return moment.astimezone(dt.UTC)


UtcDatetime = Annotated[dt.datetime, AfterValidator(_utc)]
"""Stored in UTC whatever zone it came in, so text order in SQLite is time order."""


class Row(BaseModel):
    """A row of one register table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    table: ClassVar[str]
    primary_key: ClassVar[tuple[str, ...]]
    """Empty for tables with an SQLite rowid key `id` (filled in by the database)."""
    foreign_keys: ClassVar[dict[str, str]] = {}
    """Column → `table(column)`."""
    unique: ClassVar[tuple[tuple[str, ...], ...]] = ()

    def to_db(self) -> dict[str, Any]:
        """Column values ready for sqlite3 parameters."""
        out: dict[str, Any] = {}
        for name, value in self.model_dump(mode="json").items():
            if isinstance(value, list):
                value = json.dumps(value, ensure_ascii=False)
            elif isinstance(getattr(self, name), bytes):
                value = getattr(self, name)  # a BLOB, not pydantic's text form
            out[name] = value
        return out

    @classmethod
    def from_db(cls, values: dict[str, Any]) -> Any:
        """The model of a row read back (keys are column names; extra columns are ignored)."""
        data: dict[str, Any] = {}
        for name, field in cls.model_fields.items():
            if name not in values:
                continue
            value = values[name]
            if value is not None and _is_list(field.annotation):
                value = json.loads(value)
            data[name] = value
        return cls.model_validate(data)

    @classmethod
    def columns(cls) -> list[str]:
        return list(cls.model_fields)


def _is_list(annotation: Any) -> bool:
    return any(get_origin(a) is list for a in (annotation, *get_args(annotation)))


def sqlite_type(annotation: Any) -> tuple[str, bool]:
    """(SQLite type, nullable) of a field annotation."""
    args = get_args(annotation)
    if get_origin(annotation) is Annotated:
        return sqlite_type(args[0])
    if get_origin(annotation) in (Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return sqlite_type(inner[0])[0], True
    if get_origin(annotation) is list:
        return "TEXT", False
    if annotation in (int, bool):
        return "INTEGER", False
    if annotation is bytes:
        return "BLOB", False
    if annotation in (str, Decimal, dt.datetime, dt.date) or (
        isinstance(annotation, type) and issubclass(annotation, StrEnum)
    ):
        return "TEXT", False
    raise TypeError(f"no SQLite column type for {annotation!r}")


def decimal_text(value: float | int | Decimal) -> Decimal:
    """A JSON number as its canonical (RFC 8785) text writes it: `857.5`, `50` (never
    `857.4999…` or `50.0`)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float) and not value.is_integer():
        return Decimal(repr(value))  # the shortest form that reads back as this float
    return Decimal(int(value))


# ---- enumerations --------------------------------------------------------------------------


class Outcome(StrEnum):
    """Where one input ended."""

    registered = "registered"
    amendment = "amendment"
    duplicate = "duplicate"
    conflict = "conflict"
    quarantined = "quarantined"


class Reason(StrEnum):
    """Why an input was quarantined: the first that applies, in this order (issue 10)."""

    # reading (safe_input.InputRejected.code and the zip checks)
    missing = "missing"
    not_regular = "not_regular"
    unreadable = "unreadable"
    too_large = "too_large"
    zip_unsafe_name = "zip_unsafe_name"
    zip_symlink = "zip_symlink"
    zip_too_many = "zip_too_many"
    zip_too_large = "zip_too_large"
    zip_ratio = "zip_ratio"
    zip_nested = "zip_nested"
    zip_broken = "zip_broken"
    # parsing (safe_input.parse_json_strict)
    not_utf8 = "not_utf8"
    not_json = "not_json"
    duplicate_key = "duplicate_key"
    too_deep = "too_deep"
    number_too_long = "number_too_long"
    non_finite = "non_finite"
    not_object = "not_object"
    # verification (the planned Verification.reasons codes), and revocation
    schema = "schema"
    unknown_format = "unknown_format"
    unsigned = "unsigned"
    not_canonical = "not_canonical"
    signature_broken = "signature_broken"
    tampered = "tampered"
    untrusted = "untrusted"
    cert_expired = "cert_expired"
    cert_not_yet_valid = "cert_not_yet_valid"
    revoked = "revoked"
    signature_info_altered = "signature_info_altered"
    training = "training"
    not_final = "not_final"
    unknown_engine = "unknown_engine"
    rubric_unknown = "rubric_unknown"
    score_invalid = "score_invalid"
    result_mismatch = "result_mismatch"
    # team documents (format 2)
    signatures_incomplete = "signatures_incomplete"
    signer_not_member = "signer_not_member"


class ReviewState(StrEnum):
    pending = "pending"
    confirmed = "confirmed"
    query = "query"
    returned = "returned"


REVIEW_LABELS = {
    ReviewState.pending: "待审核",
    ReviewState.confirmed: "已确认",
    ReviewState.query: "有疑问",
    ReviewState.returned: "退回",
}


class FlagKind(StrEnum):
    """What a person must look at before an assessment is published. A new kind is a member
    here and an entry in FLAG_KINDS; nothing else needs to know the list."""

    chain_gap = "chain_gap"
    same_centre_in_cycle = "same_centre_in_cycle"
    signed_before_revocation = "signed_before_revocation"
    conflict = "conflict"
    team_too_small = "team_too_small"
    centre_objection = "centre_objection"


@dataclass(frozen=True)
class FlagKindInfo:
    label: str
    """Chinese, for lists and counts."""
    short: str
    """Chinese, a few characters for a table column."""
    pair: bool = False
    """The item names two assessments (both are held back until it is decided)."""


FLAG_KINDS: dict[FlagKind, FlagKindInfo] = {
    FlagKind.chain_gap: FlagKindInfo("修订链缺失：所替代的版本不在登记库中", "修订链缺失"),
    FlagKind.same_centre_in_cycle: FlagKindInfo(
        "同一机构在同一评估周期内有多份评估", "同机构同周期", pair=True
    ),
    FlagKind.signed_before_revocation: FlagKindInfo(
        "签名证书已吊销，签名时间早于吊销时间，需人工核实", "证书已吊销"
    ),
    FlagKind.conflict: FlagKindInfo("同一评估同一版本有内容不同的文件", "版本冲突"),
    FlagKind.team_too_small: FlagKindInfo(
        "签名的评估组成员少于委员会规定的最少人数", "评估组人数不足"
    ),
    FlagKind.centre_objection: FlagKindInfo("机构对评估结果有异议或拒绝签字确认", "机构有异议"),
}


class FlagDecision(StrEnum):
    """How a flag was closed."""

    accepted = "accepted"
    """A person checked it and lets the assessment through (with a comment)."""
    superseded = "superseded"
    """The version it was about is no longer current: closed by the register itself."""
    cleared = "cleared"
    """What it was about went away (the missing predecessor arrived)."""


FLAG_DECISION_LABELS = {
    FlagDecision.accepted: "已核实，准予发布",
    FlagDecision.superseded: "所涉版本已被取代，自动关闭",
    FlagDecision.cleared: "情况已消除，自动关闭",
}


# ---- tables --------------------------------------------------------------------------------


class BatchRow(Row):
    """One run of `register import`: who ran it, on what, and what came of it."""

    table: ClassVar[str] = "batches"
    primary_key: ClassVar[tuple[str, ...]] = ()

    id: int | None = None
    started_at: UtcDatetime
    finished_at: UtcDatetime | None = Field(
        default=None, description="NULL: still running or interrupted (the next import resumes it)"
    )
    who: str
    inputs: list[str] = Field(description="the paths given, as given")
    fingerprint: str = Field(
        description="sha256 of inputs and options: a rerun with the same fingerprint resumes"
    )
    options: str = Field(description="JSON: trust roots, CRLs, training, cycle")
    counts: str | None = Field(default=None, description="JSON summary once finished")


class BatchInputRow(Row):
    """One input of a batch (a file, or an entry of a zip) and where it ended."""

    table: ClassVar[str] = "batch_inputs"
    primary_key: ClassVar[tuple[str, ...]] = ("batch_id", "seq")
    foreign_keys: ClassVar[dict[str, str]] = {"batch_id": "batches(id)"}

    batch_id: int
    seq: int = Field(description="position in the batch's input order")
    source: str = Field(description="path, or `archive.zip!entry/name.json`")
    sha256: str | None = Field(default=None, description="of the bytes read; NULL if none")
    outcome: Outcome
    reason_code: Reason | None = None
    reason: str = Field(default="", description="Chinese reason (quarantine, conflict)")


class FileRow(Row):
    """The signed file's exact bytes, so the register can be re-verified and rebuilt."""

    table: ClassVar[str] = "files"
    primary_key: ClassVar[tuple[str, ...]] = ("sha256",)

    sha256: str = Field(pattern=SHA256)
    size: int
    content: bytes = b""


class DocumentRow(Row):
    """One signed assessment version: the columns statistics and exports need."""

    table: ClassVar[str] = "documents"
    primary_key: ClassVar[tuple[str, ...]] = ("sha256",)
    foreign_keys: ClassVar[dict[str, str]] = {
        "sha256": "files(sha256)",
        "batch_id": "batches(id)",
    }

    sha256: str = Field(pattern=SHA256, title="文件哈希")
    assessment_id: str = Field(title="评估编号")
    version: int = Field(title="版本")
    supersedes_sha256: str | None = Field(default=None, title="所替代版本哈希")
    centre_uscc: str = Field(title="统一社会信用代码")
    centre_name: str = Field(title="机构名称")
    centre_address: str = Field(title="地址")
    division_code: str = Field(title="行政区划代码")
    operator: str | None = Field(title="机构性质")
    care_types: list[str] = Field(title="托育服务类型")
    centre_kind: str = Field(title="机构类型")
    places: int = Field(title="托位数")
    visit_date: dt.date | None = Field(title="评估日期")
    cycle: str = Field(title="评估周期", description="calendar year of the visit unless configured")
    assessor_ids: list[str] = Field(title="评估员编号")
    assessor_names: list[str] = Field(title="评估员")
    total: Decimal = Field(title="总分")
    max_total: Decimal = Field(title="满分")
    grade: str = Field(title="等级")
    vetoes_fired: list[str] = Field(title="未达标的基础指标")
    rubric_sha256: str = Field(title="评估标准哈希")
    rubric_code: str = Field(title="评估标准")
    signer_name: str = Field(title="签名人")
    signer_id: str = Field(title="签名人编号")
    cert_serial: str = Field(title="证书序列号", description="decimal")
    cert_issuer: str = Field(title="证书签发者", description="RFC 4514 string")
    signed_at: UtcDatetime = Field(title="签名时间")
    training: bool = Field(title="培训/样例")
    batch_id: int = Field(title="导入批次")
    current: bool = Field(title="当前版本")


class DimensionRow(Row):
    """A dimension's score in one document."""

    table: ClassVar[str] = "dimensions"
    primary_key: ClassVar[tuple[str, ...]] = ("document_sha256", "dimension_id")
    foreign_keys: ClassVar[dict[str, str]] = {"document_sha256": "documents(sha256)"}

    document_sha256: str
    dimension_id: str
    name: str
    score: Decimal
    max: Decimal


class ScoreRow(Row):
    """An indicator's score in one document (NULL score with `na` for 不适用)."""

    table: ClassVar[str] = "scores"
    primary_key: ClassVar[tuple[str, ...]] = ("document_sha256", "indicator_id")
    foreign_keys: ClassVar[dict[str, str]] = {"document_sha256": "documents(sha256)"}

    document_sha256: str
    indicator_id: str
    dimension_id: str
    score: Decimal | None
    max: Decimal
    na: bool


class QuarantineRow(Row):
    """An input refused, with the copy kept in `<register>/quarantine/<batch>/`."""

    table: ClassVar[str] = "quarantine"
    primary_key: ClassVar[tuple[str, ...]] = ("batch_id", "seq")
    foreign_keys: ClassVar[dict[str, str]] = {"batch_id": "batches(id)"}

    batch_id: int
    seq: int
    original_path: str
    stored_copy: str | None = Field(description="relative to the register folder; NULL if unread")
    reason_code: Reason
    reason: str = Field(description="Chinese")


class ReviewRow(Row):
    """The review state of an assessment (all its versions); no row means 待审核."""

    table: ClassVar[str] = "reviews"
    primary_key: ClassVar[tuple[str, ...]] = ("assessment_id",)

    assessment_id: str
    state: ReviewState
    comment: str = ""
    changed_at: UtcDatetime
    changed_by: str


class ReviewLogRow(Row):
    """One change of review state; undoing a change is another entry."""

    table: ClassVar[str] = "review_log"
    primary_key: ClassVar[tuple[str, ...]] = ()

    id: int | None = None
    assessment_id: str
    at: UtcDatetime
    who: str
    old_state: ReviewState
    new_state: ReviewState
    comment: str = ""


class ConflictRow(Row):
    """Same assessment id and version, different bytes: the first stays current."""

    table: ClassVar[str] = "conflicts"
    primary_key: ClassVar[tuple[str, ...]] = ("other_sha256",)
    foreign_keys: ClassVar[dict[str, str]] = {
        "current_sha256": "documents(sha256)",
        "other_sha256": "documents(sha256)",
        "batch_id": "batches(id)",
    }

    assessment_id: str
    version: int
    current_sha256: str
    other_sha256: str
    batch_id: int
    resolved: bool = False


class FlagRow(Row):
    """One work item: something a person must decide before an assessment is published.

    Open while `closed_at` is NULL; an assessment with an open item (as `assessment_id` or, for
    a pair, `other_assessment_id`) is held back from the public list, the 示范 list and the
    report, and a bulk confirm skips it."""

    table: ClassVar[str] = "flags"
    primary_key: ClassVar[tuple[str, ...]] = ()
    foreign_keys: ClassVar[dict[str, str]] = {
        "document_sha256": "documents(sha256)",
        "batch_id": "batches(id)",
    }
    unique: ClassVar[tuple[tuple[str, ...], ...]] = (("document_sha256", "kind", "other"),)

    id: int | None = None
    kind: FlagKind
    assessment_id: str
    document_sha256: str = Field(description="the version the item is about")
    other: str = Field(
        default="",
        description="the other document's sha256 (same centre, conflict), the missing "
        "predecessor's sha256 (gap) or the certificate serial (revocation)",
    )
    other_assessment_id: str | None = Field(
        default=None, description="the second assessment of a pair (same centre in a cycle)"
    )
    detail: str = Field(description="Chinese")
    batch_id: int = Field(description="the import that opened it")
    opened_at: UtcDatetime
    closed_at: UtcDatetime | None = None
    closed_by: str | None = None
    decision: FlagDecision | None = None
    comment: str = ""


class RevocationRow(Row):
    """A revoked certificate learnt from a CRL given to an import."""

    table: ClassVar[str] = "revocations"
    primary_key: ClassVar[tuple[str, ...]] = ("issuer", "serial")

    issuer: str
    serial: str
    revoked_at: UtcDatetime
    reason: str
    learnt_batch_id: int


class SignerRow(Row):
    """One signer of a registered document (a co-signed file has one per team member with a
    key), in the order the signature block lists them (signing time)."""

    table: ClassVar[str] = "signers"
    primary_key: ClassVar[tuple[str, ...]] = ("document_sha256", "position")
    foreign_keys: ClassVar[dict[str, str]] = {"document_sha256": "documents(sha256)"}

    document_sha256: str
    position: int = Field(description="0 for the first signer, in signing-time order")
    name: str
    assessor_id: str
    fingerprint: str = Field(description="SHA-256 of the signing certificate")
    cert_issuer: str = Field(description="RFC 4514 string")
    cert_serial: str = Field(description="decimal")
    signed_at: UtcDatetime


class ResponsibilityRow(Row):
    """Which team member answered for a dimension of a team document (from the team's
    assignment; the leader for what is not assigned). Files without a team have no rows: their
    named assessors answer for every dimension."""

    table: ClassVar[str] = "responsibilities"
    primary_key: ClassVar[tuple[str, ...]] = ("document_sha256", "dimension_id", "member_id")
    foreign_keys: ClassVar[dict[str, str]] = {"document_sha256": "documents(sha256)"}

    document_sha256: str
    dimension_id: str
    member_id: str
    position: int = Field(description="the member's place in the team's list")
    name: str
    assessor_id: str = Field(description="empty for a member without a key")
    body: str
    leader: bool


class SettingRow(Row):
    """A commission setting of this register (`register settings`)."""

    table: ClassVar[str] = "settings"
    primary_key: ClassVar[tuple[str, ...]] = ("key",)

    key: str
    value: str
    changed_at: UtcDatetime
    changed_by: str


TABLES: tuple[type[Row], ...] = (
    BatchRow,
    BatchInputRow,
    FileRow,
    DocumentRow,
    DimensionRow,
    ScoreRow,
    QuarantineRow,
    ReviewRow,
    ReviewLogRow,
    ConflictRow,
    FlagRow,
    RevocationRow,
    SignerRow,
    ResponsibilityRow,
    SettingRow,
)
