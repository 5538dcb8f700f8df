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
