"""The columns of the register exports: a Chinese name for people, a machine key for systems.

The machine key is the register's own column name (`DocumentRow` in `rows.py`) and the Chinese
name its `title`, so a column is defined once; the national register's names are used where
they exist (机构名称, 统一社会信用代码, 行政区划代码, 地址, 机构性质). `register export --columns`
and the README list them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from assessor.core.assessment.model import CARE_TYPE_LABELS, CENTRE_KIND_LABELS, OPERATOR_LABELS
from assessor.core.clock import beijing_text
from assessor.core.register.rows import FLAG_KINDS, REVIEW_LABELS, DocumentRow, FlagKind

LIST_SEPARATOR = "、"


def _labels(table: Mapping[Any, str]) -> dict[str, str]:
    return {key.value: label for key, label in table.items()}


_OPERATORS = _labels(OPERATOR_LABELS)
_CARE_TYPES = _labels(CARE_TYPE_LABELS)
_KINDS = _labels(CENTRE_KIND_LABELS)
_REVIEWS = _labels(REVIEW_LABELS)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _joined(labels: Mapping[str, str] | None = None) -> Callable[[Any], str]:
    def cell(value: Any) -> str:
        items = json.loads(value) if isinstance(value, str) else (value or [])
        return LIST_SEPARATOR.join((labels or {}).get(i, i) for i in items)

    return cell


def _label(labels: Mapping[str, str]) -> Callable[[Any], str]:
    return lambda value: labels.get(value, _text(value)) if value else ""


def _moment(value: Any) -> str:
    if not value:
        return ""
    return beijing_text(dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")))


def _yes_no(value: Any) -> str:
    return "是" if value else "否"


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    cell: Callable[[Any], str] = _text

    def value(self, row: Mapping[str, Any]) -> str:
        return self.cell(row[self.key])


def _document(key: str, cell: Callable[[Any], str] = _text) -> Column:
    title = DocumentRow.model_fields[key].title
    assert title, f"DocumentRow.{key} has no Chinese title"
    return Column(key, title, cell)


def _flag_kinds(value: Any) -> str:
    """The open flag kinds of an assessment (`filters.OPEN_KINDS`) as short Chinese names."""
    kinds = sorted(set(str(value).split(","))) if value else []
    return LIST_SEPARATOR.join(FLAG_KINDS[FlagKind(k)].short for k in kinds)


REVIEW_STATE = Column("review_state", "审核状态", _label(_REVIEWS))
OPEN_FLAGS = Column("open_flags", "待核实事项", _flag_kinds)

REGISTER_COLUMNS: tuple[Column, ...] = (
    _document("centre_name"),
    _document("centre_uscc"),
    _document("division_code"),
    _document("centre_address"),
    _document("operator", _label(_OPERATORS)),
    _document("centre_kind", _label(_KINDS)),
    _document("care_types", _joined(_CARE_TYPES)),
    _document("places"),
    _document("visit_date"),
    _document("cycle"),
    _document("total"),
    _document("max_total"),
    _document("grade"),
    _document("vetoes_fired", _joined()),
    REVIEW_STATE,
    OPEN_FLAGS,
    _document("assessor_names", _joined()),
    _document("assessor_ids", _joined()),
    _document("assessment_id"),
    _document("version"),
    _document("signer_name"),
    _document("signer_id"),
    _document("signed_at", _moment),
    _document("rubric_code"),
    _document("training", _yes_no),
    _document("sha256"),
)
"""One row per current assessment, in this order."""

PUBLIC_COLUMNS: tuple[Column, ...] = (
    _document("centre_name"),
    _document("centre_address"),
    _document("grade"),
    _document("visit_date"),
    Column("valid_until", "有效期至"),
)
"""信息公示: the centre, where it is, its grade, when it was assessed and until when the grade
stands. Nothing about a person (assessors, signers) and nothing internal (hashes, reviews)."""
