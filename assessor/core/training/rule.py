"""The reliability rule as data: when one comparison passes, and when a trainee is certified.

The bundled rule is `assets/training/reliability-rule.json` (beside the training key, outside
`assets/samples/`, which holds sample files only); a trainer who keeps a class's data apart can
put a `training/rule.json` of their own in the data folder, which then wins.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assessor.core.paths import assets_dir
from assessor.core.problems import ProblemsError, problems_from_validation
from assessor.core.safe_input import read_json_file

RULE_FORMAT = "assessor.training-rule/1"
RULE_FILE = "rule.json"
# A rule is a few hundred bytes; anything far larger is not a rule file.
MAX_RULE_BYTES = 64 * 1024


class ReliabilityRule(BaseModel):
    """Defaults: CLASS asks 80% agreement with master codes, renewed yearly; the Environment
    Rating Scales average the last three reliability observations. A points rubric with vetoes
    adds that no basic indicator may be judged differently and the grade must be the same."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal["assessor.training-rule/1"] = RULE_FORMAT
    min_exact_agreement: Decimal = Field(
        default=Decimal("0.80"), ge=0, le=1, description="计分指标完全一致比例的下限（0–1）"
    )
    require_basic_agreement: bool = Field(
        default=True, description="每项基础指标的达标/未达标判断都须与参考一致"
    )
    require_same_grade: bool = Field(default=True, description="等级须与参考等级相同")
    certification_window: int = Field(
        default=3, ge=1, le=20, description="认证看最近几次测试样例的平均"
    )
    validity_days: int = Field(default=365, ge=1, le=3650, description="认证有效天数")

    @property
    def threshold(self) -> Fraction:
        return Fraction(self.min_exact_agreement)

    @property
    def validity(self) -> timedelta:
        return timedelta(days=self.validity_days)

    @property
    def threshold_text(self) -> str:
        """`80%`, `87.5%`."""
        return f"{(self.min_exact_agreement * 100).normalize():f}%"

    def text(self) -> str:
        parts = [f"计分指标完全一致 ≥ {self.threshold_text}"]
        if self.require_basic_agreement:
            parts.append(
                "每项基础指标达标/未达标判断一致（达标即得分不低于否决线，与定级同一标准）"
            )
        if self.require_same_grade:
            parts.append("等级相同")
        return (
            "、".join(parts)
            + f"；最近 {self.certification_window} 次测试样例平均达到上述要求即获认证，"
            f"有效期 {self.validity_days} 天"
        )


def bundled_rule_path() -> Path:
    return assets_dir() / "training" / "reliability-rule.json"


def load_rule(data_root: Path | None = None) -> ReliabilityRule:
    """The data folder's own rule when there is one, else the bundled rule."""
    path = bundled_rule_path()
    if data_root is not None and (data_root / "training" / RULE_FILE).is_file():
        path = data_root / "training" / RULE_FILE
    where = str(path)
    try:
        return ReliabilityRule.model_validate(read_json_file(path, MAX_RULE_BYTES, where))
    except ValidationError as exc:
        raise ProblemsError(problems_from_validation(where, exc)) from exc
