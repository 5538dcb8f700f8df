"""Trainees' results, kept in the data folder: `<root>/training/results.json` (TinyDB).

One small database for a class: a result is a few kilobytes and a class has tens of trainees,
so every submission rewriting the file (atomically, see `storage/atomic.py`) stays cheap.
A result keeps the trainee's scores, so the trainer view can recompute what was mis-scored
against the sample as it is now.
"""

from __future__ import annotations

import threading
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError
from tinydb import TinyDB

from assessor.core.assessment.model import IndicatorScore, new_id
from assessor.core.clock import now_utc
from assessor.core.problems import UserError, os_error_text, problems_from_validation
from assessor.core.storage.atomic import AtomicJSONStorage, StorageError
from assessor.core.storage.folder_lock import FolderLock, hold_folder
from assessor.core.training.comparison import Comparison

RESULTS_FILE = "results.json"
_TABLE = "results"
_SUBMISSIONS = "submissions"
_RETAKES = "retakes"
_M = TypeVar("_M", bound=BaseModel)


class Trainee(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=40)
    trainee_id: str = Field(min_length=1, max_length=40, description="学员编号")


def trainee_of(name: str, trainee_id: str) -> Trainee:
    """A trainee from what was typed, or a UserError saying what is missing or too long."""
    name, trainee_id = name.strip(), trainee_id.strip()
    if not name or not trainee_id:
        raise UserError("请填写学员姓名和学员编号：成绩按学员编号记录")
    try:
        return Trainee(name=name, trainee_id=trainee_id)
    except ValidationError as exc:
        labels = {"name": "学员姓名", "trainee_id": "学员编号"}
        raise UserError(
            "；".join(
                f"{labels.get(p.path, p.path)}{p.message}"
                for p in problems_from_validation("", exc)
            )
        ) from exc


class TraineeResult(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(default_factory=new_id)
    trainee: Trainee
    sample_id: str
    mode: Literal["practice", "test"]
    submitted_at: AwareDatetime = Field(default_factory=now_utc)
    agreed: int = Field(ge=0, description="与参考完全一致的指标数")
    compared: int = Field(gt=0, description="比较的指标数")
    basic_agreement: bool
    same_grade: bool
    grade: str
    reference_grade: str | None = Field(
        default=None, description="参考等级；测试样例不记录（学员不应从成绩文件得知）"
    )
    passed: bool
    scores: list[IndicatorScore]
    draft: str | None = Field(
        default=None, description="提交自培训文件夹中的哪份练习草稿（记录键）；命令行比对时为空"
    )
    within_one: int | None = Field(
        default=None, ge=0, description="与参考相差不超过一档的指标数（较早的记录没有）"
    )
    submission: str | None = Field(
        default=None, description="由培训师评判的哪次测试提交（SealedSubmission.id）"
    )
    unvouched: bool = Field(
        default=False,
        description="测试样例未经培训师签名密封（开放的测试样例）：参考评分无人担保，不计入认证",
    )

    @property
    def exact(self) -> Fraction:
        return Fraction(self.agreed, self.compared)

    @property
    def within_one_share(self) -> Fraction | None:
        return None if self.within_one is None else Fraction(self.within_one, self.compared)


class SealedSubmission(BaseModel):
    """A trainee's scoring of a sealed test sample, kept until a trainer judges it: the app on
    the trainee's laptop cannot open the reference."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(default_factory=new_id)
    trainee: Trainee
    sample_id: str
    submitted_at: AwareDatetime = Field(default_factory=now_utc)
    scores: list[IndicatorScore]
    draft: str | None = None


class RetakeGrant(BaseModel):
    """A trainer's permission for one more test attempt of a trainee on a sample."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    trainee_id: str
    sample_id: str
    granted_at: AwareDatetime = Field(default_factory=now_utc)
    trainer: str = Field(description="批准重考的培训师（培训师证书中的姓名）")
    trainer_fingerprint: str
    reason: str = Field(min_length=1, max_length=200)


def result_of(
    trainee: Trainee, comparison: Comparison, at: datetime | None = None, draft: str | None = None
) -> TraineeResult:
    return TraineeResult(
        trainee=trainee,
        sample_id=comparison.sample_id,
        mode=comparison.mode,
        submitted_at=at or now_utc(),
        agreed=comparison.agreed,
        compared=len(comparison.indicators),
        basic_agreement=not comparison.basic_disagreements,
        same_grade=comparison.same_grade,
        grade=comparison.trainee_result.grade,
        reference_grade=(
            comparison.reference_result.grade if comparison.mode == "practice" else None
        ),
        passed=comparison.passed,
        draft=draft,
        within_one=comparison.within_one_count,
        # Levels only: notes and evidence belong to the practice draft, not to the class record.
        scores=[
            IndicatorScore(indicator=c.indicator.id, score=c.trainee.score, na=c.trainee.na)
            for c in comparison.indicators
        ],
    )


class ResultStore:
    """Results of every trainee in one data folder, oldest first.

    A writing store holds the training folder's writer lock (the practice drafts' store shares
    it within the process); a read-only one (`assessor train trainees` beside a running app)
    takes no lock and changes nothing on disk.
    """

    def __init__(self, root: Path, *, read_only: bool = False) -> None:
        self.folder = root / "training"
        self.path = self.folder / RESULTS_FILE
        self.read_only = read_only
        self._lock = threading.Lock()
        self._folder_lock: FolderLock | None = None

    def add(self, result: TraineeResult) -> None:
        self._insert(_TABLE, result)

    def add_submission(self, submission: SealedSubmission) -> None:
        self._insert(_SUBMISSIONS, submission)

    def add_retake(self, grant: RetakeGrant) -> None:
        self._insert(_RETAKES, grant)

    def all(self) -> list[TraineeResult]:
        return sorted(self._rows(_TABLE, TraineeResult), key=lambda r: r.submitted_at)

    def submissions(self) -> list[SealedSubmission]:
        return sorted(self._rows(_SUBMISSIONS, SealedSubmission), key=lambda r: r.submitted_at)

    def retakes(self) -> list[RetakeGrant]:
        return sorted(self._rows(_RETAKES, RetakeGrant), key=lambda r: r.granted_at)

    def _insert(self, table: str, record: BaseModel) -> None:
        if self.read_only:
            raise StorageError("只读打开的培训成绩不能写入")
        with self._lock, self._open() as db:
            db.table(table).insert(record.model_dump(mode="json"))

    def _rows(self, table: str, model: type[_M]) -> list[_M]:
        if not self.path.exists() and not self.path.with_name(RESULTS_FILE + ".bak").exists():
            return []
        with self._lock, self._open() as db:
            rows = db.table(table).all()
        records = []
        for n, row in enumerate(rows):
            try:
                records.append(model.model_validate(row))
            except ValidationError as exc:
                problems = problems_from_validation(str(self.path), exc)
                raise StorageError(f"培训成绩文件第 {n + 1} 条记录无法读取：{problems[0]}") from exc
        return records

    def _open(self) -> TinyDB:
        if not self.read_only and self._folder_lock is None:
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StorageError(
                    f"无法创建培训数据文件夹 {self.folder}：{os_error_text(exc)}"
                ) from exc
            self._folder_lock = hold_folder(self.folder)  # FolderInUse: another process writes
        return TinyDB(self.path, storage=AtomicJSONStorage, writer=not self.read_only)
