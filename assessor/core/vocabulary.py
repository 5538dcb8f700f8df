"""Words both the rubric and the assessment record use, so that neither imports the other."""

from __future__ import annotations

from enum import StrEnum


class ClassKind(StrEnum):
    """Class types of the national rules (托育机构设置标准（试行）)."""

    infant = "infant"
    toddler_small = "toddler_small"
    toddler_large = "toddler_large"
    mixed = "mixed"


CLASS_KIND_LABELS = {
    ClassKind.infant: "乳儿班",
    ClassKind.toddler_small: "托小班",
    ClassKind.toddler_large: "托大班",
    ClassKind.mixed: "混龄班",
}


# Kindergarten words that have a childcare counterpart: the rubric and the sample centres use
# the childcare ones (WS/T 821 assesses 托育机构, not 幼儿园). 乳儿 stays only in 乳儿班.
KINDERGARTEN_TERMS: dict[str, str] = {
    "在园": "在托",
    "入园": "入托",
    "离园": "离托",
    "返园": "返托",
    "学期": "半年或具体月份",
    "师幼互动": "保育人员与婴幼儿互动",
    "乳儿": "婴儿（班级名称“乳儿班”除外）",
}


def kindergarten_terms(text: str) -> list[str]:
    """The kindergarten words `text` uses, in `KINDERGARTEN_TERMS` order."""
    # 乳儿班 is a class name; 园区 (an industrial or office park) is no kindergarten.
    plain = text.replace("乳儿班", "").replace("园区", "")
    return [term for term in KINDERGARTEN_TERMS if term in plain]
